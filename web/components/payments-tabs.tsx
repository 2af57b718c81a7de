import { Link } from '@tanstack/react-router';
import { cx } from '../lib/format';

const tab = 'border-b-2 px-1 pb-2.5 text-sm font-medium transition-colors';

const TABS = [
  { id: 'payments', to: '/payments', label: 'Payments' },
  { id: 'refunds', to: '/refunds', label: 'Refunds' },
  { id: 'disputes', to: '/disputes', label: 'Disputes' },
] as const;

/** Payments, Refunds and Disputes share one sidebar entry; these tabs switch between the lists. */
export function PaymentsTabs({ current }: { current: (typeof TABS)[number]['id'] }) {
  return (
    <nav aria-label="Payments, refunds and disputes" className="mb-5 flex gap-6 border-b border-slate-200">
      {TABS.map((t) => (
        <Link
          key={t.id}
          to={t.to}
          aria-current={current === t.id ? 'page' : undefined}
          className={cx(tab, current === t.id ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700')}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
