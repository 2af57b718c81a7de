import type { PaymentAttemptView, TimelineEntryView } from '../../../shared/contracts/dashboard';
import { describeDeclineCode, REFUND_FAILURE_REASONS } from '../../../shared/status';
import { formatDateTime } from '../../lib/format';
import { cx } from '../../lib/format';
import { brandName, exactTime, money } from '../../lib/money';
import { REFUND_REASON_LABELS } from '../../lib/refund-labels';
import { humanize } from '../../components/status-badge';

type Tone = 'neutral' | 'success' | 'danger' | 'warning' | 'info';
interface Item { key: string; created: number; title: string; detail?: string; meta?: string; tone: Tone }

const DOT: Record<Tone, string> = {
  neutral: 'bg-slate-300',
  success: 'bg-emerald-500',
  danger: 'bg-red-500',
  warning: 'bg-amber-500',
  info: 'bg-sky-500',
};

function card(attempt: PaymentAttemptView) {
  return attempt.card.last4 ? `${brandName(attempt.card.brand)} •••• ${attempt.card.last4}` : 'the card';
}

/**
 * Turns the server's timeline (events, attempts, refunds; oldest first) into sentences. Events that only
 * repeat what an attempt or refund row already says are left out, so each thing happens once.
 */
function timelineItems(entries: TimelineEntryView[], currency: string): Item[] {
  const items: Item[] = [];
  let authorized = false;
  // Within one second, put causes before effects: the intent exists, then the bank asks for 3-D Secure,
  // then the attempt's outcome, then what followed from it.
  const rank = (e: TimelineEntryView) =>
    e.kind === 'event' ? (e.type === 'payment_intent.created' ? 0 : e.type === 'payment_intent.requires_action' ? 1 : 4) : e.kind === 'attempt' ? 2 : 3;
  const ordered = [...entries].sort((a, b) => a.created - b.created || rank(a) - rank(b));
  for (const entry of ordered) {
    if (entry.kind === 'attempt') {
      const a = entry.attempt;
      if (a.outcome === 'failed') {
        const code = a.decline_code ?? a.failure_code;
        items.push({
          key: entry.id,
          created: entry.created,
          tone: 'danger',
          title: `Payment attempt with ${card(a)} failed`,
          detail: a.failure_description ?? describeDeclineCode(code),
          meta: [code && `Code: ${code}`, a.three_d_secure && `3-D Secure: ${humanize(a.three_d_secure)}`].filter(Boolean).join(' · ') || undefined,
        });
      } else if (a.outcome === 'requires_action') {
        items.push({ key: entry.id, created: entry.created, tone: 'warning', title: '3-D Secure authentication started', detail: `The bank asked the customer to confirm the payment with ${card(a)}.` });
      } else if (a.outcome === 'authorized') {
        items.push({ key: entry.id, created: entry.created, tone: 'info', title: `${card(a)} authorized`, detail: a.three_d_secure ? `3-D Secure: ${humanize(a.three_d_secure)}` : undefined });
      } else if (a.outcome === 'succeeded') {
        items.push({ key: entry.id, created: entry.created, tone: 'success', title: `${card(a)} charged`, detail: a.three_d_secure ? `3-D Secure: ${humanize(a.three_d_secure)}` : undefined });
      }
      continue;
    }
    if (entry.kind === 'refund') {
      const r = entry.refund;
      const parts = [r.reason && `Reason: ${REFUND_REASON_LABELS[r.reason as keyof typeof REFUND_REASON_LABELS] ?? humanize(r.reason)}`, entry.note && `Note: “${entry.note}”`];
      items.push({
        key: entry.id,
        created: entry.created,
        tone: r.status === 'failed' ? 'danger' : 'neutral',
        title: `${money(r.amount, r.currency)} refund ${r.status === 'pending' ? 'started' : r.status === 'failed' ? 'failed' : 'issued'}${entry.created_by?.email ? ` by ${entry.created_by.email}` : ''}`,
        detail: parts.filter(Boolean).join(' · ') || undefined,
        meta: r.status === 'failed' && r.failure_reason ? REFUND_FAILURE_REASONS[r.failure_reason] ?? humanize(r.failure_reason) : r.id,
      });
      continue;
    }
    // Each webhook of the event, with how it ended (Developers > Webhooks has the attempts).
    for (const w of entry.webhooks ?? []) {
      const where = w.endpoint.startsWith('cli://') ? `the local listener ${w.endpoint.slice(6)}` : w.endpoint;
      const outcome = w.status === 'succeeded' ? 'delivered' : w.status === 'failed' ? 'failed' : 'pending';
      items.push({
        key: `${entry.id}:${w.id}`,
        created: w.updated,
        tone: w.status === 'succeeded' ? 'success' : w.status === 'failed' ? 'danger' : 'warning',
        title: `Webhook ${entry.type} ${outcome}`,
        detail: `To ${where}${w.lastStatusCode ? ` · HTTP ${w.lastStatusCode}` : ''} · ${w.attemptCount} ${w.attemptCount === 1 ? 'attempt' : 'attempts'}`,
        meta: entry.id,
      });
    }
    const object = entry.event.data.object as Record<string, unknown>;
    switch (entry.type) {
      case 'payment_intent.created':
        items.push({ key: entry.id, created: entry.created, tone: 'neutral', title: 'Payment created', detail: `${money(Number(object.amount ?? 0), currency)} requested.` });
        break;
      case 'payment_intent.requires_action':
        items.push({ key: entry.id, created: entry.created, tone: 'warning', title: 'Waiting for the customer to authenticate (3-D Secure)' });
        break;
      case 'payment_intent.amount_capturable_updated':
        authorized = true;
        items.push({ key: entry.id, created: entry.created, tone: 'info', title: 'Payment authorized', detail: `${money(Number(object.amount_capturable ?? 0), currency)} is held on the card until it is captured or canceled.` });
        break;
      case 'payment_intent.succeeded':
        items.push({
          key: entry.id,
          created: entry.created,
          tone: 'success',
          title: authorized ? 'Payment captured' : 'Payment succeeded',
          detail: `${money(Number(object.amount_received ?? 0), currency)} received.`,
        });
        break;
      case 'payment_intent.canceled': {
        const reason = typeof object.cancellation_reason === 'string' ? object.cancellation_reason : null;
        items.push({
          key: entry.id,
          created: entry.created,
          tone: 'neutral',
          title: 'Payment canceled',
          detail: reason === 'abandoned' ? 'The customer did not complete the payment within an hour.' : reason ? `Reason: ${humanize(reason)}` : undefined,
        });
        break;
      }
      case 'refund.failed':
        items.push({ key: entry.id, created: entry.created, tone: 'danger', title: `${money(Number(object.amount ?? 0), currency)} refund failed`, detail: typeof object.failure_reason === 'string' ? REFUND_FAILURE_REASONS[object.failure_reason] ?? humanize(object.failure_reason) : undefined });
        break;
      case 'refund.updated':
        if (object.status === 'succeeded') items.push({ key: entry.id, created: entry.created, tone: 'success', title: `${money(Number(object.amount ?? 0), currency)} refund completed` });
        break;
      case 'charge.dispute.created':
        items.push({
          key: entry.id,
          created: entry.created,
          tone: 'danger',
          title: String(object.status).startsWith('warning_') ? 'The cardholder’s bank opened an inquiry' : `${money(Number(object.amount ?? 0), currency)} disputed`,
          detail: typeof object.reason === 'string' ? `Reason: ${humanize(object.reason)}` : undefined,
          meta: String(object.id),
        });
        break;
      case 'charge.dispute.funds_withdrawn':
        items.push({ key: entry.id, created: entry.created, tone: 'danger', title: 'Disputed amount and dispute fee withdrawn from the balance' });
        break;
      case 'charge.dispute.closed':
        items.push({ key: entry.id, created: entry.created, tone: object.status === 'won' ? 'success' : 'neutral', title: object.status === 'won' ? 'Dispute won' : object.status === 'lost' ? 'Dispute lost' : 'Inquiry closed' });
        break;
      case 'charge.dispute.funds_reinstated':
        items.push({ key: entry.id, created: entry.created, tone: 'success', title: 'Disputed amount and fee returned to the balance' });
        break;
      default:
        // payment_failed duplicates the failed attempt; refund.created duplicates the refund row.
        break;
    }
  }
  // Newest first, as people read an activity feed.
  return items.reverse();
}

export function Timeline({ entries, currency, zone }: { entries: TimelineEntryView[]; currency: string; zone: string }) {
  const items = timelineItems(entries, currency);
  if (items.length === 0) return <p className="text-sm text-slate-500">Nothing has happened yet.</p>;
  return (
    <ol className="relative space-y-5 border-l border-slate-200 pl-6" aria-label="Timeline">
      {items.map((item) => (
        <li key={item.key} className="relative">
          <span className={cx('absolute top-1.5 -left-[29px] size-2.5 rounded-full ring-4 ring-white', DOT[item.tone])} aria-hidden="true" />
          <p className="text-sm font-medium text-slate-900">{item.title}</p>
          {item.detail && <p className="mt-0.5 text-sm text-slate-600">{item.detail}</p>}
          <p className="mt-0.5 text-xs text-slate-500">
            <time dateTime={new Date(item.created * 1000).toISOString()} title={exactTime(item.created, zone)}>{formatDateTime(item.created, zone)}</time>
            {item.meta && <span className="font-mono"> · {item.meta}</span>}
          </p>
        </li>
      ))}
    </ol>
  );
}
