import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { settleRefund } from '../core/refunds/refunds.service.js';
import type { CoreDeps } from '../core/shared/deps.js';

const payload = z.object({ merchantId: z.string().min(1), livemode: z.boolean(), refundId: z.string().min(1) });

/** Queued by createRefund in the refund's own transaction (runs once the settle delay has passed). */
export const settleRefundTask = (deps: CoreDeps): Task => async (raw) => {
  const { merchantId, livemode, refundId } = payload.parse(raw);
  await settleRefund(deps, { merchantId, livemode }, refundId);
};
