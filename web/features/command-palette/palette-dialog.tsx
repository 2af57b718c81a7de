import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { Command as Cmdk } from 'cmdk';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { LookupResult } from '../../../shared/contracts/dashboard';
import { can } from '../../../shared/permissions';
import { Icon, type IconName } from '../../components/icons';
import { Spinner } from '../../components/spinner';
import { visibleNavItems } from '../../lib/nav';
import { trpc } from '../../lib/trpc';
import { useSession } from '../../lib/use-session';
import { readRecent, recentKey, rememberRecent } from './recent-items';

interface Command {
  key: string;
  group: 'Recent' | 'Results' | 'Pages';
  label: string;
  detail?: string | null;
  icon: IconName;
  path: string;
  /** Set for objects (not pages): remembered as a recent item when opened. */
  result?: LookupResult;
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

/**
 * Worth asking the server: an object id, a card's last 4, or 3+ characters of a name or email (shorter text
 * cannot use the trigram indexes, and the server answers it with nothing).
 */
export function lookupable(q: string) {
  return /^[a-z]+_[A-Za-z0-9]+$/.test(q) || /^\d{4}$/.test(q) || q.length >= 3;
}

function toCommand(r: LookupResult, group: Command['group']): Command {
  return { key: `${group}:${r.type}:${r.id}`, group, label: r.label, detail: [TYPE_LABELS[r.type], r.detail, r.id].filter(Boolean).join(' · '), icon: TYPE_ICONS[r.type], path: r.path, result: r };
}

export default function PaletteDialog({ onClose }: { onClose: () => void }) {
  const session = useSession();
  const navigate = useNavigate();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const [text, setText] = useState('');
  const [selected, setSelected] = useState('');
  const ids = useId();
  const titleId = `${ids}-title`;
  const q = useDebounced(text.trim(), 200);
  const role = session?.role ?? null;
  const storageKey = session?.merchant ? recentKey({ userId: session.user.id, merchantId: session.merchant.id, livemode: session.livemode }) : null;
  const [recent, setRecent] = useState<LookupResult[]>(() => (storageKey ? readRecent(localStorage, storageKey) : []));

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
    const items: Command[] = visibleNavItems(role).map((item) => ({ key: `page:${item.to}`, group: 'Pages', label: item.label, icon: item.icon, path: item.to }));
    if (can(role, 'payments:read')) {
      const at = items.findIndex((i) => i.path === '/payments') + 1;
      items.splice(at, 0, { key: 'page:/refunds', group: 'Pages', label: 'Refunds', icon: 'refresh', path: '/refunds' });
    }
    return items;
  }, [role]);

  const needle = text.trim().toLowerCase();
  const commands: Command[] = [
    ...(needle ? [] : recent.map((r) => toCommand(r, 'Recent'))),
    ...(needle && lookupable(q) && lookup.data ? lookup.data.map((r) => toCommand(r, 'Results')) : []),
    ...pages.filter((p) => !needle || p.label.toLowerCase().includes(needle)),
  ];
  const searching = lookupable(text.trim()) && (text.trim() !== q || lookup.isFetching);
  const commandKeys = commands.map((c) => c.key).join('|');

  // A new list selects its first entry, as a search box's suggestions do.
  useEffect(() => setSelected(commands[0]?.key ?? ''), [commandKeys]);

  function run(command: Command) {
    if (command.result && storageKey) setRecent(rememberRecent(localStorage, storageKey, command.result));
    onClose();
    void navigate({ to: command.path as '/' });
  }

  const groups = (['Recent', 'Results', 'Pages'] as const).map((group) => ({ group, items: commands.filter((c) => c.group === group) }));

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
      <Cmdk
        label="Go to"
        shouldFilter={false}
        vimBindings={false}
        loop
        value={selected}
        onValueChange={setSelected}
        className="animate-pop-in overflow-hidden rounded-xl bg-white shadow-2xl ring-1 ring-slate-900/10"
      >
        <h2 id={titleId} className="sr-only">Go to</h2>
        <div className="flex items-center gap-3 border-b border-slate-100 px-4">
          <Icon name="search" className="size-5 shrink-0 text-slate-400" />
          <Cmdk.Input
            ref={inputRef}
            aria-label="Search pages, payments and customers: a name, an email, a card's last 4 or an id"
            value={text}
            onValueChange={setText}
            placeholder="Name, email, last 4, id, or a page…"
            className="h-14 min-w-0 flex-1 border-0 bg-transparent text-[15px] text-slate-900 placeholder:text-slate-400 focus:outline-none"
          />
          {searching && <Spinner size="sm" className="text-slate-400" label="Searching" />}
          <kbd className="hidden rounded border border-slate-200 px-1.5 py-0.5 font-sans text-[11px] text-slate-500 sm:block">Esc</kbd>
        </div>
        <Cmdk.List aria-label="Destinations" className="max-h-[50vh] overflow-y-auto p-2">
          {groups.map(({ group, items }) =>
            items.length === 0 ? null : (
              <Cmdk.Group
                key={group}
                heading={group}
                className="[&_[cmdk-group-heading]]:px-2.5 [&_[cmdk-group-heading]]:pt-2 [&_[cmdk-group-heading]]:pb-1 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:font-medium [&_[cmdk-group-heading]]:text-slate-500"
              >
                {items.map((c) => (
                  <Cmdk.Item
                    key={c.key}
                    value={c.key}
                    onSelect={() => run(c)}
                    className="group flex cursor-pointer items-center gap-3 rounded-md px-2.5 py-2 text-sm text-slate-700 data-[selected=true]:bg-brand-50 data-[selected=true]:text-brand-800"
                  >
                    <Icon name={c.icon} className="size-4 shrink-0 text-slate-400 group-data-[selected=true]:text-brand-600" />
                    <span className="min-w-0 flex-1">
                      <span className="block truncate font-medium">{c.label}</span>
                      {c.detail && <span className="block truncate text-xs text-slate-600">{c.detail}</span>}
                    </span>
                    <Icon name="arrowRight" className="invisible size-4 shrink-0 text-brand-600 group-data-[selected=true]:visible" />
                  </Cmdk.Item>
                ))}
              </Cmdk.Group>
            ),
          )}
          {commands.length === 0 && (
            <p className="px-3 py-6 text-center text-sm text-slate-500" role="status">
              {searching
                ? 'Searching…'
                : lookupable(text.trim())
                  ? 'Nothing in this account matches. Check the mode (test or live).'
                  : 'No pages match. Type 3 or more letters of a name or email, a card’s last 4, or paste an id.'}
            </p>
          )}
        </Cmdk.List>
        <div className="flex items-center gap-4 border-t border-slate-100 bg-slate-50/70 px-4 py-2 text-xs text-slate-500" aria-hidden="true">
          <span><kbd className="font-sans">↑</kbd> <kbd className="font-sans">↓</kbd> to move</span>
          <span><kbd className="font-sans">Enter</kbd> to open</span>
          <span><kbd className="font-sans">Esc</kbd> to close</span>
        </div>
      </Cmdk>
    </dialog>
  );
}
