import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { money } from '../lib/money';
import { CopyButton } from './copy-button';
import { Icon } from './icons';

/**
 * The top of every detail page: a way back to its list, what kind of object it is, its title (an amount
 * with a status badge, a name), a subtitle, its id with a copy button, and the actions a member may take.
 * Everything wraps, so long names, ids and action rows never widen the page on a phone.
 */
export function DetailHeader({
  back,
  kind,
  title,
  subtitle,
  id,
  actions,
}: {
  back: { to: '/payments' | '/refunds' | '/customers' | '/balances' | '/disputes'; label: string };
  kind: string;
  title: ReactNode;
  subtitle?: ReactNode;
  id: string;
  actions?: ReactNode;
}) {
  return (
    <div>
      <Link to={back.to} className="inline-flex items-center gap-1 text-sm font-medium text-slate-500 hover:text-slate-800">
        <Icon name="chevronRight" className="size-4 rotate-180" />
        {back.label}
      </Link>
      <div className="mt-3 flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <p className="text-sm text-slate-500">{kind}</p>
          <h1 className="mt-0.5 flex flex-wrap items-center gap-x-3 gap-y-1 text-2xl font-semibold tracking-tight break-words text-slate-900 tabular-nums sm:text-3xl">{title}</h1>
          {subtitle && <p className="mt-1 text-sm break-words text-slate-600">{subtitle}</p>}
          <p className="mt-2 flex min-w-0 items-center gap-2 font-mono text-xs text-slate-500">
            <span className="min-w-0 break-all">{id}</span>
            <CopyButton value={id} label={`Copy ${kind.toLowerCase()} id`} variant="ghost" />
          </p>
        </div>
        {actions && <div className="flex flex-wrap gap-2 sm:shrink-0">{actions}</div>}
      </div>
    </div>
  );
}

/** The title of a money object's detail page: its amount, its currency code, and its status badge. */
export function AmountTitle({ amount, currency, status }: { amount: number; currency: string; status: ReactNode }) {
  return (
    <>
      {money(amount, currency)}
      <span className="text-lg font-normal text-slate-500 uppercase">{currency}</span>
      {status}
    </>
  );
}
