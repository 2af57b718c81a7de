import type { TimelineWebhookView } from '../../../shared/contracts/dashboard.js';
import type { EventDto } from '../../../shared/contracts/events.js';
import type { RefundDto } from '../../../shared/contracts/refunds.js';
import { notFound } from '../../../shared/errors.js';
import { findEventsForObjects } from '../events/events.repository.js';
import { toEventDto } from '../events/events.service.js';
import { findDisputeForPayment } from '../disputes/disputes.service.js';
import { findRefundsForPayment } from '../refunds/refunds.service.js';
import { findWebhookOutcomes } from '../webhooks/webhooks.service.js';
import type { CoreDeps, Scope } from '../shared/deps.js';
import { toPaymentAttemptDto, type PaymentAttemptDto } from './payment-intents.dto.js';
import * as repo from './payment-intents.repository.js';

type TimelineEntry =
  | { kind: 'event'; id: string; created: number; type: string; event: EventDto; webhooks: TimelineWebhookView[] }
  | { kind: 'attempt'; id: string; created: number; attempt: PaymentAttemptDto }
  | { kind: 'refund'; id: string; created: number; refund: RefundDto; note: string | null; created_by: { id: string; email: string | null } | null };

const KIND_ORDER = { attempt: 0, refund: 1, event: 2 } as const;

/**
 * Everything that happened to one payment, oldest first: its events and its refunds' events, each
 * confirmation attempt, and each refund with who issued it and their note.
 */
export async function getPaymentTimeline(deps: CoreDeps, scope: Scope, intentId: string): Promise<TimelineEntry[]> {
  const intent = await repo.getPaymentIntent(deps.db, scope, intentId);
  if (!intent) throw notFound('payment_intent', intentId);
  const [attempts, refunds] = await Promise.all([repo.findAttempts(deps.db, scope, intentId), findRefundsForPayment(deps, scope, intentId)]);
  return buildPaymentTimeline(deps, scope, intentId, attempts.map(toPaymentAttemptDto), refunds);
}

/** The timeline from attempts and refunds the caller already loaded; only the events are read here. */
export async function buildPaymentTimeline(
  deps: CoreDeps,
  scope: Scope,
  intentId: string,
  attempts: PaymentAttemptDto[],
  refunds: Awaited<ReturnType<typeof findRefundsForPayment>>,
): Promise<TimelineEntry[]> {
  // A dispute's events (opened, funds withdrawn, evidence, closed) belong on its payment's timeline too.
  const dispute = await findDisputeForPayment(deps, scope, intentId);
  const events = await findEventsForObjects(deps.db, scope, [intentId, ...refunds.map((r) => r.refund.id), ...(dispute ? [dispute.id] : [])]);
  const webhooks = await findWebhookOutcomes(deps, scope, events.map((e) => e.id));
  const entries: TimelineEntry[] = [
    ...events.map((e) => {
      const event = toEventDto(e);
      return { kind: 'event' as const, id: e.id, created: event.created, type: e.type, event, webhooks: webhooks.get(e.id) ?? [] };
    }),
    ...attempts.map((attempt) => ({ kind: 'attempt' as const, id: attempt.id, created: attempt.created, attempt })),
    ...refunds.map((r) => ({ kind: 'refund' as const, id: r.refund.id, created: r.refund.created, refund: r.refund, note: r.note, created_by: r.created_by })),
  ];
  return entries.sort((a, b) => a.created - b.created || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}
