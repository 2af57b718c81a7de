import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { deliverMail } from '../core/mail/mail.service.js';
import type { CoreDeps } from '../core/shared/deps.js';

const payload = z.object({ mailId: z.string().min(1) });

/** Queued by queueMail in the transaction of the change that sends the mail. */
export const sendMailTask = (deps: CoreDeps): Task => async (raw) => {
  await deliverMail(deps, payload.parse(raw).mailId);
};
