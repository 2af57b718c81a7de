import { Secret, TOTP } from 'otpauth';

// RFC 6238 as every authenticator app implements it: SHA-1, 6 digits, 30-second steps.
const PERIOD = 30;
/** One step either side: a phone clock a little off, or a code typed as it changed. */
const WINDOW = 1;

function totpFor(secretBase32: string, label = 'PaymentFlow') {
  return new TOTP({ issuer: 'PaymentFlow', label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secretBase32) });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secretBase32: string, accountEmail: string): string {
  return totpFor(secretBase32, accountEmail).toString();
}

/** The 30-second step the code belongs to, or null when it is not a current code. */
export function totpStep(secretBase32: string, code: string, now = Date.now()): number | null {
  const delta = totpFor(secretBase32).validate({ token: code, timestamp: now, window: WINDOW });
  return delta === null ? null : Math.floor(now / 1000 / PERIOD) + delta;
}

/** The current code (tests and the CLI use it; the server never shows it). */
export function currentTotpCode(secretBase32: string, now = Date.now()): string {
  return totpFor(secretBase32).generate({ timestamp: now });
}
