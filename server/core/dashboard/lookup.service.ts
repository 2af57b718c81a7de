import type { LookupResult, PaymentListItem } from '../../../shared/contracts/dashboard.js';
import { idKind } from '../../../shared/ids.js';
import { formatAmount, isSupportedCurrency } from '../../../shared/money.js';
import { DISPLAY_STATUS_LABELS } from '../../../shared/payment-display-status.js';
import { MIN_SUBSTRING_LENGTH } from '../../../shared/search/index.js';
import type { CoreDeps, Scope } from '../shared/deps.js';
import { paymentIntentOfSession } from '../checkout-sessions/intent-hooks.js';
import * as repo from './lookup.repository.js';
import { toPaymentListItems } from './payments.service.js';

const MAX_PER_KIND = 5;

function money(amount: number, currency: string) {
  return isSupportedCurrency(currency) ? formatAmount(amount, currency) : `${amount} ${currency.toUpperCase()}`;
}

/**
 * The command palette: a pasted id opens that object (when it exists in this merchant and mode); four
 * digits are a card's last 4 (payment_intents_last4_idx); other text of 3+ characters matches customers by
 * part of their name or email (customers_lookup_trgm_idx) and payments by part of the payer's email
 * (trigram indexes), each capped at MAX_PER_KIND results.
 */
export async function resolveLookup(deps: CoreDeps, scope: Scope, text: string): Promise<LookupResult[]> {
  const q = text.trim();
  if (!q) return [];
  if (/^[a-z]+_[A-Za-z0-9]+$/.test(q)) return resolveId(deps, scope, q);
  if (/^\d{4}$/.test(q)) {
    const rows = await repo.findPaymentsByLast4(deps.db, scope, q, MAX_PER_KIND);
    return (await toPaymentListItems(deps, scope, rows)).map((p) => paymentResult(p, true));
  }
  if (q.length < MIN_SUBSTRING_LENGTH) return [];
  const [customers, paymentRows] = await Promise.all([
    repo.findCustomersByText(deps.db, scope, q, MAX_PER_KIND),
    /\s/.test(q) ? Promise.resolve([]) : repo.findPaymentsByEmail(deps.db, scope, q, MAX_PER_KIND),
  ]);
  const payments = await toPaymentListItems(deps, scope, paymentRows);
  return [
    ...customers.slice(0, MAX_PER_KIND).map(customerResult),
    ...payments.map((p) => paymentResult(p)),
  ];
}

function customerResult(c: { id: string; email: string | null; name: string | null }): LookupResult {
  return { type: 'customer', id: c.id, path: `/customers/${c.id}`, label: c.email ?? c.name ?? c.id, detail: c.email ? c.name : null };
}

/** With the card when the card is what was searched for. */
function paymentResult(p: PaymentListItem, withCard = false): LookupResult {
  const card = withCard && p.cardLast4 ? ` · ${p.cardBrand ? `${p.cardBrand} ` : ''}•••• ${p.cardLast4}` : '';
  return { type: 'payment', id: p.id, path: `/payments/${p.id}`, label: `${money(p.amount, p.currency)} · ${DISPLAY_STATUS_LABELS[p.displayStatus]}${card}`, detail: p.customerEmail };
}

async function resolveId(deps: CoreDeps, scope: Scope, id: string): Promise<LookupResult[]> {
  switch (idKind(id)) {
    case 'checkoutSession': {
      // A session opens the payment it was made for.
      const paymentId = await paymentIntentOfSession(deps.db, scope, id);
      return paymentId ? resolveId(deps, scope, paymentId) : [];
    }
    case 'paymentIntent': {
      const row = await repo.getPaymentSummary(deps.db, scope, id);
      if (!row) return [];
      const [item] = await toPaymentListItems(deps, scope, [{ ...row, sort_key: '' }]);
      return item ? [paymentResult(item)] : [];
    }
    case 'customer': {
      const row = await repo.getCustomerSummary(deps.db, scope, id);
      return row ? [customerResult({ ...row, id })] : [];
    }
    case 'refund': {
      const row = await repo.getRefundPaymentId(deps.db, scope, id);
      return row
        ? [{ type: 'refund', id, path: `/refunds/${id}`, label: `Refund of ${money(Number(row.amount), row.currency)}`, detail: row.status }]
        : [];
    }
    case 'event': {
      const row = await repo.getEventSummary(deps.db, scope, id);
      return row ? [{ type: 'event', id, path: `/developers/events/${id}`, label: row.type, detail: null }] : [];
    }
    case 'webhookEndpoint': {
      const row = await repo.getWebhookEndpointSummary(deps.db, scope, id);
      return row ? [{ type: 'webhook_endpoint', id, path: `/developers/webhooks/${id}`, label: row.url, detail: null }] : [];
    }
    default:
      return [];
  }
}
