import { Badge } from './badge';
import { DISPLAY_STATUS_DESCRIPTIONS, DISPLAY_STATUS_LABELS, DISPLAY_STATUS_TONES, type DisplayStatus } from '../../shared/payment-display-status';
import { REFUND_STATUS_LABELS, type RefundStatus } from '../../shared/status';

/** Words for a key ("partially_refunded" -> "Partially refunded"). */
export function humanize(value: string): string {
  const words = value.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function PaymentStatusBadge({ status }: { status: DisplayStatus }) {
  return (
    <span title={DISPLAY_STATUS_DESCRIPTIONS[status]}>
      <Badge tone={DISPLAY_STATUS_TONES[status] ?? 'neutral'}>{DISPLAY_STATUS_LABELS[status] ?? humanize(status)}</Badge>
    </span>
  );
}

const REFUND_TONES: Record<string, 'warning' | 'success' | 'danger' | 'neutral'> = { pending: 'warning', succeeded: 'success', failed: 'danger', canceled: 'neutral' };

export function RefundStatusBadge({ status }: { status: string }) {
  return <Badge tone={REFUND_TONES[status] ?? 'neutral'}>{REFUND_STATUS_LABELS[status as RefundStatus] ?? humanize(status)}</Badge>;
}
