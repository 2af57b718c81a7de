import type { LookupResult } from '../../../shared/contracts/dashboard.js';
import { idKind } from '../../../shared/ids.js';
import { formatAmount, isSupportedCurrency } from '../../../shared/money.js';
import { DISPLAY_STATUS_LABELS } from '../../../shared/payment-display-status.js';
import { MIN_SUBSTRING_LENGTH } from '../../../shared/search/index.js';
import type { CoreDeps, Scope } from '../shared/deps.js';
import * as repo from './lookup.repository.js';
import { toPaymentListItems } from './payments.service.js';

const MAX_PER_KIND = 5;

function money(amount: number, currency: string) {
  return isSupportedCurrency(currency) ? formatAmount(amount, currency) : `${amount} ${currency.toUpperCase()}`;
}

/**
 * The command palette: a pasted id opens that object (when it exists in this merchant and mode), an
 * email or part of one lists matching customers and payments, anything else finds nothing here (the
 * palette's own commands handle words).
 */
export async function resolveLookup(deps: CoreDeps, scope: Scope, text: string): Promise<LookupResult[]> {
  const q = text.trim();
  if (!q) return [];
  if (/^[a-z]+_[A-Za-z0-9]+$/.test(q)) return resolveId(deps, scope, q);
  if (q.includes('@') && q.length >= MIN_SUBSTRING_LENGTH && !/\s/.test(q)) {
    const [customers, paymentRows] = await Promise.all([
      repo.findCustomersByEmail(deps.db, scope, q, MAX_PER_KIND),
      repo.findPaymentsByEmail(deps.db, scope, q, MAX_PER_KIND),
    ]);
    const payments = await toPaymentListItems(deps, scope, paymentRows);
    return [
      ...customers.map((c) => ({ type: 'customer' as const, id: c.id, path: `/customers/${c.id}`, label: c.email ?? c.id, detail: c.name })),
      ...payments.map((p) => ({
        type: 'payment' as const,
        id: p.id,
        path: `/payments/${p.id}`,
        label: `${money(p.amount, p.currency)} · ${DISPLAY_STATUS_LABELS[p.displayStatus]}`,
        detail: p.customerEmail,
      })),
    ];
  }
  return [];
}

async function resolveId(deps: CoreDeps, scope: Scope, id: string): Promise<LookupResult[]> {
  switch (idKind(id)) {
    case 'paymentIntent': {
      const row = await repo.getPaymentSummary(deps.db, scope, id);
      if (!row) return [];
      const [item] = await toPaymentListItems(deps, scope, [{ ...row, sort_key: '' }]);
      return [{ type: 'payment', id, path: `/payments/${id}`, label: `${money(item!.amount, item!.currency)} · ${DISPLAY_STATUS_LABELS[item!.displayStatus]}`, detail: item!.customerEmail }];
    }
    case 'customer': {
      const row = await repo.getCustomerSummary(deps.db, scope, id);
      return row ? [{ type: 'customer', id, path: `/customers/${id}`, label: row.email ?? row.name ?? id, detail: row.email ? row.name : null }] : [];
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
