import {
  DISPUTE_CLOSED_STATUSES,
  DISPUTE_RESPONSE_STATUSES,
  EVIDENCE_FILE_FIELDS,
  EVIDENCE_TEXT_FIELDS,
  EVIDENCE_TOTAL_MAX,
  closeDisputeParams,
  listDisputesParams,
  updateDisputeParams,
  type DisputeDto,
  type DisputeEvidence,
  type DisputeListFilters,
  type DisputeReason,
  type DisputeStatus,
  type EvidenceField,
  type ListDisputesInput,
  type UpdateDisputeInput,
} from '../../../shared/contracts/disputes.js';
import { mergeMetadata, type ListResult } from '../../../shared/contracts/common.js';
import { uploadEvidenceFileInput, type FileDto } from '../../../shared/contracts/files.js';
import { refundableAmount } from '../../../shared/contracts/refunds.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import { currencyInfo } from '../../../shared/money.js';
import type { Executor } from '../../db/database.js';
import type { Row } from '../../db/schema.js';
import { markChargeDisputed } from '../charges/charges.service.js';
import { checkMetadataSize, diffAttributes } from '../customers/customers.service.js';
import { emitEvents, type EventToEmit } from '../events/events.service.js';
import type { BalanceTransactionDto } from '../../../shared/contracts/balance.js';
import * as balanceRepo from '../balance/balance.repository.js';
import { recordBalanceTransaction, toBalanceTransactionDto } from '../balance/balance.service.js';
import * as intentsRepo from '../payment-intents/payment-intents.repository.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { findPage } from '../shared/keyset.repository.js';
import { parseParams } from '../shared/params.js';
import { inTransaction, toUnix } from '../shared/tx.js';
import { createFile, findFilesById } from '../files/files.service.js';
import * as repo from './disputes.repository.js';

/** How long the merchant has to respond (card networks give 7–21 days; Stripe's test disputes about a week). */
export const DISPUTE_RESPONSE_DAYS = 7;

/**
 * The dispute fee, in the payment's currency: 15 major units (Stripe's USD 15.00), at the currency's own
 * exponent, so zero- and three-decimal currencies come out in whole minor units.
 */
export function disputeFee(currency: string): number {
  return 15 * 10 ** currencyInfo(currency).exponent;
}

const RESPONDING: ReadonlySet<string> = new Set(DISPUTE_RESPONSE_STATUSES);
const CLOSED: ReadonlySet<string> = new Set(DISPUTE_CLOSED_STATUSES);
const isInquiry = (status: string) => status.startsWith('warning_');
/** Money leaves the balance when a chargeback opens and comes back only if it is won. */
const fundsWithdrawn = (status: string) => !isInquiry(status) && status !== 'won';

function emptyEvidence(): DisputeEvidence {
  const out = { enhanced_evidence: {} } as DisputeEvidence;
  for (const field of [...EVIDENCE_FILE_FIELDS, ...EVIDENCE_TEXT_FIELDS]) out[field] = null;
  return out;
}

function toDisputeDto(row: Row<'disputes'>, now = new Date(), balanceTransactions: BalanceTransactionDto[] = []): DisputeDto {
  const stored = (row.evidence ?? {}) as Record<string, string | null>;
  const evidence = emptyEvidence();
  for (const [field, value] of Object.entries(stored)) if (field in evidence && field !== 'enhanced_evidence') evidence[field as EvidenceField] = value;
  const dueBy = new Date(row.evidence_due_by);
  return {
    id: row.id,
    object: 'dispute',
    amount: Number(row.amount),
    balance_transactions: balanceTransactions,
    charge: row.charge_id,
    created: toUnix(row.created_at),
    currency: row.currency,
    enhanced_eligibility_types: [],
    evidence,
    evidence_details: {
      due_by: toUnix(dueBy),
      enhanced_eligibility: {},
      has_evidence: Object.values(stored).some((v) => v !== null && v !== ''),
      past_due: RESPONDING.has(row.status) && dueBy.getTime() < now.getTime(),
      submission_count: row.submission_count,
      submission_method: row.submission_count > 0 ? 'manual' : null,
    },
    intended_submission_method: null,
    // An inquiry can still be refunded; a chargeback has already taken the money back.
    is_charge_refundable: isInquiry(row.status),
    livemode: row.livemode,
    metadata: (row.metadata ?? {}) as Record<string, string>,
    network_reason_code: row.network_reason_code,
    payment_intent: row.payment_intent_id,
    payment_method_details: {
      type: 'card',
      card: { brand: row.card_brand, case_type: isInquiry(row.status) ? 'inquiry' : 'chargeback', network: row.card_brand, network_reason_code: row.network_reason_code },
    },
    reason: row.reason as DisputeReason,
    status: row.status as DisputeStatus,
  };
}

export interface TestDispute {
  reason: DisputeReason;
  inquiry: boolean;
  networkReasonCode: string;
}

/** Visa's reason codes for the disputes the test cards open. */
const TEST_DISPUTES: Record<string, TestDispute> = {
  'dispute:fraudulent': { reason: 'fraudulent', inquiry: false, networkReasonCode: '10.4' },
  'dispute:product_not_received': { reason: 'product_not_received', inquiry: false, networkReasonCode: '13.1' },
  'dispute:inquiry': { reason: 'fraudulent', inquiry: true, networkReasonCode: '10.4' },
};

/** The dispute a test card's behavior opens once its payment succeeds (null: none). */
export function testDisputeFor(testBehavior: string | null | undefined): TestDispute | null {
  return testBehavior ? (TEST_DISPUTES[testBehavior] ?? null) : null;
}

/** The dispute a test card opens right after its payment succeeded (test mode only). */
export async function openTestDispute(deps: CoreDeps, actor: Actor, paymentIntentId: string, dispute: TestDispute, tx?: Executor): Promise<DisputeDto | null> {
  if (actor.livemode) return null;
  return openDispute(deps, actor, { paymentIntentId, reason: dispute.reason, inquiry: dispute.inquiry, networkReasonCode: dispute.networkReasonCode }, tx);
}

interface OpenDisputeInput {
  paymentIntentId: string;
  reason: DisputeReason;
  inquiry?: boolean;
  networkReasonCode?: string | null;
  /** The charge disputed (`ch_…`), once charges exist. */
  chargeId?: string | null;
  at?: Date;
}

/**
 * The cardholder's bank disputes a payment. Under the payment's row lock (the one refunds take), so a
 * refund and a dispute racing on one payment are decided one after the other: the dispute takes what the
 * refunds left, never more. A chargeback withdraws that amount and the dispute fee from the balance in the
 * same transaction; an inquiry moves no money. At most one dispute per payment (the existing one is returned).
 */
export async function openDispute(deps: CoreDeps, actor: Actor, input: OpenDisputeInput, tx?: Executor): Promise<DisputeDto | null> {
  return inTransaction(deps, tx, async (t) => {
    const intent = await intentsRepo.getPaymentIntent(t, actor, input.paymentIntentId, { forUpdate: true });
    if (!intent) throw notFound('payment_intent', input.paymentIntentId, 'payment_intent');
    const existing = await repo.findDisputeForIntent(t, actor, intent.id);
    if (existing) return toDisputeDto(existing);
    const amount = refundableAmount(intent);
    if (amount <= 0) return null;
    const at = input.at ?? new Date();
    const row = await repo.insertDispute(t, {
      id: newId('dispute'),
      merchant_id: actor.merchantId,
      livemode: actor.livemode,
      payment_intent_id: intent.id,
      charge_id: input.chargeId ?? intent.latest_charge_id ?? null,
      amount,
      currency: intent.currency,
      reason: input.reason,
      status: input.inquiry ? 'warning_needs_response' : 'needs_response',
      evidence: JSON.stringify({}),
      evidence_due_by: new Date(at.getTime() + DISPUTE_RESPONSE_DAYS * 86_400_000),
      network_reason_code: input.networkReasonCode ?? null,
      card_brand: intent.card_brand,
      created_at: at,
      updated_at: at,
    });
    if (row.charge_id) await markChargeDisputed(t, actor, row.charge_id);
    const withdrawal = input.inquiry ? null : await moveDisputeFunds(t, actor, row, 'withdrawn', at);
    const dto = toDisputeDto(row, at, withdrawal ? [withdrawal] : []);
    const events: EventToEmit[] = [{ type: 'charge.dispute.created', object: dto }];
    if (withdrawal) events.push({ type: 'charge.dispute.funds_withdrawn', object: dto });
    await emitEvents(t, actor, events, input.at);
    return dto;
  });
}

/**
 * The balance effect of a dispute: withdrawn (amount and fee) when a chargeback opens, reinstated (amount
 * and fee) when it is won. Written in the caller's transaction, beside the dispute's own change.
 */
async function moveDisputeFunds(t: Executor, scope: Scope, dispute: Row<'disputes'>, direction: 'withdrawn' | 'reinstated', at = new Date()): Promise<BalanceTransactionDto> {
  const amount = Number(dispute.amount);
  const fee = disputeFee(dispute.currency);
  const withdrawn = direction === 'withdrawn';
  return recordBalanceTransaction(t, scope, {
    type: 'adjustment',
    reportingCategory: withdrawn ? 'dispute' : 'dispute_reversal',
    // Net: -(amount + fee) when withdrawn; +(amount + fee) when reinstated.
    amount: withdrawn ? -amount : amount,
    fee: withdrawn ? fee : -fee,
    feeDetails: [{ amount: withdrawn ? fee : -fee, description: withdrawn ? 'Dispute fee' : 'Dispute fee returned' }],
    currency: dispute.currency,
    sourceId: dispute.id,
    description: withdrawn ? `Chargeback withdrawal for ${dispute.payment_intent_id}` : `Chargeback reversal for ${dispute.payment_intent_id}`,
    availableOn: at,
    createdAt: at,
  });
}

/** Each dispute's balance transactions (withdrawal, reversal), oldest first, as Stripe embeds them. */
async function withBalanceTransactions(db: Executor, scope: Scope, rows: Row<'disputes'>[], now = new Date()): Promise<DisputeDto[]> {
  const txns = rows.length ? await balanceRepo.findBalanceTransactionsBySource(db, scope, rows.map((r) => r.id)) : [];
  return rows.map((r) => toDisputeDto(r, now, txns.filter((x) => x.source_id === r.id).map(toBalanceTransactionDto)));
}

/**
 * A chargeback has already taken the payment's money back: no refund on top of it (Stripe's
 * `charge_disputed`). Called by the refund service under the payment's row lock; an inquiry does not block.
 */
export async function refuseRefundOfDisputedPayment(db: Executor, scope: Scope, paymentIntentId: string): Promise<void> {
  const dispute = await repo.findDisputeForIntent(db, scope, paymentIntentId);
  if (dispute && fundsWithdrawn(dispute.status)) {
    throw new PaymentError('charge_disputed', `PaymentIntent ${paymentIntentId} has been charged back (dispute ${dispute.id}); it cannot be refunded.`, {
      param: 'payment_intent',
    });
  }
}

export async function getDispute(deps: CoreDeps, scope: Scope, id: string): Promise<DisputeDto> {
  const row = await repo.getDispute(deps.db, scope, id);
  if (!row) throw notFound('dispute', id);
  return (await withBalanceTransactions(deps.db, scope, [row]))[0]!;
}

export async function listDisputes(deps: CoreDeps, scope: Scope, input: ListDisputesInput = {}, url = '/v1/disputes'): Promise<ListResult<DisputeDto>> {
  const params = parseParams(listDisputesParams, input);
  const query = repo.selectDisputes(deps.db, scope, {
    paymentIntent: params.payment_intent,
    charge: params.charge,
    statuses: params.status ? [params.status] : undefined,
  });
  const { rows, hasMore } = await findPage(deps.db, 'disputes', scope, query, params);
  return { object: 'list', data: await withBalanceTransactions(deps.db, scope, rows), has_more: hasMore, url };
}

function evidenceLength(evidence: Record<string, string | null>): number {
  return Object.values(evidence).reduce((sum, v) => sum + (v?.length ?? 0), 0);
}

/** In test mode, Stripe's magic evidence decides the outcome at once (docs.stripe.com/testing#disputes). */
function testOutcome(evidence: Record<string, string | null>): 'won' | 'lost' | null {
  const text = evidence.uncategorized_text ?? '';
  if (text.includes('winning_evidence')) return 'won';
  if (text.includes('losing_evidence')) return 'lost';
  return null;
}

function notRespondable(row: Row<'disputes'>): PaymentError {
  return new PaymentError(
    'dispute_unexpected_state',
    CLOSED.has(row.status)
      ? `This dispute is already closed (status ${row.status}); its evidence can no longer change.`
      : `Evidence for this dispute was already submitted (status ${row.status}); it can no longer change.`,
    { param: 'evidence' },
  );
}

/**
 * Stripe's update: evidence fields merge into what is staged (`""` clears one); `submit` (default true)
 * sends it to the bank, moving the dispute to under review. Metadata may change at any time.
 */
export async function updateDispute(deps: CoreDeps, actor: Actor, id: string, input: UpdateDisputeInput = {}, tx?: Executor): Promise<DisputeDto> {
  const params = parseParams(updateDisputeParams, input);
  return inTransaction(deps, tx, async (t) => {
    const before = await repo.getDispute(t, actor, id, { forUpdate: true });
    if (!before) throw notFound('dispute', id);
    const submit = params.evidence !== undefined ? params.submit !== false : params.submit === true;
    const changes: Parameters<typeof repo.updateDispute>[3] = {};
    const now = new Date();
    let evidence = (before.evidence ?? {}) as Record<string, string | null>;
    if (params.evidence !== undefined || submit) {
      if (!RESPONDING.has(before.status)) throw notRespondable(before);
      if (new Date(before.evidence_due_by).getTime() < now.getTime()) {
        throw new PaymentError('dispute_unexpected_state', `The response to this dispute was due by ${new Date(before.evidence_due_by).toISOString()}; evidence can no longer be submitted.`, { param: 'evidence' });
      }
    }
    if (params.evidence !== undefined) {
      evidence = { ...evidence };
      for (const [field, value] of Object.entries(params.evidence)) {
        if (value === undefined) continue;
        evidence[field] = value === '' ? null : value;
      }
      if (evidenceLength(evidence) > EVIDENCE_TOTAL_MAX) {
        throw new PaymentError('invalid_request', `The combined length of all evidence fields may be at most ${EVIDENCE_TOTAL_MAX} characters.`, { param: 'evidence' });
      }
      await checkEvidenceFiles(deps, t, actor, evidence);
      changes.evidence = JSON.stringify(evidence);
    }
    if (params.metadata !== undefined) {
      const metadata = mergeMetadata((before.metadata ?? {}) as Record<string, string>, params.metadata);
      checkMetadataSize(metadata);
      changes.metadata = JSON.stringify(metadata);
    }
    const outcome = submit && !actor.livemode ? testOutcome(evidence) : null;
    if (submit) {
      changes.submission_count = before.submission_count + 1;
      changes.status = isInquiry(before.status) ? 'warning_under_review' : 'under_review';
    }
    if (!Object.keys(changes).length) return (await withBalanceTransactions(t, actor, [before], now))[0]!;
    let row = await repo.updateDispute(t, actor, id, changes);
    const [beforeDto, dto] = await withBalanceTransactions(t, actor, [before, row], now);
    const events: EventToEmit[] = [];
    const previous = diffAttributes(beforeDto!, dto!);
    if (Object.keys(previous).length) events.push({ type: 'charge.dispute.updated', object: dto!, previousAttributes: previous });
    let result = dto!;
    if (outcome) {
      // An inquiry closes either way; a chargeback is won or lost.
      const closed = await closeWith(t, actor, row, isInquiry(row.status) ? 'warning_closed' : outcome);
      row = closed.row;
      result = closed.dto;
      events.push(...closed.events);
    }
    if (events.length) await emitEvents(t, actor, events);
    return result;
  });
}

/** The closing change and its events; a won chargeback gives the amount and fee back. */
async function closeWith(t: Executor, actor: Actor, row: Row<'disputes'>, status: 'won' | 'lost' | 'warning_closed', at = new Date()) {
  const closedRow = await repo.updateDispute(t, actor, row.id, { status, closed_at: at });
  if (status === 'won') await moveDisputeFunds(t, actor, closedRow, 'reinstated', at);
  const [dto] = await withBalanceTransactions(t, actor, [closedRow]);
  const events: EventToEmit[] = [{ type: 'charge.dispute.closed', object: dto!, previousAttributes: { status: row.status } }];
  if (status === 'won') events.push({ type: 'charge.dispute.funds_reinstated', object: dto! });
  return { row: closedRow, dto: dto!, events };
}

/**
 * Stripe's close: the merchant accepts the dispute (a chargeback is then lost; an inquiry simply closes).
 * Closing a closed dispute is refused; closing one under review is too (the bank is deciding).
 */
export async function closeDispute(deps: CoreDeps, actor: Actor, id: string, input: Record<string, unknown> = {}, tx?: Executor): Promise<DisputeDto> {
  parseParams(closeDisputeParams, input);
  return inTransaction(deps, tx, async (t) => {
    const row = await repo.getDispute(t, actor, id, { forUpdate: true });
    if (!row) throw notFound('dispute', id);
    if (!RESPONDING.has(row.status)) throw notRespondable(row);
    const closed = await closeWith(t, actor, row, isInquiry(row.status) ? 'warning_closed' : 'lost');
    await emitEvents(t, actor, closed.events);
    return closed.dto;
  });
}

/**
 * Every file an evidence field names must be a dispute_evidence file this merchant uploaded, in this mode:
 * another merchant's file, a report result or a logo answers Stripe's resource_missing naming the field.
 */
async function checkEvidenceFiles(deps: CoreDeps, t: Executor, scope: Scope, evidence: Record<string, string | null>) {
  const ids = EVIDENCE_FILE_FIELDS.map((f) => evidence[f]).filter((v): v is string => Boolean(v));
  if (!ids.length) return;
  const found = new Set((await findFilesById(deps, scope, ids, 'dispute_evidence', t)).map((f) => f.id));
  const field = EVIDENCE_FILE_FIELDS.find((f) => evidence[f] && !found.has(evidence[f]!));
  if (field) throw notFound('file', evidence[field]!, `evidence[${field}]`);
}

/** The dashboard's upload (base64 over tRPC): the same checks and storage as POST /v1/files with purpose dispute_evidence. */
export async function uploadEvidenceFile(deps: CoreDeps, actor: Actor, input: { filename: string; type: string; contentBase64: string }): Promise<FileDto> {
  const params = parseParams(uploadEvidenceFileInput, input);
  return createFile(deps, actor, { purpose: 'dispute_evidence' }, { filename: params.filename, contentType: params.type, bytes: Buffer.from(params.contentBase64, 'base64') });
}

// Demo history ---------------------------------------------------------------------------------------

type DemoOutcome = 'needs_response' | 'inquiry' | 'under_review' | 'won' | 'lost' | 'inquiry_closed';
const DEMO_DISPUTES: { outcome: DemoOutcome; reason: DisputeReason; daysAgo: number }[] = [
  { outcome: 'needs_response', reason: 'product_not_received', daysAgo: 2 },
  { outcome: 'needs_response', reason: 'fraudulent', daysAgo: 5 },
  { outcome: 'inquiry', reason: 'fraudulent', daysAgo: 1 },
  { outcome: 'under_review', reason: 'product_unacceptable', daysAgo: 9 },
  { outcome: 'won', reason: 'fraudulent', daysAgo: 24 },
  { outcome: 'lost', reason: 'duplicate', daysAgo: 31 },
  { outcome: 'inquiry_closed', reason: 'unrecognized', daysAgo: 40 },
];

/**
 * The demo merchant's disputes, one or two in each state, on recent succeeded payments, replayed through
 * the same steps as live ones (open, evidence, close) at past times, so amounts, balance transactions and
 * events are the core's own.
 */
export async function replayDemoDisputes(deps: CoreDeps, scope: Scope, now = new Date()): Promise<number> {
  let count = 0;
  for (const spec of DEMO_DISPUTES) {
    const openedAt = new Date(now.getTime() - spec.daysAgo * 86_400_000);
    const [candidate] = await repo.findDisputablePayments(deps.db, scope, openedAt, 1);
    if (!candidate) continue;
    await deps.db.transaction().execute(async (t) => {
      const inquiry = spec.outcome === 'inquiry' || spec.outcome === 'inquiry_closed';
      const opened = await openDispute(deps, scope, { paymentIntentId: candidate.id, reason: spec.reason, inquiry, networkReasonCode: inquiry ? '10.4' : null, at: openedAt }, t);
      if (!opened || spec.outcome === 'needs_response' || spec.outcome === 'inquiry') return;
      const respondedAt = new Date(openedAt.getTime() + 3 * 86_400_000);
      const row = (await repo.getDispute(t, scope, opened.id, { forUpdate: true }))!;
      const evidence = { customer_name: 'Demo customer', product_description: 'Order shipped with tracking; delivered to the billing address.', shipping_tracking_number: '1Z999AA10123456784' };
      const submitted = spec.outcome === 'inquiry_closed' ? row : await repo.updateDispute(t, scope, row.id, { evidence: JSON.stringify(evidence), submission_count: 1, status: 'under_review', updated_at: respondedAt });
      const events: EventToEmit[] = submitted === row ? [] : [{ type: 'charge.dispute.updated', object: toDisputeDto(submitted, respondedAt), previousAttributes: { status: row.status } }];
      if (spec.outcome !== 'under_review') {
        const status = spec.outcome === 'won' ? 'won' : spec.outcome === 'lost' ? 'lost' : 'warning_closed';
        const closed = await closeWith(t, scope, submitted, status, new Date(respondedAt.getTime() + 6 * 86_400_000));
        events.push(...closed.events);
      }
      if (events.length) await emitEvents(t, scope, events, respondedAt);
    });
    count++;
  }
  return count;
}

// Dashboard ------------------------------------------------------------------------------------------

/** The Disputes page's status tabs (also the disputes report's status filter). */
export const QUEUE_STATUSES: Record<DisputeListFilters['status'], readonly DisputeStatus[] | undefined> = {
  needs_response: DISPUTE_RESPONSE_STATUSES,
  under_review: ['under_review', 'warning_under_review'],
  closed: DISPUTE_CLOSED_STATUSES,
  all: undefined,
};

function encodeCursor(c: { rank: number; key: number; id: string }) {
  return Buffer.from(JSON.stringify([c.rank, c.key, c.id])).toString('base64url');
}
function decodeCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  try {
    const [rank, key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [number, number, string];
    if (typeof rank === 'number' && typeof key === 'number' && typeof id === 'string') return { rank, key, id };
  } catch {
    // fall through
  }
  throw new PaymentError('invalid_request', 'Invalid cursor.', { param: 'cursor' });
}

/** The Disputes page: those needing a response first (soonest due first, with the time left), then the rest. */
export async function findDisputeQueue(deps: CoreDeps, scope: Scope, filters: DisputeListFilters, now = new Date()) {
  const rows = await repo.findDisputeQueue(deps.db, scope, { statuses: QUEUE_STATUSES[filters.status], limit: filters.limit, after: decodeCursor(filters.cursor) });
  const page = rows.slice(0, filters.limit);
  const last = page[page.length - 1];
  const needing = await repo.countDisputesNeedingResponse(deps.db, scope);
  return {
    needsResponse: needing.n,
    items: page.map((r) => {
      const dispute = toDisputeDto(r, now);
      return {
        dispute,
        customer: r.customer_email || r.customer_name ? { email: r.customer_email, name: r.customer_name } : null,
        description: r.payment_description,
        fee: fundsWithdrawn(dispute.status) ? disputeFee(dispute.currency) : 0,
        secondsLeft: RESPONDING.has(dispute.status) ? Math.floor((new Date(r.evidence_due_by).getTime() - now.getTime()) / 1000) : null,
      };
    }),
    nextCursor: rows.length > filters.limit && last ? encodeCursor({ rank: Number(last.queue_rank), key: Number(last.queue_key), id: last.id }) : null,
  };
}

/** One dispute for the dashboard, with its evidence files named. */
export async function getDisputeDetail(deps: CoreDeps, scope: Scope, id: string, now = new Date()) {
  const row = await repo.getDispute(deps.db, scope, id);
  if (!row) throw notFound('dispute', id);
  const [dispute] = await withBalanceTransactions(deps.db, scope, [row], now);
  const fileIds = EVIDENCE_FILE_FIELDS.map((f) => dispute.evidence[f]).filter((v): v is string => Boolean(v));
  return {
    dispute,
    files: await findFilesById(deps, scope, fileIds, 'dispute_evidence'),
    fee: fundsWithdrawn(dispute.status) ? disputeFee(dispute.currency) : 0,
    secondsLeft: RESPONDING.has(dispute.status) ? Math.floor((new Date(row.evidence_due_by).getTime() - now.getTime()) / 1000) : null,
  };
}

/** A payment's dispute, for the payment detail page (null when it has none). */
export async function findDisputeForPayment(deps: CoreDeps, scope: Scope, paymentIntentId: string): Promise<DisputeDto | null> {
  const row = await repo.findDisputeForIntent(deps.db, scope, paymentIntentId);
  return row ? (await withBalanceTransactions(deps.db, scope, [row]))[0]! : null;
}
