import { z } from 'zod';
import { expandParam, idParam, intParam, listParamsShape, metadataParam } from './common.js';
import { billingDetailsParam, paymentMethodDataParam } from './payment-intents.js';

export type { PaymentMethodDto } from './payment-intents.js';

/**
 * `POST /v1/payment_methods`: raw card data, as a PCI-compliant server sends it (test mode only). The same
 * shape as an intent's `payment_method_data`, so one card rule serves both.
 */
export const createPaymentMethodParams = paymentMethodDataParam.extend({ expand: expandParam.optional() });
export type CreatePaymentMethodInput = z.input<typeof createPaymentMethodParams>;

/** Stripe lets an attached card's billing details, expiry and metadata change; never its number. */
export const updatePaymentMethodParams = z.strictObject({
  billing_details: billingDetailsParam.optional(),
  card: z.strictObject({ exp_month: intParam({ min: 1, max: 12 }).optional(), exp_year: intParam({ min: 0, max: 9999 }).optional() }).optional(),
  metadata: metadataParam.optional(),
  expand: expandParam.optional(),
});
export type UpdatePaymentMethodInput = z.input<typeof updatePaymentMethodParams>;

export const attachPaymentMethodParams = z.strictObject({ customer: idParam, expand: expandParam.optional() });
export type AttachPaymentMethodInput = z.input<typeof attachPaymentMethodParams>;

export const detachPaymentMethodParams = z.strictObject({ expand: expandParam.optional() });

const typeFilter = z.literal('card', { message: 'Only "card" is supported' }).optional();

/** `GET /v1/payment_methods?customer=`; without `customer`, every payment method of the account. */
export const listPaymentMethodsParams = z.strictObject({ ...listParamsShape, customer: idParam.optional(), type: typeFilter });
export type ListPaymentMethodsInput = z.input<typeof listPaymentMethodsParams>;

/** `GET /v1/customers/:id/payment_methods`. */
export const listCustomerPaymentMethodsParams = z.strictObject({
  ...listParamsShape,
  type: typeFilter,
  allow_redisplay: z.enum(['always', 'limited', 'unspecified']).optional(),
});
export type ListCustomerPaymentMethodsInput = z.input<typeof listCustomerPaymentMethodsParams>;
