import type { DisputeReason, DisputeStatus, EvidenceField } from '../../../shared/contracts/disputes';

export const DISPUTE_STATUS_LABELS: Record<DisputeStatus, string> = {
  warning_needs_response: 'Inquiry: needs response',
  warning_under_review: 'Inquiry: under review',
  warning_closed: 'Inquiry closed',
  needs_response: 'Needs response',
  under_review: 'Under review',
  won: 'Won',
  lost: 'Lost',
};

export const DISPUTE_STATUS_TONES: Record<DisputeStatus, 'warning' | 'info' | 'neutral' | 'success' | 'danger'> = {
  warning_needs_response: 'warning',
  warning_under_review: 'info',
  warning_closed: 'neutral',
  needs_response: 'danger',
  under_review: 'info',
  won: 'success',
  lost: 'neutral',
};

export const DISPUTE_REASON_LABELS: Record<DisputeReason, string> = {
  bank_cannot_process: 'Bank cannot process',
  check_returned: 'Check returned',
  credit_not_processed: 'Credit not processed',
  customer_initiated: 'Customer initiated',
  debit_not_authorized: 'Debit not authorized',
  duplicate: 'Duplicate',
  fraudulent: 'Fraudulent',
  general: 'General',
  incorrect_account_details: 'Incorrect account details',
  insufficient_funds: 'Insufficient funds',
  product_not_received: 'Product not received',
  product_unacceptable: 'Product unacceptable',
  subscription_canceled: 'Subscription canceled',
  unrecognized: 'Unrecognized',
};

/** "3 days 4 hours left", "5 hours left", "Overdue": what the merchant needs to know at a glance. */
export function timeLeftLabel(seconds: number | null): string | null {
  if (seconds === null) return null;
  if (seconds <= 0) return 'Overdue';
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  if (days >= 1) return `${days} day${days === 1 ? '' : 's'}${hours ? ` ${hours} hour${hours === 1 ? '' : 's'}` : ''} left`;
  if (hours >= 1) return `${hours} hour${hours === 1 ? '' : 's'} left`;
  return `${Math.max(1, Math.floor(seconds / 60))} min left`;
}

/** The evidence form: the fields a merchant fills most, in the order a bank reads them. */
export const EVIDENCE_FORM: { field: EvidenceField; label: string; kind: 'text' | 'long' | 'file'; hint?: string }[] = [
  { field: 'customer_name', label: 'Customer name', kind: 'text' },
  { field: 'customer_email_address', label: 'Customer email', kind: 'text' },
  { field: 'product_description', label: 'Product or service', kind: 'long', hint: 'What was sold, when and how it was delivered.' },
  { field: 'shipping_carrier', label: 'Shipping carrier', kind: 'text' },
  { field: 'shipping_tracking_number', label: 'Tracking number', kind: 'text' },
  { field: 'shipping_date', label: 'Shipping date', kind: 'text', hint: 'For example 2026-03-14.' },
  { field: 'receipt', label: 'Receipt', kind: 'file' },
  { field: 'customer_communication', label: 'Customer communication', kind: 'file', hint: 'Emails or chats with the customer.' },
  { field: 'shipping_documentation', label: 'Proof of delivery', kind: 'file' },
  { field: 'service_documentation', label: 'Service documentation', kind: 'file', hint: 'A contract, timesheet or proof the service was provided.' },
  { field: 'refund_policy', label: 'Refund policy', kind: 'file', hint: 'As the customer saw it when paying.' },
  { field: 'uncategorized_file', label: 'Other file', kind: 'file' },
  { field: 'uncategorized_text', label: 'Anything else the bank should know', kind: 'long', hint: 'In test mode, "winning_evidence" wins the dispute and "losing_evidence" loses it.' },
];
