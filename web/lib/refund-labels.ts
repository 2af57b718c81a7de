import type { REFUND_REASONS } from '../../shared/contracts/refunds';

export type RefundReason = (typeof REFUND_REASONS)[number];
export const REFUND_REASON_LABELS: Record<RefundReason, string> = {
  requested_by_customer: 'Requested by customer',
  duplicate: 'Duplicate payment',
  fraudulent: 'Fraudulent',
};
