import { deriveKey, hmacHex, randomToken, safeEqual } from '../shared/crypto.js';

/**
 * Device cookies (OWASP's answer to lockout by strangers): a successful sign-in leaves a token naming the
 * account, signed with the server secret. Presented again with the same email, it gives that browser its
 * own throttle budget, so someone else's failed guesses on the account do not lock its member out.
 */
function signature(secret: string, email: string, deviceId: string) {
  return hmacHex(deriveKey(secret, 'device-cookie'), `${email.toLowerCase()}|${deviceId}`).slice(0, 43);
}

export function issueDeviceToken(secret: string, email: string): string {
  const deviceId = randomToken(16);
  return `${deviceId}.${signature(secret, email, deviceId)}`;
}

/** The device id when the token was issued for this email by this server; null otherwise. */
export function deviceIdFor(secret: string, email: string, token: string | undefined): string | null {
  if (!token || token.length > 200) return null;
  const [deviceId, sig, extra] = token.split('.');
  if (!deviceId || !sig || extra !== undefined) return null;
  return safeEqual(sig, signature(secret, email, deviceId)) ? deviceId : null;
}
