import { Link } from '@tanstack/react-router';
import { cx } from '../lib/format';

const tab = 'border-b-2 px-1 pb-2.5 text-sm font-medium transition-colors';
const on = 'border-brand-600 text-brand-700';
const off = 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700';

/** Developers has three pages: API keys, Webhooks and Events. */
export function DevelopersTabs({ current }: { current: 'keys' | 'webhooks' | 'events' }) {
  return (
    <nav aria-label="Developers" className="mb-5 flex gap-6 border-b border-slate-200">
      <Link to="/developers" aria-current={current === 'keys' ? 'page' : undefined} className={cx(tab, current === 'keys' ? on : off)}>API keys</Link>
      <Link to="/developers/webhooks" search={{}} aria-current={current === 'webhooks' ? 'page' : undefined} className={cx(tab, current === 'webhooks' ? on : off)}>Webhooks</Link>
      <Link to="/developers/events" search={{}} aria-current={current === 'events' ? 'page' : undefined} className={cx(tab, current === 'events' ? on : off)}>Events</Link>
    </nav>
  );
}
