import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchantWithOwner } from '../core/accounts/accounts.service.js';
import { markEmailVerified } from '../core/accounts/accounts.repository.js';
import { authenticateApiKey, createApiKey, findApiKeys, rollApiKey } from '../core/api-keys/api-keys.service.js';
import { createTestDatabase, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';
import { apiClient } from './test-client.js';

/**
 * Issue 14.2: live mode and live keys need a verified owner. The dashboard hides live mode until then; the
 * API refuses a live key of such a merchant as a permission error, and live keys cannot be created or rolled.
 */

let t: TestDatabase;
let server: TestServer;
let counter = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  server = await startTestServer(t.deps);
});

afterAll(async () => {
  await server?.close();
  await t?.drop();
});

/** A merchant as sign-up makes it: the owner's address is not verified yet. */
function signUp() {
  return createMerchantWithOwner(t.db, {
    email: `unverified-${Date.now()}-${counter++}@example.test`, name: 'New Owner', businessName: 'New Shop',
    password: 'a-long-test-passphrase', verifyEmailAt: t.deps.appUrl,
  });
}

describe('live keys of a merchant whose owner is not verified', () => {
  it('are refused by the API with a permission_error that says why; test keys work; verifying lifts it', async () => {
    const m = await signUp();
    const live = apiClient(server.baseUrl, m.keys.live.secret);
    const refused = await live('GET', '/customers');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ type: 'permission_error', code: 'permission_denied' });
    expect(refused.body.error.message).toMatch(/verified their email address/);
    expect(refused.body.error.message).toMatch(/test mode keys/);
    expect(JSON.stringify(refused.body)).not.toContain(m.keys.live.secret);
    // Writes too, and the live publishable key.
    expect((await live('POST', '/customers', { params: { email: 'x@example.test' } })).status).toBe(403);
    expect((await live('GET', '/payment_intents/pi_missing', { key: m.keys.live.publishable, params: { client_secret: 'pi_missing_secret_x' } })).status).toBe(403);
    await expect(authenticateApiKey(t.db, m.keys.live.secret)).rejects.toMatchObject({ code: 'permission_denied', status: 403 });

    // Test mode is open from the start.
    expect((await apiClient(server.baseUrl, m.keys.test.secret)('GET', '/customers')).status).toBe(200);
    // A wrong key is still an authentication error, not a permission one.
    expect((await live('GET', '/customers', { key: `${m.keys.live.secret.slice(0, -4)}zzzz` })).status).toBe(401);

    await markEmailVerified(t.db, m.user.id);
    expect((await live('GET', '/customers')).status).toBe(200);
    await expect(authenticateApiKey(t.db, m.keys.live.secret)).resolves.toMatchObject({ livemode: true });
  });

  it('cannot be created or rolled until the owner is verified; test keys can', async () => {
    const m = await signUp();
    const live = { merchantId: m.merchant.id, livemode: true };
    await expect(createApiKey(t.db, live, 'secret', { name: 'Prod', createdBy: m.user.id })).rejects.toMatchObject({ code: 'permission_denied', status: 403, message: expect.stringMatching(/verified their email address/) });
    await expect(createApiKey(t.db, live, 'restricted', { name: 'Prod', createdBy: m.user.id, permissions: { customers: 'read' } })).rejects.toMatchObject({ code: 'permission_denied' });
    const [liveSecret] = (await findApiKeys(t.db, live)).filter((k) => k.type === 'secret');
    await expect(t.db.transaction().execute((tx) => rollApiKey(tx, live, liveSecret!.id, 0, m.user.id))).rejects.toMatchObject({ code: 'permission_denied' });
    // Nothing changed: the key was not rolled.
    expect((await findApiKeys(t.db, live)).map((k) => k.id)).toContain(liveSecret!.id);
    await expect(createApiKey(t.db, { merchantId: m.merchant.id, livemode: false }, 'secret', { name: 'CI', createdBy: m.user.id })).resolves.toMatchObject({ dto: { livemode: false } });

    await markEmailVerified(t.db, m.user.id);
    await expect(createApiKey(t.db, live, 'secret', { name: 'Prod', createdBy: m.user.id })).resolves.toMatchObject({ dto: { livemode: true } });
    const rolled = await t.db.transaction().execute((tx) => rollApiKey(tx, live, liveSecret!.id, 0, m.user.id));
    expect(rolled.plaintext).toMatch(/^sk_live_/);
  });
});
