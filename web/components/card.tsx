import type { ReactNode } from 'react';
import { cx } from '../lib/format';

export function Card({ children, className }: { children: ReactNode; className?: string }) {
  return <section className={cx('rounded-xl border border-slate-200 bg-white shadow-xs', className)}>{children}</section>;
}

/** `stacked`: the actions go under the title at every width (for cards in narrow columns). */
export function CardHeader({ title, description, actions, id, stacked }: { title: ReactNode; description?: ReactNode; actions?: ReactNode; id?: string; stacked?: boolean }) {
  return (
    <div className={`flex flex-col gap-3 border-b border-slate-100 px-5 py-4 ${stacked ? '' : 'sm:flex-row sm:items-center sm:justify-between'}`}>
      <div className="min-w-0">
        <h2 id={id} className="text-[15px] font-semibold text-slate-900">{title}</h2>
        {description && <p className="mt-0.5 text-sm text-slate-500">{description}</p>}
      </div>
      {actions && <div className="flex shrink-0 items-center gap-2">{actions}</div>}
    </div>
  );
}

export function CardBody({ children, className }: { children: ReactNode; className?: string }) {
  return <div className={cx('px-5 py-4', className)}>{children}</div>;
}

export function CardFooter({ children, className }: { children: ReactNode; className?: string }) {
  return <div className={cx('flex items-center justify-end gap-2 rounded-b-xl border-t border-slate-100 bg-slate-50/60 px-5 py-3', className)}>{children}</div>;
}

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        {description && <p className="mt-1 text-sm text-slate-500">{description}</p>}
      </div>
      {actions && <div className="flex shrink-0 items-center gap-2">{actions}</div>}
    </div>
  );
}
