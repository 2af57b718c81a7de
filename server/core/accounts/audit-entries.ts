import type { AuditAction } from '../../../shared/audit.js';

/** An audit entry's action, target and what changed; the writer adds who, where from and when. */
export interface AuditRecord {
  action: AuditAction;
  targetId: string | null;
  data?: Record<string, unknown>;
}

/**
 * What the audit log records of each money and customer action, the same whichever edge took it (the
 * dashboard or the REST API): written once here so the two never describe one action differently.
 * Only amounts, ids and the names of changed fields: never personal data beyond what the target shows, or secrets.
 */
export const auditOf = {
  refundCreated: (refund: { id: string; payment_intent: string | null; amount: number; currency: string; reason: string | null }): AuditRecord => ({
    action: 'refund.created', targetId: refund.id, data: { paymentIntent: refund.payment_intent, amount: refund.amount, currency: refund.currency, reason: refund.reason },
  }),
  refundUpdated: (refund: { id: string }, changed: string[]): AuditRecord => ({ action: 'refund.updated', targetId: refund.id, data: { changed } }),
  captured: (intent: { id: string; amount_received: number; currency: string }): AuditRecord => ({
    action: 'payment_intent.captured', targetId: intent.id, data: { amount: intent.amount_received, currency: intent.currency },
  }),
  canceled: (intent: { id: string; cancellation_reason: string | null }): AuditRecord => ({
    action: 'payment_intent.canceled', targetId: intent.id, data: { reason: intent.cancellation_reason },
  }),
  customerCreated: (customer: { id: string; email: string | null; name: string | null }): AuditRecord => ({
    action: 'customer.created', targetId: customer.id, data: { email: customer.email, name: customer.name },
  }),
  customerUpdated: (id: string, changed: string[]): AuditRecord => ({ action: 'customer.updated', targetId: id, data: { changed } }),
  customerDeleted: (id: string): AuditRecord => ({ action: 'customer.deleted', targetId: id }),
  payoutCreated: (payout: { id: string; amount: number; currency: string }): AuditRecord => ({
    action: 'payout.created', targetId: payout.id, data: { amount: payout.amount, currency: payout.currency },
  }),
  /** Evidence is the merchant's case file: the log names the fields sent, not their text. */
  disputeUpdated: (dispute: { id: string; status: string }, changed: string[]): AuditRecord => ({
    action: 'dispute.updated', targetId: dispute.id, data: { changed, status: dispute.status },
  }),
  disputeClosed: (dispute: { id: string; amount: number; currency: string; status: string }): AuditRecord => ({
    action: 'dispute.closed', targetId: dispute.id, data: { amount: dispute.amount, currency: dispute.currency, status: dispute.status },
  }),
};
