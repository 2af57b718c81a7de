import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { PaymentError } from '../../shared/errors.js';
import { can, type Permission } from '../../shared/permissions.js';
import { toInvalidInput } from '../core/shared/database-errors.js';
import { hasSecondFactor } from '../core/two-factor/two-factor.service.js';
import type { InnerContext } from './context.js';

const TWO_FACTOR_ENROLMENT_REQUIRED = 'This account requires two-factor authentication. Set it up to continue.';

const STATUS_TO_TRPC: Record<number, TRPCError['code']> = {
  400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 402: 'BAD_REQUEST', 403: 'FORBIDDEN', 404: 'NOT_FOUND',
  409: 'CONFLICT', 429: 'TOO_MANY_REQUESTS',
};

/**
 * What a procedure declares about who may call it; the role-matrix test (access.integration.test.ts) reads it
 * from every procedure. `public`: anyone; `signed-in`: any signed-in user, whatever their role; otherwise
 * the permission of shared/permissions.ts (and a further one in live mode).
 */
export type ProcedureAccess = { access: 'public' } | { access: 'signed-in' } | { access: 'member'; permission: Permission; live?: Permission };

const t = initTRPC.context<InnerContext>().meta<ProcedureAccess>().create({
  // The one place PaymentError and zod errors become what the browser sees: a code, a message and, for
  // forms, errors per field.
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const fieldErrors: Record<string, string> = {};
    let paymentCode: string | null = null;
    if (cause instanceof ZodError) {
      for (const issue of cause.issues) {
        const key = issue.path.join('.');
        fieldErrors[key] ??= issue.message;
      }
    } else if (cause instanceof PaymentError) {
      paymentCode = cause.code;
      if (cause.param) fieldErrors[cause.param] = cause.message;
    }
    const internal = shape.data.httpStatus >= 500;
    return {
      ...shape,
      message: internal ? 'Something went wrong on our side. Please try again.' : cause instanceof ZodError ? 'Please correct the highlighted fields.' : shape.message,
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, fieldErrors, paymentCode,
        retryAfter: (cause instanceof PaymentError && (cause.extra?.retry_after as number)) || null,
        // Where a search query went wrong, so the UI can mark the spot.
        position: cause instanceof PaymentError && typeof cause.extra?.position === 'number' ? cause.extra.position : null,
      },
    };
  },
});

/** Turns a PaymentError thrown by the core into a TRPCError with the right HTTP status. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  const invalid = result.ok ? null : toInvalidInput(result.error.cause);
  if (invalid) throw new TRPCError({ code: 'BAD_REQUEST', message: invalid.message, cause: invalid });
  if (!result.ok && result.error.cause instanceof PaymentError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: STATUS_TO_TRPC[cause.status] ?? 'INTERNAL_SERVER_ERROR', message: cause.message, cause });
  }
  return result;
});

const csrf = t.middleware(({ ctx, type, next }) => {
  if (type === 'mutation' && !ctx.csrfOk) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Mutations need a JSON body and the CSRF header.' });
  }
  return next();
});

/**
 * With a replica, every mutation leaves the primary's WAL position (read after its commit) in the browser, so
 * that the member's replica reads wait for it (fromReplica): nobody sees their own refund vanish.
 */
const noteWrites = t.middleware(async ({ ctx, type, next }) => {
  const result = await next();
  const replica = ctx.deps.replica;
  if (type === 'mutation' && replica && ctx.noteWrite) ctx.noteWrite(await replica.primaryPosition(ctx.deps.db));
  return result;
});

/**
 * For reads that may lag (analytics, search, lists): the procedure's deps read from the replica when there is
 * one and it has replayed the member's last write; otherwise from the primary.
 */
export const fromReplica = t.middleware(async ({ ctx, next }) => {
  const replica = ctx.deps.replica;
  if (!replica) return next();
  const db = await replica.forReads(ctx.deps.db, ctx.readAfter);
  return next({ ctx: { ...ctx, deps: { ...ctx.deps, db } } });
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
const anyoneProcedure = t.procedure.use(mapErrors).use(csrf).use(noteWrites);
export const publicProcedure = anyoneProcedure.meta({ access: 'public' });

export const authedProcedure = anyoneProcedure.meta({ access: 'signed-in' }).use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in.' });
  return next({ ctx: { ...ctx, session: ctx.session } });
});

/**
 * A procedure for members of the current merchant that declares the permission it needs (shared/permissions.ts),
 * and optionally a further one when the session is in live mode (`{ live: 'live-keys:manage' }`).
 * ctx.scope is what every core call is scoped to: the session's merchant and mode.
 */
export function memberProcedure(permission: Permission, inMode: { live?: Permission } = {}) {
  return authedProcedure.meta({ access: 'member', permission, live: inMode.live }).use(async ({ ctx, next }) => {
    const { merchant, role, livemode, user } = ctx.session;
    if (!merchant || !role) throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of any account.' });
    if (!can(role, permission)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `Your role (${role}) does not allow this action.` });
    }
    if (livemode && inMode.live && !can(role, inMode.live)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `Your role (${role}) does not allow this action in live mode.` });
    }
    // An account that requires two-factor authentication shows nothing to a member without it (they enrol first).
    if (merchant.requireTwoFactor && !(await hasSecondFactor(ctx.deps.db, user.id))) {
      throw new TRPCError({ code: 'FORBIDDEN', message: TWO_FACTOR_ENROLMENT_REQUIRED, cause: new PaymentError('two_factor_required', TWO_FACTOR_ENROLMENT_REQUIRED, { status: 403 }) });
    }
    return next({
      ctx: {
        ...ctx, merchant, role, user, scope: { merchantId: merchant.id, livemode },
        actor: { merchantId: merchant.id, livemode, userId: user.id, ip: ctx.ip, userAgent: ctx.userAgent },
      },
    });
  });
}

