import type { RefundReason } from '../../shared/status';

export type { RefundReason };
export const REFUND_REASON_LABELS: Record<RefundReason, string> = {
  requested_by_customer: 'Requested by customer',
  duplicate: 'Duplicate payment',
  fraudulent: 'Fraudulent',
};
