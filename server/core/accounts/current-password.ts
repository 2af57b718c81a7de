import { PaymentError } from '../../../shared/errors.js';
import type { Db } from '../../db/database.js';
import * as repo from './accounts.repository.js';
import { verifyPassword } from './passwords.js';
import { countAttempt, throttleKeys } from './throttle.js';

/**
 * A signed-in user proves it is still them before a sensitive change (a new password, turning a second
 * factor off). Throttled like sign-in, with its own budget per user and per IP, so a stolen session is no
 * way to guess the password, and strangers' failed sign-ins do not block it.
 */
export async function verifyCurrentPassword(db: Db, userId: string, password: string, ip: string, param = 'currentPassword') {
  const user = await repo.getUser(db, userId);
  if (!user) throw new PaymentError('resource_missing', 'No such user.', { status: 404 });
  const attempt = await countAttempt(db, [throttleKeys.currentPassword(user.id), throttleKeys.ip(ip)], 'password');
  if (!(await verifyPassword(user.password_hash, password))) {
    throw new PaymentError('invalid_credentials', 'Your current password is not correct.', { param, status: 400 });
  }
  await attempt.succeeded();
  return user;
}
