import { createHmac } from 'node:crypto';
import { hmacHex } from '../shared/crypto.js';

/**
 * The signature headers of one delivery, signed with every active secret (the current one and, during a
 * roll, the previous one): Stripe's scheme under `Stripe-Signature` and `PF-Signature`
 * (`t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`, one `v1=` per secret), and Standard Webhooks
 * (`webhook-signature: v1,<base64>` per secret, space-separated; the key is the secret's base64 part decoded).
 */
export function signatureHeaders(secrets: string[], messageId: string, body: string, timestamp: number): Record<string, string> {
  if (!secrets.length) throw new Error('No signing secret');
  const stripe = [`t=${timestamp}`, ...secrets.map((s) => `v1=${hmacHex(s, `${timestamp}.${body}`)}`)].join(',');
  const standard = secrets.map((s) => `v1,${createHmac('sha256', standardWebhooksKey(s)).update(`${messageId}.${timestamp}.${body}`).digest('base64')}`).join(' ');
  return {
    'Stripe-Signature': stripe,
    'PF-Signature': stripe,
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': standard,
  };
}

function standardWebhooksKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}
