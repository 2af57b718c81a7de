import { Link } from '@tanstack/react-router';
import { cx } from '../lib/format';

const tab = 'border-b-2 px-1 pb-2.5 text-sm font-medium transition-colors';

/** Payments, Refunds and Disputes share one sidebar entry; these tabs switch between the lists. */
export function PaymentsTabs({ current }: { current: 'payments' | 'refunds' | 'disputes' }) {
  return (
    <nav aria-label="Payments, refunds and disputes" className="mb-5 flex gap-6 border-b border-slate-200">
      <Link
        to="/payments"
        aria-current={current === 'payments' ? 'page' : undefined}
        className={cx(tab, current === 'payments' ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700')}
      >
        Payments
      </Link>
      <Link
        to="/refunds"
        aria-current={current === 'refunds' ? 'page' : undefined}
        className={cx(tab, current === 'refunds' ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700')}
      >
        Refunds
      </Link>
      <Link
        to="/disputes"
        aria-current={current === 'disputes' ? 'page' : undefined}
        className={cx(tab, current === 'disputes' ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700')}
      >
        Disputes
      </Link>
    </nav>
  );
}
