import { PaymentError } from '../../../shared/errors.js';
import type { Db } from '../../db/database.js';
import * as repo from './accounts.repository.js';

/**
 * Password guessing is throttled per key: the account (or the account on a device that signed in to it
 * before), the current-password check of a signed-in user, and the client IP. Each attempt is counted
 * before the password is checked, so parallel requests cannot all slip through; past the free attempts
 * each one doubles the wait (capped at 15 minutes), and attempts made while blocked count as well.
 */
export const FREE_ATTEMPTS_PER_ACCOUNT = 4;
export const FREE_ATTEMPTS_PER_IP = 20;

interface ThrottleKey {
  key: string;
  free: number;
  /** Shared by many people (an office IP): a success gives its attempt back instead of clearing the key. */
  shared?: boolean;
}

export const throttleKeys = {
  account: (email: string): ThrottleKey => ({ key: `email:${email.toLowerCase()}`, free: FREE_ATTEMPTS_PER_ACCOUNT }),
  /** A device that signed in to this account before has its own budget, untouched by other people's failures. */
  accountOnDevice: (email: string, deviceId: string): ThrottleKey => ({ key: `email:${email.toLowerCase()}:device:${deviceId}`, free: FREE_ATTEMPTS_PER_ACCOUNT }),
  currentPassword: (userId: string): ThrottleKey => ({ key: `current-password:${userId}`, free: FREE_ATTEMPTS_PER_ACCOUNT }),
  /** Second-factor codes of one user, after a correct password: a stolen password cannot brute-force the code. */
  secondFactor: (userId: string): ThrottleKey => ({ key: `second-factor:${userId}`, free: FREE_ATTEMPTS_PER_ACCOUNT }),
  ip: (ip: string): ThrottleKey => ({ key: `ip:${ip}`, free: FREE_ATTEMPTS_PER_IP, shared: true }),
};

/**
 * Counts one attempt on every key, in order, and throws 429 when one of them is blocked (later keys are
 * then not counted). Call before verifying the password; call `succeeded` after a correct one.
 */
export async function countAttempt(db: Db, keys: ThrottleKey[], what: 'sign-in' | 'password' | 'code'): Promise<{ succeeded(): Promise<void> }> {
  const counted: ThrottleKey[] = [];
  for (const k of keys) {
    if (await repo.takeAttempt(db, k.key, k.free)) {
      counted.push(k);
      continue;
    }
    const blockedUntil = await repo.countRefusedAttempt(db, k.key, k.free);
    const seconds = Math.max(1, Math.ceil(((blockedUntil?.getTime() ?? Date.now()) - Date.now()) / 1000));
    throw new PaymentError('too_many_attempts', `Too many ${what} attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, {
      status: 429,
      extra: { retry_after: seconds },
    });
  }
  return {
    async succeeded() {
      for (const k of counted) await (k.shared ? repo.refundAttempt(db, k.key, k.free) : repo.clearThrottle(db, k.key));
    },
  };
}

/** Frees throttle rows that no longer matter (a job). */
export function pruneForgivenThrottles(db: Db): Promise<number> {
  return repo.deleteForgivenThrottles(db);
}
