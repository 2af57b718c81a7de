import { z } from 'zod';

/**
 * Restricted keys (rk_test_/rk_live_): an access level per resource of the REST API. A route belongs to the
 * resource its path starts with; GET needs read, anything else write (write includes read). A route whose
 * resource is not listed here is refused to every restricted key.
 */
export const API_KEY_RESOURCES = [
  'payment_intents', 'charges', 'refunds', 'customers', 'payment_methods', 'disputes', 'checkout_sessions',
  'balance', 'payouts', 'reporting', 'files', 'events', 'webhook_endpoints',
] as const;
export type ApiKeyResource = (typeof API_KEY_RESOURCES)[number];

export const API_KEY_RESOURCE_LABELS: Record<ApiKeyResource, string> = {
  payment_intents: 'PaymentIntents',
  charges: 'Charges',
  refunds: 'Refunds',
  customers: 'Customers',
  payment_methods: 'PaymentMethods',
  disputes: 'Disputes',
  checkout_sessions: 'Checkout Sessions',
  balance: 'Balance and balance transactions',
  payouts: 'Payouts',
  reporting: 'Report runs',
  files: 'Files (uploads such as dispute evidence, and report results)',
  events: 'Events',
  webhook_endpoints: 'Webhook endpoints (and local forwarding)',
};

export const API_KEY_ACCESS = ['none', 'read', 'write'] as const;
export type ApiKeyAccess = (typeof API_KEY_ACCESS)[number];

/** What a restricted key may do: resources left out are `none`. */
export type RestrictedKeyPermissions = Partial<Record<ApiKeyResource, 'read' | 'write'>>;

const restrictedKeyPermissions = z
  .partialRecord(z.enum(API_KEY_RESOURCES), z.enum(API_KEY_ACCESS))
  .transform((p): RestrictedKeyPermissions => Object.fromEntries(Object.entries(p).filter(([, access]) => access !== 'none')))
  .refine((p) => Object.keys(p).length > 0, 'Give the key at least one permission');

export const createRestrictedKeyInput = z.strictObject({
  name: z.string().trim().min(1, 'Name the key').max(100),
  permissions: restrictedKeyPermissions,
});
export type CreateRestrictedKeyInput = z.input<typeof createRestrictedKeyInput>;

/** The first path segment names the resource; the CLI's listen sessions belong to webhook endpoints. */
const PATH_RESOURCES: Record<string, ApiKeyResource> = {
  payment_intents: 'payment_intents',
  charges: 'charges',
  refunds: 'refunds',
  customers: 'customers',
  payment_methods: 'payment_methods',
  disputes: 'disputes',
  checkout: 'checkout_sessions',
  balance: 'balance',
  balance_transactions: 'balance',
  payouts: 'payouts',
  reporting: 'reporting',
  files: 'files',
  events: 'events',
  webhook_endpoints: 'webhook_endpoints',
  cli: 'webhook_endpoints',
};

/** The resource and access a REST request needs; null resource: none a restricted key can have. */
export function requiredPermission(method: string, path: string): { resource: ApiKeyResource | null; access: 'read' | 'write' } {
  const segment = path.replace(/^\/(v1\/)?/, '').split('/')[0] ?? '';
  return { resource: PATH_RESOURCES[segment] ?? null, access: method === 'GET' || method === 'HEAD' ? 'read' : 'write' };
}

export function keyAllows(permissions: RestrictedKeyPermissions, resource: ApiKeyResource | null, access: 'read' | 'write'): boolean {
  if (!resource) return false;
  const granted = permissions[resource];
  return granted === 'write' || (granted === 'read' && access === 'read');
}

/** Stripe names permissions like `rak_payment_intent_write`. */
export function permissionName(resource: ApiKeyResource | null, access: 'read' | 'write'): string {
  return resource ? `rak_${resource.replace(/s$/, '')}_${access}` : 'a secret key';
}
