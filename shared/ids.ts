/** Object ids: a Stripe-style prefix and 24 random base62 characters. */
export const ID_PREFIXES = {
  user: 'usr',
  merchant: 'acct',
  customer: 'cus',
  paymentIntent: 'pi',
  paymentMethod: 'pm',
  attempt: 'pa',
  refund: 're',
  charge: 'ch',
  balanceTransaction: 'txn',
  payout: 'po',
  event: 'evt',
  webhookEndpoint: 'we',
  webhookDelivery: 'whd',
  webhookRecovery: 'whr',
  apiKey: 'key',
  request: 'req',
  savedView: 'sv',
  audit: 'aud',
  invitation: 'inv',
  mail: 'msg',
  checkoutSession: 'cs',
  lineItem: 'li',
  dispute: 'dp',
  reportRun: 'frr',
  reportSchedule: 'rsch',
  file: 'file',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Random bytes are drawn in batches: one getRandomValues call per id was a visible share of an API
// request's CPU (each call validates its argument and enters the native CSPRNG). Same source, same bytes.
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset === pool.length) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++];
}

export function randomString(length: number): string {
  let out = '';
  // Rejection sampling keeps the distribution uniform (248 = 4 * 62).
  while (out.length < length) {
    const byte = randomByte();
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomString(24)}`;
}

/** Which kind of object an id names, for "paste an id" search. */
export function idKind(id: string): IdKind | null {
  const prefix = id.split('_')[0];
  const entry = Object.entries(ID_PREFIXES).find(([, p]) => p === prefix);
  return entry ? (entry[0] as IdKind) : null;
}
