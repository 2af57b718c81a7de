/** Object ids: a Stripe-style prefix and 24 random base62 characters. */
export const ID_PREFIXES = {
  user: 'usr',
  merchant: 'acct',
  customer: 'cus',
  paymentIntent: 'pi',
  paymentMethod: 'pm',
  attempt: 'pa',
  refund: 're',
  event: 'evt',
  webhookEndpoint: 'we',
  webhookDelivery: 'whd',
  apiKey: 'key',
  request: 'req',
  savedView: 'sv',
  audit: 'aud',
  invitation: 'inv',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomString(length: number): string {
  const bytes = new Uint8Array(length * 2);
  crypto.getRandomValues(bytes);
  let out = '';
  // Rejection sampling keeps the distribution uniform (248 = 4 * 62).
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    if (bytes[i] < 248) out += ALPHABET[bytes[i] % 62];
  }
  return out.length === length ? out : out + randomString(length - out.length);
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
