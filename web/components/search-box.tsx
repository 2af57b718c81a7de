import { type ReactNode, useEffect, useId, useState } from 'react';
import { parseSearchQuery, SearchQueryError, SearchQuerySyntaxError } from '../../shared/search';
import { Button } from './button';
import { EmptyState } from './empty-state';
import { Icon } from './icons';
import { errorMessage } from '../lib/errors';

/** The server's reading: an email stays an email; anything else with an operator is a search-language query. */
export function looksLikeQuery(text: string): boolean {
  if (text.includes('@') && !/[\s:~<>"']/.test(text)) return false;
  return /[:~<>]/.test(text);
}

interface QueryProblem { message: string; position: number | null }

/** Checks a search-language query before it is sent, with the same parser the server uses. */
export function checkQuery(text: string, resource: 'payment_intents' | 'refunds' | 'customers' = 'payment_intents'): QueryProblem | null {
  if (!looksLikeQuery(text)) return null;
  try {
    parseSearchQuery(resource, text);
    return null;
  } catch (error) {
    if (error instanceof SearchQuerySyntaxError) return { message: error.message, position: error.position };
    if (error instanceof SearchQueryError) return { message: error.message, position: null };
    throw error;
  }
}

type SearchResource = 'payment_intents' | 'refunds' | 'customers';

interface SearchBoxProps {
  value: string;
  onSearch: (q: string) => void;
  serverError?: unknown;
  /** The search language's resource the box checks queries against, as the server will. */
  resource?: SearchResource;
  label?: string;
  placeholder?: string;
  hint?: ReactNode;
  className?: string;
}

/**
 * The list search box: plain text goes to the server as it is (an id opens that object, an email or last 4
 * filters), and anything with `field:value` is a query in Stripe's search language. A malformed query is
 * explained inline with a caret under the position the parser stopped at.
 */
export function SearchBox({
  value,
  onSearch,
  serverError,
  resource = 'payment_intents',
  label = 'Search payments',
  placeholder = 'Search by id, email, last 4 or query',
  hint = <>Paste a payment, refund or customer id to open it, or write a query like <code className="font-mono text-[12px]">status:"succeeded" AND amount&gt;1000</code>.</>,
  className = 'w-full max-w-xl',
}: SearchBoxProps) {
  const [text, setText] = useState(value);
  const [problem, setProblem] = useState<QueryProblem | null>(null);
  const hintId = useId();
  const errorId = useId();
  const shownError = problem ?? (serverError ? { message: errorMessage(serverError), position: null } : null);
  // Follows the URL (Back, saved views) without remounting, so focus stays in the box after Enter.
  useEffect(() => setText(value), [value]);

  return (
    <form
      role="search"
      className={className}
      onSubmit={(event) => {
        event.preventDefault();
        const q = text.trim();
        const found = checkQuery(q, resource);
        setProblem(found);
        if (!found) onSearch(q);
      }}
    >
      <label htmlFor={`${hintId}-input`} className="sr-only">{label}</label>
      <div className="relative">
        <Icon name="search" className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400" />
        <input
          id={`${hintId}-input`}
          type="search"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            if (problem) setProblem(null);
          }}
          onKeyDown={(event) => {
            // Escape clears the box and the search it applied.
            if (event.key === 'Escape' && (text || value)) {
              event.preventDefault();
              setText('');
              setProblem(null);
              if (value) onSearch('');
            }
          }}
          placeholder={placeholder}
          aria-invalid={shownError ? true : undefined}
          aria-describedby={shownError ? errorId : hintId}
          className="block h-9 w-full rounded-md border-0 bg-white pr-20 pl-9 text-sm text-slate-900 shadow-xs ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-brand-500 focus:outline-none aria-[invalid=true]:ring-red-400"
        />
        <button type="submit" className="absolute top-1 right-1 h-7 rounded px-2.5 text-[13px] font-medium text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-500">
          Search
        </button>
      </div>
      {shownError ? (
        <div id={errorId} role="alert" className="mt-1.5 text-[13px] text-red-600">
          <p>{shownError.message}</p>
          {shownError.position !== null && <QueryCaret text={text} position={shownError.position} />}
        </div>
      ) : (
        <p id={hintId} className="mt-1.5 text-[13px] text-slate-500">{hint}</p>
      )}
    </form>
  );
}

/** What a list shows instead of rows when the server refused its search (the box above says why). */
export function SearchProblem({ onClear }: { onClear: () => void }) {
  return (
    <EmptyState
      icon={<Icon name="search" />}
      title="Check the search"
      description="The search above could not be run; its message says what to change."
      action={<Button onClick={onClear}>Clear search</Button>}
    />
  );
}

function QueryCaret({ text, position }: { text: string; position: number }) {
  const before = text.slice(0, position);
  const at = text.slice(position, position + 1) || ' ';
  const after = text.slice(position + 1);
  return (
    <pre className="mt-1 overflow-x-auto rounded bg-red-50 px-2 py-1 font-mono text-xs text-slate-800" aria-hidden="true">
      {before}
      <mark className="rounded-sm bg-red-200 text-red-900 underline decoration-red-600 decoration-wavy">{at}</mark>
      {after}
    </pre>
  );
}
