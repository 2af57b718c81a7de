import { auditOf } from '../../core/accounts/audit-entries.js';
import { Router } from 'express';
import { retrieveParams, searchParams } from '../../../shared/contracts/common.js';
import {
  cancelPaymentIntentParams,
  capturePaymentIntentParams,
  confirmPaymentIntentParams,
  createPaymentIntentParams,
  listPaymentIntentsParams,
  updatePaymentIntentParams,
} from '../../../shared/contracts/payment-intents.js';
import { PaymentError } from '../../../shared/errors.js';
import { cancelPaymentIntent, capturePaymentIntent, confirmPaymentIntent, createPaymentIntent, getPaymentIntent, updatePaymentIntent } from '../../core/payment-intents/payment-intents.service.js';
import { listPaymentIntents, searchPaymentIntents } from '../../core/payment-intents/payment-intents-queries.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { audited, endpoint, type ApiCall } from '../route.js';

/**
 * A publishable key proves nothing about the merchant's server, so it must bring the intent's
 * client_secret; the core answers a wrong one like a missing intent, so ids cannot be probed.
 */
function requireClientSecret(call: ApiCall, clientSecret: string | undefined) {
  if (call.keyType === 'secret' || clientSecret) return;
  throw new PaymentError('parameter_missing', "Missing required param: client_secret. A publishable key must send the PaymentIntent's client_secret.", { param: 'client_secret' });
}

/** How the payment is captured or kept is the merchant's decision, never the browser's. */
const MERCHANT_ONLY_CONFIRM_PARAMS = ['capture_method', 'setup_future_usage', 'off_session'] as const;

function refuseMerchantOnlyParams(call: ApiCall, params: Partial<Record<(typeof MERCHANT_ONLY_CONFIRM_PARAMS)[number], unknown>>) {
  if (call.keyType === 'secret') return;
  const given = MERCHANT_ONLY_CONFIRM_PARAMS.find((name) => params[name] !== undefined);
  if (given) {
    throw new PaymentError('secret_key_required', `This API call cannot be made with a publishable API key: ${given} can only be set with a secret key.`, { param: given, status: 403 });
  }
}

/**
 * What a browser holding the publishable key and client_secret sees, as with Stripe: the payment's state,
 * not the merchant's bookkeeping (metadata, customer, descriptors stay server-side).
 */
const HIDDEN_FROM_PUBLISHABLE_KEYS = ['metadata', 'customer', 'statement_descriptor', 'statement_descriptor_suffix', 'transfer_data', 'transfer_group', 'application', 'application_fee_amount', 'on_behalf_of', 'review', 'invoice'] as const;

function forKey<T extends object>(call: ApiCall, intent: T): T | Omit<T, (typeof HIDDEN_FROM_PUBLISHABLE_KEYS)[number]> {
  if (call.keyType === 'secret') return intent;
  const visible = { ...intent } as Record<string, unknown>;
  for (const field of HIDDEN_FROM_PUBLISHABLE_KEYS) delete visible[field];
  return visible as T;
}

export function paymentIntentRoutes(deps: CoreDeps): Router {
  const router = Router();
  const base = '/payment_intents';

  router.post(base, endpoint(deps, (c) => createPaymentIntent(c.deps, c.actor, c.parse(createPaymentIntentParams), c.tx)));
  router.get(base, endpoint(deps, (c) => listPaymentIntents(c.deps, c.scope, c.parse(listPaymentIntentsParams), '/v1/payment_intents')));
  router.get(`${base}/search`, endpoint(deps, (c) => searchPaymentIntents(c.deps, c.scope, c.parse(searchParams), '/v1/payment_intents/search'), { fromReplica: true }));
  router.get(
    `${base}/:id`,
    endpoint(
      deps,
      async (c) => {
        const params = c.parse(retrieveParams);
        requireClientSecret(c, params.client_secret);
        return forKey(c, await getPaymentIntent(c.deps, c.scope, c.id, { clientSecret: params.client_secret }));
      },
      { publishable: true },
    ),
  );
  router.post(`${base}/:id`, endpoint(deps, (c) => updatePaymentIntent(c.deps, c.actor, c.id, c.parse(updatePaymentIntentParams), c.tx)));
  router.post(
    `${base}/:id/confirm`,
    endpoint(
      deps,
      async (c) => {
        const params = c.parse(confirmPaymentIntentParams);
        requireClientSecret(c, params.client_secret);
        refuseMerchantOnlyParams(c, params);
        try {
          return forKey(c, await confirmPaymentIntent(c.deps, c.actor, c.id, params, c.tx));
        } catch (error) {
          // A decline carries the intent; a browser sees it trimmed like any other read.
          if (c.keyType === 'secret' || !(error instanceof PaymentError)) throw error;
          const intent = error.extra?.payment_intent;
          if (!intent || typeof intent !== 'object') throw error;
          throw new PaymentError(error.code, error.message, { param: error.param, status: error.status, declineCode: error.declineCode, extra: { ...error.extra, payment_intent: forKey(c, intent) } });
        }
      },
      { publishable: true },
    ),
  );
  router.post(`${base}/:id/capture`, endpoint(deps, audited(
    (c) => capturePaymentIntent(c.deps, c.actor, c.id, c.parse(capturePaymentIntentParams), c.tx),
    (intent) => auditOf.captured(intent),
  )));
  router.post(`${base}/:id/cancel`, endpoint(deps, audited(
    (c) => cancelPaymentIntent(c.deps, c.actor, c.id, c.parse(cancelPaymentIntentParams), c.tx),
    (intent) => auditOf.canceled(intent),
  )));
  return router;
}
