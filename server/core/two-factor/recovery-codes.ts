import { randomBytes } from 'node:crypto';
import { deriveKey, hmacHex } from '../shared/crypto.js';

const RECOVERY_CODE_COUNT = 10;
// No 0/o, 1/l/i: codes are copied by hand from paper.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten codes of 12 characters (about 59 bits each), printed in groups of four: "k7q2-m9xd-4hpw". */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    let code = '';
    while (code.length < 12) {
      for (const byte of randomBytes(16)) {
        // Rejection sampling keeps every character equally likely (248 = 8 * 31).
        if (byte < 248 && code.length < 12) code += ALPHABET[byte % ALPHABET.length];
      }
    }
    return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
  });
}

export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, '');
}

/**
 * Only a keyed hash is stored. The codes are random (not chosen by people), so a fast HMAC with a key derived
 * from the server secret is enough: a stolen table alone cannot be tested against guesses.
 */
export function hashRecoveryCode(secret: string, code: string): string {
  return hmacHex(deriveKey(secret, 'recovery-codes'), normalizeRecoveryCode(code));
}
