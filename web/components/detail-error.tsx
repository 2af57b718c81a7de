import { Link, type ErrorComponentProps } from '@tanstack/react-router';
import { buttonClass } from './button';
import { EmptyState } from './empty-state';
import { Icon } from './icons';
import { ErrorPage } from './error-pages';

function isNotFound(error: unknown) {
  return (error as { data?: { code?: string } } | null)?.data?.code === 'NOT_FOUND';
}

/** A detail page for an id this merchant (in this mode) does not have: say so and offer the list. */
export function detailErrorComponent(kind: 'payment' | 'refund' | 'customer' | 'payout' | 'dispute') {
  const list = { payment: '/payments', refund: '/refunds', customer: '/customers', payout: '/balances', dispute: '/disputes' } as const;
  const plural = { payment: 'Payments', refund: 'Refunds', customer: 'Customers', payout: 'Balances', dispute: 'Disputes' } as const;
  return function DetailError(props: ErrorComponentProps) {
    if (!isNotFound(props.error)) return <ErrorPage {...props} />;
    return (
      <EmptyState
        icon={<Icon name="search" />}
        title={`No such ${kind}`}
        description={`This ${kind} does not exist in this account and mode. It may belong to the other mode (test or live), or the link may be mistyped.`}
        action={<Link to={list[kind]} className={buttonClass('secondary')}>Back to {plural[kind]}</Link>}
      />
    );
  };
}
