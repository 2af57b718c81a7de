import { z } from 'zod';
import { disputeListFilters, type DisputeListFilters } from './dispute-list-filters.js';
import { boolParam, expandParam, fileIdParam, idParam, listParamsShape, metadataParam } from './common.js';

/** Stripe's dispute statuses; `warning_*` are inquiries (no money moves until one escalates). */
export const DISPUTE_STATUSES = [
  'warning_needs_response',
  'warning_under_review',
  'warning_closed',
  'needs_response',
  'under_review',
  'won',
  'lost',
] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

/** Statuses in which the merchant may still add evidence and submit it. */
export const DISPUTE_RESPONSE_STATUSES = ['warning_needs_response', 'needs_response'] as const satisfies readonly DisputeStatus[];
export const DISPUTE_CLOSED_STATUSES = ['warning_closed', 'won', 'lost'] as const satisfies readonly DisputeStatus[];

export const DISPUTE_REASONS = [
  'bank_cannot_process',
  'check_returned',
  'credit_not_processed',
  'customer_initiated',
  'debit_not_authorized',
  'duplicate',
  'fraudulent',
  'general',
  'incorrect_account_details',
  'insufficient_funds',
  'product_not_received',
  'product_unacceptable',
  'subscription_canceled',
  'unrecognized',
] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

/** Evidence fields that hold the id of an uploaded file (`file_…`). */
export const EVIDENCE_FILE_FIELDS = [
  'cancellation_policy',
  'customer_communication',
  'customer_signature',
  'duplicate_charge_documentation',
  'receipt',
  'refund_policy',
  'service_documentation',
  'shipping_documentation',
  'uncategorized_file',
] as const;

/** Free-text evidence fields, with Stripe's per-field limit. */
export const EVIDENCE_TEXT_FIELDS = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'duplicate_charge_explanation',
  'duplicate_charge_id',
  'product_description',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_tracking_number',
  'uncategorized_text',
] as const;
export type EvidenceField = (typeof EVIDENCE_FILE_FIELDS)[number] | (typeof EVIDENCE_TEXT_FIELDS)[number];

const EVIDENCE_FIELD_MAX = 20_000;
/** Stripe: the combined character count of all evidence fields. */
export const EVIDENCE_TOTAL_MAX = 150_000;

const evidenceFileParam = z.union([z.literal(''), fileIdParam]);
const evidenceShape = {
  ...Object.fromEntries(EVIDENCE_FILE_FIELDS.map((f) => [f, evidenceFileParam.optional()])),
  ...Object.fromEntries(EVIDENCE_TEXT_FIELDS.map((f) => [f, z.string().max(EVIDENCE_FIELD_MAX, `Must be at most ${EVIDENCE_FIELD_MAX} characters`).optional()])),
} as Record<EvidenceField, z.ZodOptional<z.ZodString | z.ZodUnion<[z.ZodLiteral<''>, z.ZodString]>>>;

/** `""` clears a field, as elsewhere in Stripe's API. */
const disputeEvidenceParam = z.strictObject(evidenceShape);
export type DisputeEvidenceInput = Partial<Record<EvidenceField, string>>;

export const updateDisputeParams = z.strictObject({
  evidence: disputeEvidenceParam.optional(),
  metadata: metadataParam.optional(),
  /** Stripe's default: evidence is submitted at once; `false` stages it. */
  submit: boolParam().optional(),
  expand: expandParam.optional(),
});
export type UpdateDisputeInput = z.input<typeof updateDisputeParams>;

export const closeDisputeParams = z.strictObject({ expand: expandParam.optional() });

export const listDisputesParams = z.strictObject({
  ...listParamsShape,
  charge: idParam.optional(),
  payment_intent: idParam.optional(),
  /** PaymentFlow extension for the dashboard. */
  status: z.enum(DISPUTE_STATUSES).optional(),
});
export type ListDisputesInput = z.input<typeof listDisputesParams>;

export type DisputeEvidence = Record<EvidenceField, string | null> & { enhanced_evidence: Record<string, never> };

export interface DisputeDto {
  id: string;
  object: 'dispute';
  amount: number;
  balance_transactions: unknown[];
  charge: string | null;
  created: number;
  currency: string;
  enhanced_eligibility_types: string[];
  evidence: DisputeEvidence;
  evidence_details: {
    due_by: number | null;
    enhanced_eligibility: Record<string, never>;
    has_evidence: boolean;
    past_due: boolean;
    submission_count: number;
    submission_method: 'manual' | null;
  };
  intended_submission_method: null;
  is_charge_refundable: boolean;
  livemode: boolean;
  metadata: Record<string, string>;
  network_reason_code: string | null;
  payment_intent: string;
  payment_method_details: { type: 'card'; card: { brand: string | null; case_type: 'chargeback' | 'inquiry'; network: string | null; network_reason_code: string | null } };
  reason: DisputeReason;
  status: DisputeStatus;
}

// Dashboard (tRPC) inputs.
export { disputeListFilters, type DisputeListFilters };
export const disputeIdInput = z.object({ id: idParam });
export const submitDisputeEvidenceInput = z.object({
  id: idParam,
  evidence: disputeEvidenceParam,
  submit: z.boolean(),
});
