import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { LookupResult } from '../../../shared/contracts/dashboard';
import { can } from '../../../shared/permissions';
import { Icon, type IconName } from '../../components/icons';
import { Spinner } from '../../components/spinner';
import { cx } from '../../lib/format';
import { visibleNavItems } from '../../lib/nav';
import { trpc } from '../../lib/trpc';
import { useSession } from '../shell/use-session';

interface Command {
  key: string;
  group: 'Pages' | 'Results';
  label: string;
  detail?: string | null;
  icon: IconName;
  path: string;
}

const TYPE_ICONS: Record<LookupResult['type'], IconName> = {
  payment: 'payments',
  refund: 'refresh',
  customer: 'customers',
  event: 'flask',
  webhook_endpoint: 'developers',
};
const TYPE_LABELS: Record<LookupResult['type'], string> = {
  payment: 'Payment',
  refund: 'Refund',
  customer: 'Customer',
  event: 'Event',
  webhook_endpoint: 'Webhook endpoint',
};

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

/** Worth asking the server: an object id or something email-like (the server finds nothing in other text). */
function lookupable(q: string) {
  return /^[a-z]+_[A-Za-z0-9]+$/.test(q) || (q.includes('@') && q.length >= 3 && !/\s/.test(q));
}

const OPEN_EVENT = 'paymentflow:command-palette';

/** For a visible "Search" button elsewhere in the layout: opens the palette as Ctrl/Cmd+K does. */
export function openCommandPalette() {
  window.dispatchEvent(new Event(OPEN_EVENT));
}

/**
 * Ctrl/Cmd+K: jump to any page, or to a payment, refund or customer by pasting its id or typing an email.
 * A modal dialog with a combobox and a listbox (WAI-ARIA combobox pattern): arrows move, Enter opens,
 * Esc closes and focus returns to where it was.
 */
export function CommandPalette() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.metaKey || event.ctrlKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setOpen((o) => !o);
      }
    };
    const onOpen = () => setOpen(true);
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener(OPEN_EVENT, onOpen);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener(OPEN_EVENT, onOpen);
    };
  }, []);
  return open ? <PaletteDialog onClose={() => setOpen(false)} /> : null;
}

function PaletteDialog({ onClose }: { onClose: () => void }) {
  const session = useSession();
  const navigate = useNavigate();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const ids = useId();
  const listId = `${ids}-list`;
  const titleId = `${ids}-title`;
  const q = useDebounced(text.trim(), 200);
  const role = session?.role ?? null;

  useEffect(() => {
    returnFocus.current = document.activeElement as HTMLElement | null;
    dialogRef.current?.showModal();
    inputRef.current?.focus();
    return () => returnFocus.current?.focus?.();
  }, []);

  const lookup = useQuery({
    ...trpc.lookup.resolve.queryOptions({ q }),
    enabled: can(role, 'payments:read') && lookupable(q),
    staleTime: 30_000,
  });

  const pages = useMemo<Command[]>(() => {
    const items: Command[] = visibleNavItems(role).map((item) => ({ key: item.to, group: 'Pages', label: item.label, icon: item.icon, path: item.to }));
    if (can(role, 'payments:read')) {
      const at = items.findIndex((i) => i.path === '/payments') + 1;
      items.splice(at, 0, { key: '/refunds', group: 'Pages', label: 'Refunds', icon: 'refresh', path: '/refunds' });
    }
    return items;
  }, [role]);

  const needle = text.trim().toLowerCase();
  const commands: Command[] = [
    ...(lookupable(q) && lookup.data
      ? lookup.data.map((r) => ({ key: `${r.type}:${r.id}`, group: 'Results' as const, label: r.label, detail: [TYPE_LABELS[r.type], r.detail, r.id].filter(Boolean).join(' · '), icon: TYPE_ICONS[r.type], path: r.path }))
      : []),
    ...pages.filter((p) => !needle || p.label.toLowerCase().includes(needle)),
  ];
  const activeIndex = Math.min(active, Math.max(commands.length - 1, 0));
  const searching = lookupable(text.trim()) && (text.trim() !== q || lookup.isFetching);

  useEffect(() => setActive(0), [text, lookup.data]);
  useEffect(() => {
    document.getElementById(`${ids}-option-${activeIndex}`)?.scrollIntoView({ block: 'nearest' });
  }, [activeIndex, ids]);

  function run(command: Command | undefined) {
    if (!command) return;
    onClose();
    void navigate({ to: command.path as '/' });
  }

  function onKeyDown(event: React.KeyboardEvent) {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        setActive((activeIndex + 1) % Math.max(commands.length, 1));
        break;
      case 'ArrowUp':
        event.preventDefault();
        setActive((activeIndex - 1 + commands.length) % Math.max(commands.length, 1));
        break;
      case 'Home':
        if (event.ctrlKey) { event.preventDefault(); setActive(0); }
        break;
      case 'End':
        if (event.ctrlKey) { event.preventDefault(); setActive(commands.length - 1); }
        break;
      case 'Enter':
        event.preventDefault();
        run(commands[activeIndex]);
        break;
    }
  }

  const groups = (['Results', 'Pages'] as const).map((group) => ({ group, items: commands.map((c, index) => ({ c, index })).filter(({ c }) => c.group === group) }));

  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        if (event.target === dialogRef.current) onClose();
      }}
      className="mx-auto mt-[12vh] w-[calc(100%-2rem)] max-w-xl bg-transparent p-0 backdrop:animate-fade-in"
    >
      <div className="animate-pop-in overflow-hidden rounded-xl bg-white shadow-2xl ring-1 ring-slate-900/10">
        <h2 id={titleId} className="sr-only">Go to</h2>
        <div className="flex items-center gap-3 border-b border-slate-100 px-4">
          <Icon name="search" className="size-5 shrink-0 text-slate-400" />
          <input
            ref={inputRef}
            role="combobox"
            aria-label="Search pages, or paste an id or email"
            aria-expanded={commands.length > 0}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={commands.length ? `${ids}-option-${activeIndex}` : undefined}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKeyDown}
            placeholder="Go to a page, or paste an id or email…"
            className="h-14 min-w-0 flex-1 border-0 bg-transparent text-[15px] text-slate-900 placeholder:text-slate-400 focus:outline-none"
          />
          {searching && <Spinner size="sm" className="text-slate-400" label="Searching" />}
          <kbd className="hidden rounded border border-slate-200 px-1.5 py-0.5 font-sans text-[11px] text-slate-500 sm:block">Esc</kbd>
        </div>
        <div id={listId} role="listbox" aria-label="Destinations" className="max-h-[50vh] overflow-y-auto p-2">
          {groups.map(({ group, items }) =>
            items.length === 0 ? null : (
              <div key={group} role="group" aria-labelledby={`${ids}-${group}`}>
                <div id={`${ids}-${group}`} role="presentation" className="px-2.5 pt-2 pb-1 text-xs font-medium text-slate-500">{group}</div>
                {items.map(({ c, index }) => (
                  <div
                    key={c.key}
                    id={`${ids}-option-${index}`}
                    role="option"
                    aria-selected={index === activeIndex}
                    onMouseMove={() => setActive(index)}
                    onClick={() => run(c)}
                    className={cx('flex cursor-pointer items-center gap-3 rounded-md px-2.5 py-2 text-sm', index === activeIndex ? 'bg-brand-50 text-brand-800' : 'text-slate-700')}
                  >
                    <Icon name={c.icon} className={cx('size-4 shrink-0', index === activeIndex ? 'text-brand-600' : 'text-slate-400')} />
                    <span className="min-w-0 flex-1">
                      <span className="block truncate font-medium">{c.label}</span>
                      {c.detail && <span className="block truncate text-xs text-slate-600">{c.detail}</span>}
                    </span>
                    {index === activeIndex && <Icon name="arrowRight" className="size-4 shrink-0 text-brand-600" />}
                  </div>
                ))}
              </div>
            ),
          )}
          {commands.length === 0 && (
            <p className="px-3 py-6 text-center text-sm text-slate-500" role="status">
              {searching ? 'Searching…' : lookupable(text.trim()) ? 'Nothing in this account matches. Check the mode (test or live).' : 'No pages match. Paste an id (pi_…, cus_…, re_…) or an email to find it.'}
            </p>
          )}
        </div>
        <div className="flex items-center gap-4 border-t border-slate-100 bg-slate-50/70 px-4 py-2 text-xs text-slate-500" aria-hidden="true">
          <span><kbd className="font-sans">↑</kbd> <kbd className="font-sans">↓</kbd> to move</span>
          <span><kbd className="font-sans">Enter</kbd> to open</span>
          <span><kbd className="font-sans">Esc</kbd> to close</span>
        </div>
      </div>
    </dialog>
  );
}
