import { formatAmount } from '../../shared/money';
import type { CheckoutBootstrap } from '../../shared/contracts/checkout';
import { confirmIntent, type ApiErrorBody, type IntentResult } from './api';
import {
  brandLabel,
  caretAfterDigits,
  cardNumberProblem,
  cvcLength,
  cvcProblem,
  detectBrand,
  digitsOnly,
  emailProblem,
  expiryProblem,
  formatCardNumber,
  formatExpiry,
  maxCardLength,
  nameProblem,
  parseExpiry,
  type FieldProblem,
} from './card';
import { append, h, icon, ICONS, spinner } from './dom';
import { CANCELED_AFTER_FAILURES, declineMessage, type DeclineField } from './messages';

const INPUT =
  'block min-h-11 w-full rounded-lg border-0 bg-white px-3 py-2.5 text-base text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 ' +
  'placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-invalid:ring-2 aria-invalid:ring-rose-500 sm:text-sm';

interface Field {
  name: string;
  input: HTMLInputElement;
  box: HTMLElement;
  check(): FieldProblem;
  show(problem: FieldProblem): void;
  problem(): FieldProblem;
}

function makeField(options: {
  id: string;
  label: string;
  autocomplete: string;
  check: () => FieldProblem;
  type?: string;
  inputmode?: string;
  placeholder?: string;
  value?: string | null;
  maxlength?: number;
  extra?: HTMLElement;
  hint?: string;
}): Field {
  const errorId = `${options.id}-error`;
  const hintId = options.hint ? `${options.id}-hint` : null;
  const input = h('input', {
    id: options.id,
    name: options.id,
    type: options.type ?? 'text',
    autocomplete: options.autocomplete,
    inputmode: options.inputmode,
    placeholder: options.placeholder,
    maxlength: options.maxlength,
    spellcheck: 'false',
    autocorrect: 'off',
    autocapitalize: options.type === 'email' || options.inputmode === 'numeric' ? 'off' : undefined,
    required: true,
    'aria-required': 'true',
    class: INPUT + (options.extra ? ' pr-28' : ''),
  });
  if (hintId) input.setAttribute('aria-describedby', hintId);
  if (options.value) input.value = options.value;
  const error = h('p', { id: errorId, class: 'mt-1.5 flex items-start gap-1.5 text-sm text-rose-700', hidden: true });
  const box = h(
    'div',
    { class: 'min-w-0' },
    h('label', { for: options.id, class: 'mb-1.5 block text-sm font-medium text-slate-700' }, options.label),
    h('div', { class: 'relative' }, input, options.extra ?? null),
    hintId ? h('p', { id: hintId, class: 'mt-1.5 text-xs text-slate-500' }, options.hint ?? '') : null,
    error,
  );
  let current: FieldProblem = null;
  const show = (problem: FieldProblem) => {
    current = problem;
    error.replaceChildren();
    if (problem) {
      error.append(icon(ICONS.alert, 'mt-0.5 size-4 shrink-0 fill-current'), h('span', {}, problem));
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', [errorId, hintId].filter(Boolean).join(' '));
    } else {
      error.hidden = true;
      input.removeAttribute('aria-invalid');
      if (hintId) input.setAttribute('aria-describedby', hintId);
      else input.removeAttribute('aria-describedby');
    }
  };
  const field: Field = { name: options.id, input, box, check: options.check, show, problem: () => current };
  // Judge a field when the buyer leaves it, then re-judge as they fix it (never while they first type).
  input.addEventListener('blur', () => {
    if (input.value.trim() || current) show(options.check());
  });
  input.addEventListener('input', () => {
    if (current) show(options.check());
  });
  return field;
}

/** Reformats a numeric field in place, keeping the caret after the same digit. */
function reformat(input: HTMLInputElement, format: (value: string, deleting: boolean) => string, deleting: boolean) {
  const caret = input.selectionStart ?? input.value.length;
  const atEnd = caret === input.value.length;
  const digitsBefore = digitsOnly(input.value.slice(0, caret)).length;
  const next = format(input.value, deleting);
  if (next === input.value) return;
  input.value = next;
  const position = atEnd ? next.length : caretAfterDigits(next, digitsBefore);
  if (document.activeElement === input) input.setSelectionRange(position, position);
}

export function mountCheckout(root: HTMLElement, boot: CheckoutBootstrap) {
  const { intent, merchant } = boot;
  const amountText = formatAmount(intent.amount, intent.currency);
  const payLabel = `Pay ${amountText}`;

  const brandBadge = h('span', {
    class: 'pointer-events-none absolute inset-y-0 right-3 my-auto hidden h-6 items-center rounded bg-slate-100 px-2 text-xs font-semibold text-slate-700 ring-1 ring-slate-200',
    'data-testid': 'card-brand',
  });
  const brandAnnouncement = h('span', { class: 'sr-only', 'aria-live': 'polite' });

  const number: Field = makeField({
    id: 'card-number',
    label: 'Card number',
    autocomplete: 'cc-number',
    inputmode: 'numeric',
    placeholder: '1234 1234 1234 1234',
    maxlength: 23,
    extra: brandBadge,
    check: () => cardNumberProblem(number.input.value),
  });
  const expiry: Field = makeField({
    id: 'card-expiry',
    label: 'Expiry date',
    autocomplete: 'cc-exp',
    inputmode: 'numeric',
    placeholder: 'MM / YY',
    maxlength: 9,
    check: () => expiryProblem(expiry.input.value),
  });
  const cvc: Field = makeField({
    id: 'card-cvc',
    label: 'Security code',
    autocomplete: 'cc-csc',
    inputmode: 'numeric',
    placeholder: 'CVC',
    maxlength: 4,
    hint: '3 digits on the back of your card',
    check: () => cvcProblem(cvc.input.value, number.input.value),
  });
  const name: Field = makeField({
    id: 'card-name',
    label: 'Name on card',
    autocomplete: 'cc-name',
    placeholder: 'Full name',
    maxlength: 255,
    check: () => nameProblem(name.input.value),
  });
  const email: Field = makeField({
    id: 'email',
    label: 'Email',
    type: 'email',
    autocomplete: 'email',
    placeholder: 'you@example.com',
    maxlength: 255,
    value: boot.receiptEmail,
    check: () => emailProblem(email.input.value),
  });
  // A checkout session made for a known buyer: their email is shown, not asked for again.
  const emailFixed = Boolean(boot.session?.emailFixed && boot.receiptEmail);
  if (emailFixed) {
    email.input.readOnly = true;
    email.input.classList.add('bg-slate-50', 'text-slate-600');
  }
  const cardFields = [number, expiry, cvc, name];
  const fields = [email, ...cardFields];
  const cvcHint = cvc.box.querySelector<HTMLElement>('#card-cvc-hint');

  let lastBrand = '';
  number.input.addEventListener('input', (event) => {
    const deleting = (event as InputEvent).inputType?.startsWith('delete') ?? false;
    reformat(number.input, formatCardNumber, deleting);
    const brand = detectBrand(number.input.value);
    const label = brandLabel(brand);
    brandBadge.textContent = label;
    brandBadge.dataset.brand = brand;
    brandBadge.classList.toggle('hidden', !label);
    brandBadge.classList.toggle('flex', Boolean(label));
    if (label !== lastBrand) brandAnnouncement.textContent = label ? `${label} card` : '';
    lastBrand = label;
    const cvcDigits = cvcLength(number.input.value);
    cvc.input.maxLength = brand === 'unknown' ? 4 : cvcDigits;
    if (cvcHint) cvcHint.textContent = brand === 'amex' ? '4 digits on the front of your card' : '3 digits on the back of your card';
    // A complete, valid number: move on, as a paper form would.
    const digits = digitsOnly(number.input.value);
    if (!deleting && digits.length === maxCardLength(digits) && !cardNumberProblem(digits) && number.input.selectionStart === number.input.value.length) {
      number.show(null);
      expiry.input.focus();
    }
  });
  expiry.input.addEventListener('input', (event) => {
    const deleting = (event as InputEvent).inputType?.startsWith('delete') ?? false;
    reformat(expiry.input, formatExpiry, deleting);
    if (!deleting && digitsOnly(expiry.input.value).length === 4 && !expiryProblem(expiry.input.value)) {
      expiry.show(null);
      cvc.input.focus();
    }
  });
  cvc.input.addEventListener('input', () => {
    const digits = digitsOnly(cvc.input.value).slice(0, 4);
    if (digits !== cvc.input.value) cvc.input.value = digits;
  });

  const alert = h('div', { role: 'alert', class: 'empty:hidden', 'data-testid': 'checkout-alert' });
  const notice = h('div', { class: 'empty:hidden' });

  const buttonLabel = h('span', {}, payLabel);
  const button = h(
    'button',
    {
      type: 'submit',
      class:
        'mt-2 flex min-h-12 w-full items-center justify-center gap-2 rounded-lg bg-indigo-600 px-4 text-base font-semibold text-white shadow-sm ' +
        'hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-70',
    },
    icon(ICONS.lock, 'size-4 fill-current'),
    buttonLabel,
  );

  const testHint = intent.livemode
    ? null
    : h(
        'p',
        { class: 'rounded-lg bg-amber-50 px-3 py-2 text-xs leading-5 text-amber-900 ring-1 ring-amber-200 ring-inset' },
        'Test mode: use card 4242 4242 4242 4242 with any future date and any security code. No real money moves.',
      );

  // A returning customer's saved cards come first; "Use a new card" shows the card fields.
  let savedChoice: string | null = boot.savedCards?.[0]?.id ?? null;
  const cardFieldset = h('fieldset', { class: 'grid gap-4' });
  const savedCards = boot.savedCards?.length
    ? h(
        'fieldset',
        { class: 'grid gap-2', 'data-testid': 'saved-cards' },
        h('legend', { class: 'mb-1.5 text-sm font-medium text-slate-700' }, 'Your saved cards'),
        ...[...boot.savedCards.map((c) => ({ id: c.id, label: `${brandLabel(c.brand as Parameters<typeof brandLabel>[0]) || c.brand} ending in ${c.last4}`, hint: `Expires ${String(c.expMonth).padStart(2, '0')}/${String(c.expYear).slice(-2)}` })), { id: '', label: 'Use a new card', hint: '' }].map((choice, i) => {
          const input = h('input', { type: 'radio', name: 'saved-card', value: choice.id, id: `saved-card-${i}`, class: 'size-4 accent-indigo-600' });
          input.checked = choice.id === savedChoice;
          input.addEventListener('change', () => {
            savedChoice = choice.id || null;
            cardFieldset.hidden = savedChoice !== null;
            for (const field of cardFields) field.show(null);
          });
          return h(
            'label',
            { for: `saved-card-${i}`, class: 'flex min-h-11 cursor-pointer items-center gap-3 rounded-lg px-3 py-2 ring-1 ring-slate-300 ring-inset has-[:checked]:ring-2 has-[:checked]:ring-indigo-600' },
            input,
            h('span', { class: 'text-sm font-medium text-slate-900' }, choice.label),
            choice.hint ? h('span', { class: 'ml-auto text-xs text-slate-500' }, choice.hint) : null,
          );
        }),
      )
    : null;
  cardFieldset.hidden = savedChoice !== null;
  append(cardFieldset, [
    h('legend', { class: 'sr-only' }, 'Card details'),
    number.box,
    brandAnnouncement,
    h('div', { class: 'grid grid-cols-2 gap-4' }, expiry.box, cvc.box),
    name.box,
  ]);

  const form = h(
    'form',
    { novalidate: true, class: 'grid gap-5', 'aria-labelledby': 'pay-heading' },
    h('h2', { id: 'pay-heading', class: 'text-lg font-semibold text-slate-900' }, 'Pay with card'),
    notice,
    alert,
    email.box,
    savedCards,
    cardFieldset,
    button,
    testHint,
  );

  root.replaceChildren(form);

  let busy = false;
  const setBusy = (value: boolean) => {
    busy = value;
    button.disabled = value;
    button.setAttribute('aria-busy', String(value));
    button.firstChild?.replaceWith(value ? spinner() : icon(ICONS.lock, 'size-4 fill-current'));
    buttonLabel.textContent = value ? `Processing ${amountText}…` : payLabel;
    for (const field of fields) field.input.readOnly = value || (field === email && emailFixed);
  };

  const showAlert = (text: string) => {
    alert.replaceChildren(
      h(
        'div',
        { class: 'flex items-start gap-3 rounded-lg bg-rose-50 p-3 text-sm text-rose-800 ring-1 ring-rose-200 ring-inset' },
        icon(ICONS.alert, 'mt-0.5 size-4 shrink-0 fill-current'),
        h('p', {}, text),
      ),
    );
  };

  const fieldFor: Record<Exclude<DeclineField, null>, Field> = { number, expiry, cvc };

  const showDecline = (error: { code?: string | null; decline_code?: string | null; message?: string | null }) => {
    const decline = declineMessage(error);
    showAlert(decline.text);
    // A saved card has no fields on the page: the alert says it all.
    if (savedChoice) return;
    const field = decline.field ? fieldFor[decline.field] : number;
    if (decline.field) field.show(decline.text);
    field.input.focus();
    field.input.select();
  };

  /** The end of this checkout: the form goes, one panel stays. */
  const finish = (panel: { tone: 'success' | 'danger' | 'neutral'; heading: string; text: string; link?: { href: string; label: string } | null }) => {
    const tones = {
      success: ['bg-emerald-100 text-emerald-700', ICONS.check],
      danger: ['bg-rose-100 text-rose-700', ICONS.close],
      neutral: ['bg-indigo-100 text-indigo-700', ICONS.shield],
    } as const;
    const [ring, path] = tones[panel.tone];
    const heading = h('h2', { class: 'mt-4 text-xl font-semibold text-slate-900', tabindex: '-1' }, panel.heading);
    root.replaceChildren(
      h(
        'div',
        { class: 'py-6 text-center', role: 'status', 'data-testid': 'checkout-result' },
        h('div', { class: `mx-auto flex size-12 items-center justify-center rounded-full ${ring}` }, icon(path, 'size-6 fill-current')),
        heading,
        h('p', { class: 'mt-2 text-sm leading-6 text-slate-600' }, panel.text),
        panel.link
          ? h(
              'a',
              {
                href: panel.link.href,
                class:
                  'mt-6 inline-flex min-h-11 items-center justify-center rounded-lg bg-indigo-600 px-5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600',
              },
              panel.link.label,
            )
          : null,
      ),
    );
    heading.focus();
  };

  const returnLink = boot.cancelUrl ? { href: boot.cancelUrl, label: `Return to ${merchant.name}` } : null;

  const succeeded = () => {
    finish({
      tone: 'success',
      heading: 'Payment successful',
      text: boot.successRedirectUrl ? `Thank you! Taking you back to ${merchant.name}…` : `Thank you! Your payment to ${merchant.name} is complete.`,
      link: boot.successRedirectUrl ? { href: boot.successRedirectUrl, label: `Continue to ${merchant.name}` } : null,
    });
    if (boot.successRedirectUrl) window.location.assign(boot.successRedirectUrl);
  };

  const canceledAfterFailures = () =>
    finish({ tone: 'danger', heading: CANCELED_AFTER_FAILURES, text: 'You have not been charged.', link: returnLink });

  const redirectToBank = (url: string) => {
    finish({ tone: 'neutral', heading: 'Confirm with your bank', text: 'Taking you to your bank to confirm this payment…', link: { href: url, label: 'Continue to your bank' } });
    window.location.assign(url);
  };

  const handleIntent = (result: IntentResult) => {
    switch (result.status) {
      case 'succeeded':
      case 'requires_capture':
      case 'processing':
        return succeeded();
      case 'requires_action': {
        const url = result.next_action?.redirect_to_url?.url;
        if (url) return redirectToBank(url);
        break;
      }
      case 'canceled':
        // Canceled elsewhere (expired, or by the merchant): the page itself explains it.
        window.location.reload();
        return;
      case 'requires_payment_method':
        if (result.last_payment_error) return showDecline(result.last_payment_error);
        break;
    }
    showAlert('We could not finish this payment. Please try again.');
  };

  const handleError = (status: number, error: ApiErrorBody) => {
    const intentAfter = error.payment_intent;
    if (intentAfter?.status === 'canceled') {
      // A decline that used up the last attempt: the core cancels the intent.
      if (error.type === 'card_error') return canceledAfterFailures();
      window.location.reload();
      return;
    }
    if (error.type === 'card_error') return showDecline(error);
    if (error.code === 'payment_intent_unexpected_state') {
      if (intentAfter && intentAfter.status !== 'requires_payment_method') return handleIntent(intentAfter);
      window.location.reload();
      return;
    }
    if (status === 429) return showAlert('Too many attempts in a short time. Wait a moment, then try again.');
    const param = error.param ?? '';
    const byParam: [string, Field][] = [
      ['[number]', number],
      ['exp_', expiry],
      ['[cvc]', cvc],
      ['[name]', name],
      ['email', email],
    ];
    const match = byParam.find(([needle]) => param.includes(needle));
    if (match && error.message) {
      match[1].show(error.message);
      match[1].input.focus();
      return;
    }
    showAlert(status >= 500 ? 'Something went wrong on our side. You have not been charged. Please try again.' : error.message || 'We could not process this payment. Please try again.');
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    alert.replaceChildren();
    let firstInvalid: Field | null = null;
    for (const field of savedChoice ? [email] : fields) {
      const problem = field.check();
      field.show(problem);
      if (problem && !firstInvalid) firstInvalid = field;
    }
    if (firstInvalid) {
      firstInvalid.input.focus();
      return;
    }
    const exp = savedChoice ? null : parseExpiry(expiry.input.value);
    if (!savedChoice && !exp) return;
    setBusy(true);
    let navigating = false;
    try {
      const target = { intentId: intent.id, clientSecret: intent.clientSecret, publishableKey: boot.publishableKey };
      const outcome = await confirmIntent(
        savedChoice || !exp
          ? { ...target, savedCard: savedChoice!, email: email.input.value.trim() }
          : {
              ...target,
              card: {
                number: digitsOnly(number.input.value),
                expMonth: exp.month,
                expYear: exp.year,
                cvc: digitsOnly(cvc.input.value),
                name: name.input.value.trim(),
                email: email.input.value.trim(),
              },
            },
      );
      if (outcome.kind === 'network') {
        showAlert('We could not reach the payment server. Check your connection and try again. You have not been charged.');
      } else if (outcome.kind === 'intent') {
        navigating = ['succeeded', 'requires_capture', 'processing', 'requires_action', 'canceled'].includes(outcome.intent.status);
        handleIntent(outcome.intent);
      } else {
        handleError(outcome.status, outcome.error);
      }
    } finally {
      if (!navigating && form.isConnected) setBusy(false);
    }
  });

  if (boot.pendingActionUrl) {
    notice.append(
      h(
        'div',
        { class: 'rounded-lg bg-indigo-50 p-3 text-sm text-indigo-900 ring-1 ring-indigo-200 ring-inset' },
        h('p', {}, 'Your bank needs you to confirm this payment. '),
        h('a', { href: boot.pendingActionUrl, class: 'mt-1 inline-block font-semibold underline underline-offset-2' }, 'Continue to authentication'),
      ),
    );
  }
  if (boot.returnedError) {
    showDecline({ code: boot.returnedError.code, decline_code: boot.returnedError.declineCode, message: boot.returnedError.message });
  }
}
