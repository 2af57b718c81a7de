import { formatAmount } from '../../shared/money.js';
import { BOOTSTRAP_ELEMENT_ID, type CheckoutBootstrap } from '../../shared/contracts/checkout.js';
import type { CheckoutLineItemView } from '../../shared/contracts/checkout-sessions.js';
import type { CheckoutAssets } from './checkout-assets.js';

/** Server-rendered HTML for the hosted checkout. Every dynamic value goes through escapeHtml or jsonForHtml. */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** JSON that cannot close its <script> element or start an HTML comment, whatever the merchant typed. */
export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='8' fill='%234f46e5'/%3E%3Cpath d='M9 22V10h8a4 4 0 0 1 0 8h-5' stroke='white' stroke-width='3' fill='none' stroke-linecap='round'/%3E%3C/svg%3E";

export function layout(options: { title: string; body: string; assets: CheckoutAssets | null; withScript?: boolean; head?: string }): string {
  const { assets } = options;
  const css = assets ? assets.css.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('') : '';
  const script = assets && options.withScript ? `<script type="module" src="${escapeHtml(assets.js)}"></script>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="color-scheme" content="light">
<title>${escapeHtml(options.title)}</title>
<link rel="icon" href="${ICON}">
${css}${options.head ?? ''}${script}
</head>
<body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
${options.body}
</body>
</html>`;
}

export function testModeBadge(livemode: boolean): string {
  return livemode
    ? ''
    : '<span class="inline-flex items-center rounded-md bg-amber-100 px-2 py-0.5 text-xs font-semibold uppercase tracking-wide text-amber-800 ring-1 ring-amber-300 ring-inset">Test mode</span>';
}

export function merchantMark(name: string): string {
  const initial = escapeHtml((name.trim()[0] ?? '?').toUpperCase());
  return `<span aria-hidden="true" class="flex size-8 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-sm font-semibold text-white">${initial}</span>`;
}

export function footer(): string {
  return `<footer class="mt-10 flex items-center justify-center gap-2 text-xs text-slate-500">
<svg aria-hidden="true" viewBox="0 0 20 20" class="size-3.5 fill-current"><path d="M10 1a5 5 0 0 0-5 5v3H4a1 1 0 0 0-1 1v8a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-8a1 1 0 0 0-1-1h-1V6a5 5 0 0 0-5-5Zm3 8H7V6a3 3 0 1 1 6 0v3Z"/></svg>
<span>Secure payment powered by <strong class="font-semibold text-slate-600">PaymentFlow</strong></span>
</footer>`;
}

export interface MessagePageOptions {
  title: string;
  heading: string;
  message: string;
  tone: 'neutral' | 'success' | 'warning' | 'danger';
  merchantName?: string;
  amountLine?: string;
  livemode?: boolean;
  link?: { href: string; label: string } | null;
}

const TONES = {
  neutral: { ring: 'bg-slate-100 text-slate-600', path: 'M10 18a8 8 0 1 0 0-16 8 8 0 0 0 0 16Zm-1-5h2v2H9v-2Zm0-8h2v6H9V5Z' },
  success: { ring: 'bg-emerald-100 text-emerald-700', path: 'M8.5 13.6 4.9 10l-1.4 1.4 5 5 8-8L15.1 7l-6.6 6.6Z' },
  warning: { ring: 'bg-amber-100 text-amber-700', path: 'M10 2 1 18h18L10 2Zm-1 6h2v5H9V8Zm0 6h2v2H9v-2Z' },
  danger: { ring: 'bg-rose-100 text-rose-700', path: 'M14.7 4 10 8.6 5.3 4 4 5.3 8.6 10 4 14.7 5.3 16l4.7-4.6 4.7 4.6 1.3-1.3-4.6-4.7L16 5.3 14.7 4Z' },
} as const;

/** A page that states one thing (paid, expired, not found, not allowed) with at most one way onward. */
export function messagePage(options: MessagePageOptions, assets: CheckoutAssets | null): string {
  const tone = TONES[options.tone];
  const merchant = options.merchantName
    ? `<div class="mb-6 flex items-center justify-center gap-2 text-sm font-medium text-slate-700">${merchantMark(options.merchantName)}<span>${escapeHtml(options.merchantName)}</span>${options.livemode === false ? testModeBadge(false) : ''}</div>`
    : '';
  const amount = options.amountLine ? `<p class="mt-1 text-sm text-slate-500">${escapeHtml(options.amountLine)}</p>` : '';
  const link = options.link
    ? `<a href="${escapeHtml(options.link.href)}" class="mt-6 inline-flex min-h-11 items-center justify-center rounded-lg bg-indigo-600 px-5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">${escapeHtml(options.link.label)}</a>`
    : '';
  const body = `<main class="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-10">
${merchant}
<div class="rounded-2xl bg-white p-8 text-center shadow-sm ring-1 ring-slate-200">
<div class="mx-auto flex size-12 items-center justify-center rounded-full ${tone.ring}"><svg aria-hidden="true" viewBox="0 0 20 20" class="size-6 fill-current"><path d="${tone.path}"/></svg></div>
<h1 class="mt-4 text-xl font-semibold text-slate-900">${escapeHtml(options.heading)}</h1>
${amount}
<p class="mt-3 text-sm leading-6 text-slate-600">${escapeHtml(options.message)}</p>
${link}
</div>
${footer()}
</main>`;
  return layout({ title: options.title, body, assets });
}

/** A session's items: name, quantity and unit price, line amount; then the total (all in the session's currency). */
/** Past this many items the rest fold away, so on a phone the card form is not a long scroll down. */
const ITEMS_SHOWN = 5;

function lineItemsList(items: CheckoutLineItemView[], total: number, currency: string): string {
  const row = (item: CheckoutLineItemView) => {
    const image = item.image
      ? `<img src="${escapeHtml(item.image)}" alt="" width="48" height="48" class="size-12 shrink-0 rounded-lg bg-slate-100 object-cover ring-1 ring-slate-200">`
      : '';
    const description = item.description ? `<p class="mt-0.5 text-sm text-slate-500 break-words">${escapeHtml(item.description)}</p>` : '';
    const each = item.quantity > 1 ? `${escapeHtml(formatAmount(item.unitAmount, currency))} each` : '';
    return `<li class="flex items-start gap-3 py-4" data-testid="line-item">
${image}<div class="min-w-0 flex-1">
<p class="font-medium text-slate-900 break-words" data-testid="line-item-name">${escapeHtml(item.name)}</p>${description}
<p class="mt-0.5 text-sm text-slate-500" data-testid="line-item-quantity">Qty ${item.quantity}${each ? ` · ${each}` : ''}</p>
</div>
<p class="shrink-0 text-right font-medium text-slate-900 tabular-nums" data-testid="line-item-amount">${escapeHtml(formatAmount(item.amount, currency))}</p>
</li>`;
  };
  const list = (part: CheckoutLineItemView[], extra = '') => `<ul role="list" class="divide-y divide-slate-200 ${extra}">${part.map(row).join('')}</ul>`;
  const shown = items.length > ITEMS_SHOWN + 1 ? items.slice(0, ITEMS_SHOWN) : items;
  const folded = items.slice(shown.length);
  const more = folded.length
    ? `<details class="border-t border-slate-200"><summary class="flex min-h-11 cursor-pointer items-center text-sm font-medium text-indigo-700 hover:text-indigo-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">Show ${folded.length} more items</summary>${list(folded, 'border-t border-slate-200')}</details>`
    : '';
  return `<h2 class="sr-only">Order summary</h2>
<div class="mt-6 border-t border-slate-200" data-testid="line-items">${list(shown)}${more}</div>
<dl class="border-t border-slate-200 pt-4 text-sm">
<div class="flex justify-between py-1 text-slate-600"><dt>Subtotal</dt><dd class="tabular-nums" data-testid="subtotal">${escapeHtml(formatAmount(total, currency))}</dd></div>
<div class="flex justify-between py-1 text-base font-semibold text-slate-900"><dt>Total due</dt><dd class="tabular-nums" data-testid="total">${escapeHtml(formatAmount(total, currency))}</dd></div>
</dl>`;
}

/** The origins of the product images a session's page shows (img-src must name them). */
export function imageOrigins(bootstrap: CheckoutBootstrap): string[] {
  const origins = new Set<string>();
  for (const item of bootstrap.session?.lineItems ?? []) if (item.image) origins.add(new URL(item.image).origin);
  return [...origins];
}

export function checkoutPage(bootstrap: CheckoutBootstrap, assets: CheckoutAssets | null): string {
  const { intent, merchant } = bootstrap;
  const amount = formatAmount(intent.amount, intent.currency);
  const back = bootstrap.cancelUrl
    ? `<a id="cancel-link" href="${escapeHtml(bootstrap.cancelUrl)}" class="group inline-flex min-h-11 items-center gap-2 rounded-md text-sm font-medium text-slate-600 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"><svg aria-hidden="true" viewBox="0 0 20 20" class="size-4 fill-current transition-transform group-hover:-translate-x-0.5"><path d="M12.7 4.3 7 10l5.7 5.7-1.4 1.4L4.2 10l7.1-7.1 1.4 1.4Z"/></svg><span>Cancel and return to ${escapeHtml(merchant.name)}</span></a>`
    : '';
  const description = intent.description
    ? `<p class="mt-3 text-sm leading-6 text-slate-600" data-testid="description">${escapeHtml(intent.description)}</p>`
    : '';
  const noAssets = assets
    ? ''
    : '<p class="rounded-lg bg-rose-50 p-4 text-sm text-rose-800">The payment form is not built on this server (run <code>npm run build</code>).</p>';
  const body = `<div class="mx-auto grid max-w-5xl gap-8 px-4 py-6 sm:px-6 md:grid-cols-2 md:gap-16 md:py-16">
<section aria-labelledby="order-heading" class="md:pt-2">
<div class="flex flex-wrap items-center gap-3">${back}</div>
<div class="mt-4 flex items-center gap-3">${merchantMark(merchant.name)}<span class="font-medium text-slate-800" data-testid="merchant-name">${escapeHtml(merchant.name)}</span>${testModeBadge(intent.livemode)}</div>
<h1 id="order-heading" class="mt-6 text-sm font-medium text-slate-500">Pay ${escapeHtml(merchant.name)}</h1>
<p class="mt-1 text-4xl font-semibold tracking-tight text-slate-900 tabular-nums" data-testid="amount">${escapeHtml(amount)}</p>
${description}
${bootstrap.session ? lineItemsList(bootstrap.session.lineItems, intent.amount, intent.currency) : ''}
</section>
<main id="checkout-root" class="rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200 sm:p-8">
${noAssets}<noscript><p class="text-sm text-slate-700">Please enable JavaScript to pay securely.</p></noscript>
</main>
</div>
${footer()}
<div class="h-8"></div>`;
  const head = `<script type="application/json" id="${BOOTSTRAP_ELEMENT_ID}">${jsonForHtml(bootstrap)}</script>`;
  return layout({ title: `Pay ${merchant.name} · ${amount}`, body, assets, withScript: true, head });
}

interface ChallengePageInput {
  intentId: string;
  clientSecret: string;
  merchantName: string;
  amount: number;
  currency: string;
  livemode: boolean;
  last4: string | null;
}

/** The simulated issuer page for 3-D Secure test cards: a plain form, no script, so it works under the strict CSP. */
export function challengePage(input: ChallengePageInput, assets: CheckoutAssets | null): string {
  const amount = formatAmount(input.amount, input.currency);
  const action = `/checkout/3ds/${encodeURIComponent(input.intentId)}`;
  const card = input.last4 ? ` with the card ending in ${escapeHtml(input.last4)}` : '';
  const body = `<main class="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-10">
<div class="overflow-hidden rounded-2xl bg-white shadow-sm ring-1 ring-slate-200">
<div class="flex items-center justify-between border-b border-slate-200 bg-slate-900 px-6 py-4 text-white">
<span class="text-sm font-semibold tracking-wide">PaymentFlow Test Bank</span>
<span class="text-xs text-slate-300">3-D Secure</span>
</div>
<div class="p-6">
<h1 class="text-lg font-semibold text-slate-900">Confirm it’s you</h1>
<p class="mt-2 text-sm leading-6 text-slate-600">You're paying <strong class="font-semibold text-slate-900 tabular-nums">${escapeHtml(amount)}</strong> to <strong class="font-semibold text-slate-900">${escapeHtml(input.merchantName)}</strong>${card}.</p>
<p class="mt-3 rounded-lg bg-amber-50 p-3 text-xs leading-5 text-amber-900 ring-1 ring-amber-200 ring-inset">${input.livemode ? 'Authentication page.' : 'This is a simulated bank challenge for a test card. Choose how the authentication should end.'}</p>
<form method="post" action="${escapeHtml(action)}" class="mt-6 grid gap-3">
<input type="hidden" name="client_secret" value="${escapeHtml(input.clientSecret)}">
<button type="submit" name="outcome" value="complete" class="min-h-11 rounded-lg bg-indigo-600 px-4 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">Complete authentication</button>
<button type="submit" name="outcome" value="fail" class="min-h-11 rounded-lg bg-white px-4 text-sm font-semibold text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">Fail authentication</button>
</form>
</div>
</div>
${footer()}
</main>`;
  return layout({ title: `Authenticate your payment · ${input.merchantName}`, body, assets });
}
