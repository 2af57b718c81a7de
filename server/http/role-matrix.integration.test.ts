import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, ROLES, type Role } from '../../shared/permissions.js';
import { requiredPermission } from '../../shared/contracts/api-keys.js';
import { addMember, createSession, resolveSession, setMode } from '../core/accounts/accounts.service.js';
import { createApiKey, revokeApiKey } from '../core/api-keys/api-keys.service.js';
import { createApiRouter } from '../api/router.js';
import { createInnerContext } from '../trpc/context.js';
import { createCallerFactory, type ProcedureAccess } from '../trpc/trpc.js';
import { appRouter } from '../trpc/routers/_app.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';

/**
 * The role matrix, generated: every tRPC procedure of the appRouter is called as a signed-out visitor and as
 * each role, in test and in live mode, and the answer is checked against what the procedure declares
 * (trpc.ts ProcedureAccess) and the one permission table (shared/permissions.ts). A procedure that declares
 * nothing fails. Every REST route is called with each kind of key. Calls carry no input: a refused caller is
 * stopped before the input is read, an allowed one gets at most an input error.
 */

const createCaller = createCallerFactory(appRouter);
let t: TestDatabase;
let server: TestServer;
let merchantId: string;
const members = new Map<Role, string>();

beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  process.env.RATE_LIMIT_LIVE = '10000';
  process.env.RATE_LIMIT_PUBLISHABLE_IP = '10000';
  process.env.RATE_LIMIT_PUBLISHABLE_INTENT = '10000';
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  merchantId = m.merchant.id;
  members.set('owner', m.user.id);
  for (const role of ROLES.filter((r) => r !== 'owner')) {
    const user = await addMember(t.db, merchantId, { email: `${role}-${m.user.id}@example.test`.toLowerCase(), name: `A ${role}`, password: 'a-long-test-passphrase', role });
    members.set(role, user.id);
  }
  server = await startTestServer(t.deps);
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

type Outcome = 'allowed' | 'signed-out' | 'forbidden';

/** How the call was answered: refused for want of a session, refused by the role check, or let through. */
function outcome(error: unknown): Outcome {
  if (!(error instanceof TRPCError)) return 'allowed';
  if (error.code === 'UNAUTHORIZED') return 'signed-out';
  if (error.code === 'FORBIDDEN' && /does not allow|not a member of any account/.test(error.message)) return 'forbidden';
  return 'allowed';
}

async function callAs(path: string, role: Role | null, livemode: boolean): Promise<Outcome> {
  let session = null;
  if (role) {
    // A fresh session per call: some procedures (auth.signOut) end the one they run in.
    const { token } = await createSession(t.db, members.get(role)!, merchantId);
    session = await resolveSession(t.db, token);
    if (livemode) {
      await setMode(t.db, session!, true);
      session = await resolveSession(t.db, token);
    }
  }
  const caller = createCaller(createInnerContext({ deps: t.deps, session, ip: '10.9.0.1' })) as unknown as Record<string, unknown>;
  const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (input?: unknown) => Promise<unknown>;
  try {
    await fn(undefined);
    return 'allowed';
  } catch (error) {
    return outcome(error);
  }
}

function expected(access: ProcedureAccess, role: Role | null, livemode: boolean): Outcome {
  if (access.access === 'public') return 'allowed';
  if (!role) return 'signed-out';
  if (access.access === 'signed-in') return 'allowed';
  const allowed = can(role, access.permission) && (!livemode || !access.live || can(role, access.live));
  return allowed ? 'allowed' : 'forbidden';
}

/** Sign-in, and an invitation link (its token is the credential). */
const PUBLIC_AREAS = /^(auth\.|invitations\.(preview|accept)$)/;
/** The signed-in user's own account: sign-in state, mode and merchant switches, their second factors and sessions. */
const SIGNED_IN_AREAS = /^(auth|twoFactor|sessions|account)\./;

const procedures = Object.entries((appRouter as unknown as { _def: { procedures: Record<string, { _def: { meta?: ProcedureAccess; type: string } }> } })._def.procedures);

describe('tRPC role matrix', () => {
  it('finds the procedures', () => {
    expect(procedures.length).toBeGreaterThan(40);
  });

  it('has a declared access for every procedure', () => {
    const undeclared = procedures.filter(([, p]) => !p._def.meta || !['public', 'signed-in', 'member'].includes(p._def.meta.access)).map(([path]) => path);
    expect(undeclared).toEqual([]);
  });

  // Merchant data is only ever behind a permission: a procedure outside the sign-in and the user's own
  // account areas that is public or open to any signed-in user is a mistake, whatever it does.
  it('keeps public and signed-in-only procedures to the sign-in and own-account areas', () => {
    const misplaced = procedures.filter(([path, p]) =>
      (p._def.meta?.access === 'public' && !PUBLIC_AREAS.test(path)) || (p._def.meta?.access === 'signed-in' && !SIGNED_IN_AREAS.test(path)),
    ).map(([path, p]) => `${path} (${p._def.meta?.access})`);
    expect(misplaced).toEqual([]);
  });

  for (const [path, procedure] of procedures) {
    it(`${path} answers every role as declared`, async () => {
      const access = procedure._def.meta;
      expect(access, `${path} declares no access (use publicProcedure, authedProcedure or memberProcedure(permission))`).toBeDefined();
      const actual: string[] = [];
      const wanted: string[] = [];
      for (const livemode of [false, true]) {
        for (const role of [null, ...ROLES]) {
          if (livemode && !role) continue;
          const label = `${role ?? 'signed out'}${livemode ? ' (live)' : ''}`;
          actual.push(`${label}: ${await callAs(path, role, livemode)}`);
          wanted.push(`${label}: ${expected(access!, role, livemode)}`);
        }
      }
      expect(actual).toEqual(wanted);
    });
  }
});

/**
 * Routes a publishable key may call (the intent's handlers then want the client_secret; a file upload, as with
 * Stripe, can be made from a browser but never listed, read or downloaded with that key); every other route
 * needs a secret key.
 */
const PUBLISHABLE_ROUTES = new Set(['GET /payment_intents/:id', 'POST /payment_intents/:id/confirm', 'POST /files']);

interface Layer { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } }

function restRoutes(stack: Layer[], out: { method: string; path: string }[] = []) {
  for (const layer of stack) {
    if (layer.route) for (const method of Object.keys(layer.route.methods)) out.push({ method: method.toUpperCase(), path: layer.route.path });
    else if (layer.handle?.stack) restRoutes(layer.handle.stack, out);
  }
  return out;
}

describe('REST key matrix', () => {
  const routes = restRoutes((createApiRouter(null as never, { logRequests: false }) as unknown as { stack: Layer[] }).stack);

  it('finds the routes', () => {
    expect(routes.length).toBeGreaterThan(20);
  });

  it('names a restricted-key resource for every route, so a new route is never refused to every restricted key by omission', () => {
    const unowned = routes.filter((r) => requiredPermission(r.method, r.path).resource === null).map((r) => `${r.method} ${r.path}`);
    expect(unowned).toEqual([]);
  });

  it('answers every route as its key allows', async () => {
    const testSecret = await createApiKey(t.db, { merchantId, livemode: false }, 'secret', { createdBy: null });
    const liveSecret = await createApiKey(t.db, { merchantId, livemode: true }, 'secret', { createdBy: null });
    const publishable = await createApiKey(t.db, { merchantId, livemode: false }, 'publishable', { createdBy: null });
    const revoked = await createApiKey(t.db, { merchantId, livemode: false }, 'secret', { createdBy: null });
    await revokeApiKey(t.db, { merchantId, livemode: false }, revoked.dto.id);
    const keys = { none: null, revoked: revoked.plaintext, publishable: publishable.plaintext, 'test secret': testSecret.plaintext, 'live secret': liveSecret.plaintext };
    const actual: string[] = [];
    const wanted: string[] = [];
    for (const route of routes) {
      const name = `${route.method} ${route.path}`;
      for (const [kind, key] of Object.entries(keys)) {
        const response = await fetch(`${server.baseUrl}/v1${route.path.replace(':id', 'xx_doesnotexist')}`, {
          method: route.method,
          headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(route.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
          body: route.method === 'POST' ? '' : undefined,
        });
        await response.body?.cancel();
        // A 429 would hide the answer, so it is its own (the limits are raised above).
        const answer = response.status === 401 ? 'unauthenticated' : response.status === 403 ? 'forbidden' : response.status === 429 ? 'rate-limited' : 'allowed';
        const expectedAnswer = !key || kind === 'revoked' ? 'unauthenticated' : kind === 'publishable' && !PUBLISHABLE_ROUTES.has(name) ? 'forbidden' : 'allowed';
        actual.push(`${name} with ${kind}: ${answer}`);
        wanted.push(`${name} with ${kind}: ${expectedAnswer}`);
      }
    }
    expect(actual).toEqual(wanted);
  });
});
