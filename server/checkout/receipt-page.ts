import { formatAmount } from '../../shared/money.js';
import type { ReceiptView } from '../core/charges/receipts.service.js';
import type { CheckoutAssets } from './checkout-assets.js';
import { escapeHtml, footer, layout, merchantMark, testModeBadge } from './checkout-pages.js';

/** The hosted receipt (server-rendered, no script). Every dynamic value goes through escapeHtml. */

const STATUS_LABELS: Record<ReceiptView['status'], { label: string; tone: string }> = {
  paid: { label: 'Paid', tone: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20' },
  authorized: { label: 'Authorized', tone: 'bg-sky-50 text-sky-800 ring-sky-600/20' },
  partially_refunded: { label: 'Partially refunded', tone: 'bg-amber-50 text-amber-800 ring-amber-600/20' },
  refunded: { label: 'Refunded', tone: 'bg-slate-100 text-slate-700 ring-slate-500/20' },
};

const BRANDS: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', jcb: 'JCB', diners: 'Diners Club', unionpay: 'UnionPay' };

/** A date and time in the merchant's zone, with the zone's short name (a receipt is read anywhere). */
export function receiptDate(unixSeconds: number, timeZone: string): string {
  const format = (zone: string | undefined) =>
    new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: zone, timeZoneName: 'short' }).format(unixSeconds * 1000);
  try {
    return format(timeZone);
  } catch {
    return format('UTC');
  }
}

function row(label: string, value: string, testId: string): string {
  return `<div class="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-3"><dt class="text-slate-500">${escapeHtml(label)}</dt><dd class="min-w-0 text-right font-medium text-slate-900 break-words" data-testid="${testId}">${value}</dd></div>`;
}

export function receiptPage(receipt: ReceiptView, assets: CheckoutAssets | null): string {
  const money = (amount: number) => escapeHtml(formatAmount(amount, receipt.currency));
  const status = STATUS_LABELS[receipt.status];
  const brand = receipt.cardBrand ? (BRANDS[receipt.cardBrand] ?? receipt.cardBrand) : 'Card';
  const method = receipt.cardLast4 ? `${escapeHtml(brand)} <span class="tabular-nums">•••• ${escapeHtml(receipt.cardLast4)}</span>` : escapeHtml(brand);
  const refunds = receipt.refunds.length
    ? `<section aria-labelledby="refunds-heading" class="mt-6 border-t border-slate-200 pt-4">
<h2 id="refunds-heading" class="text-sm font-semibold text-slate-900">Refunds</h2>
<ul role="list" class="mt-2 divide-y divide-slate-100 text-sm" data-testid="refunds">${receipt.refunds
        .map(
          (r) => `<li class="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-2" data-testid="refund"><span class="text-slate-600">${escapeHtml(receiptDate(r.created, receipt.timezone))}${r.status === 'pending' ? ' · <span class="text-amber-700">pending</span>' : ''}</span><span class="font-medium text-slate-900 tabular-nums">−${money(r.amount)}</span></li>`,
        )
        .join('')}</ul>
<dl class="mt-2 border-t border-slate-200 text-sm">${row('Refunded so far', `<span class="tabular-nums">${money(receipt.amountRefunded)}</span>`, 'amount-refunded')}${row('Net paid', `<span class="tabular-nums">${money(receipt.amount - receipt.amountRefunded)}</span>`, 'net-paid')}</dl>
</section>`
    : '';
  const body = `<main class="mx-auto max-w-lg px-4 py-8 sm:py-16">
<div class="mb-6 flex flex-wrap items-center justify-center gap-2 text-sm font-medium text-slate-700">${merchantMark(receipt.merchantName)}<span data-testid="merchant-name" class="break-words">${escapeHtml(receipt.merchantName)}</span>${testModeBadge(receipt.livemode)}</div>
<article class="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 sm:p-8" aria-labelledby="receipt-heading">
<h1 id="receipt-heading" class="text-sm font-medium text-slate-500">Receipt from ${escapeHtml(receipt.merchantName)}</h1>
<p class="mt-1 text-4xl font-semibold tracking-tight text-slate-900 tabular-nums" data-testid="amount">${money(receipt.amount)}</p>
<p class="mt-2"><span class="inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${status.tone}" data-testid="status">${escapeHtml(status.label)}</span>${receipt.disputed ? ' <span class="ml-1 inline-flex items-center rounded-md bg-rose-50 px-2 py-0.5 text-xs font-medium text-rose-800 ring-1 ring-rose-600/20 ring-inset">Disputed</span>' : ''}</p>
<dl class="mt-6 divide-y divide-slate-100 border-t border-slate-200 text-sm">
${row('Date paid', escapeHtml(receiptDate(receipt.created, receipt.timezone)), 'date')}
${row('Payment method', method, 'payment-method')}
${receipt.description ? row('Description', escapeHtml(receipt.description), 'description') : ''}
${row('Reference', `<span class="font-mono text-xs break-all">${escapeHtml(receipt.chargeId)}</span>`, 'reference')}
</dl>
${refunds}
<p class="mt-6 text-xs leading-5 text-slate-500">Questions about this payment? Contact ${escapeHtml(receipt.merchantName)}.</p>
</article>
${footer()}
</main>`;
  return layout({ title: `Receipt from ${receipt.merchantName} · ${formatAmount(receipt.amount, receipt.currency)}`, body, assets });
}
