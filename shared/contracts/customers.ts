import { z } from 'zod';
import { clearableText, emailParam, expandParam, listParamsShape, metadataParam } from './common.js';

const customerFields = {
  email: z.union([z.literal(''), emailParam]).optional(),
  name: clearableText(256).optional(),
  phone: clearableText(64).optional(),
  description: clearableText(1000).optional(),
  metadata: metadataParam.optional(),
  expand: expandParam.optional(),
};

export const createCustomerParams = z.strictObject(customerFields);
export type CreateCustomerInput = z.input<typeof createCustomerParams>;

/** "" clears a field, as in Stripe. */
export const updateCustomerParams = z.strictObject(customerFields);
export type UpdateCustomerInput = z.input<typeof updateCustomerParams>;

export const listCustomersParams = z.strictObject({
  ...listParamsShape,
  email: z.string().trim().max(512).optional(),
});
export type ListCustomersInput = z.input<typeof listCustomersParams>;

export interface CustomerDto {
  id: string;
  object: 'customer';
  address: null;
  balance: 0;
  created: number;
  currency: null;
  default_source: null;
  delinquent: false;
  description: string | null;
  discount: null;
  email: string | null;
  invoice_prefix: null;
  invoice_settings: { custom_fields: null; default_payment_method: null; footer: null; rendering_options: null };
  livemode: boolean;
  metadata: Record<string, string>;
  name: string | null;
  next_invoice_sequence: 1;
  phone: string | null;
  preferred_locales: string[];
  shipping: null;
  tax_exempt: 'none';
  test_clock: null;
}
