import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createSession, resolveSession } from '../../core/accounts/accounts.service.js';
import { authenticateApiKey } from '../../core/api-keys/api-keys.service.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { createInnerContext } from '../context.js';
import { createCallerFactory } from '../trpc.js';
import { appRouter } from './_app.js';

const createCaller = createCallerFactory(appRouter);
let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => { await t.drop(); });

async function callerFor(userId: string, merchantId: string) {
  const { token } = await createSession(t.db, userId, merchantId);
  return createCaller(createInnerContext({ deps: t.deps, session: await resolveSession(t.db, token) }));
}

describe('developers router', () => {
  it('lists the keys of the current mode, secrets redacted', async () => {
    const m = await createTestMerchant(t.db);
    const caller = await callerFor(m.user.id, m.merchant.id);
    const { livemode, keys } = await caller.developers.keys();
    expect(livemode).toBe(false);
    expect(keys.map((k) => k.type).sort()).toEqual(['publishable', 'secret']);
    const secret = keys.find((k) => k.type === 'secret')!;
    expect(secret.token).toBeNull();
    expect(secret.redacted).toMatch(/^sk_test_•+\w{4}$/);
    expect(keys.find((k) => k.type === 'publishable')!.token).toBe(m.keys.test.publishable);
    expect(JSON.stringify(keys)).not.toContain(m.keys.test.secret);
  });

  it('refuses to roll a key twice, which would push back the old key\'s expiry', async () => {
    const m = await createTestMerchant(t.db);
    const caller = await callerFor(m.user.id, m.merchant.id);
    const secret = (await caller.developers.keys()).keys.find((k) => k.type === 'secret')!;
    await caller.developers.rollKey({ id: secret.id, expiresInHours: 1 });
    await expect(caller.developers.rollKey({ id: secret.id, expiresInHours: 168 })).rejects.toThrow(/already been rolled/);
  });

  it('refuses to revoke a publishable key (checkout needs one), which stays usable', async () => {
    const m = await createTestMerchant(t.db);
    const caller = await callerFor(m.user.id, m.merchant.id);
    const publishable = (await caller.developers.keys()).keys.find((k) => k.type === 'publishable')!;
    await expect(caller.developers.revokeKey({ id: publishable.id })).rejects.toThrow(/roll the key/);
    await expect(authenticateApiKey(t.db, m.keys.test.publishable)).resolves.toMatchObject({ type: 'publishable' });
  });

  it('creates a secret key that authenticates, then revokes it so it is refused, auditing both', async () => {
    const m = await createTestMerchant(t.db);
    const caller = await callerFor(m.user.id, m.merchant.id);
    const created = await caller.developers.createSecretKey({ name: 'CI server' });
    expect(created.secret).toMatch(/^sk_test_/);
    expect(created.key.name).toBe('CI server');
    await expect(authenticateApiKey(t.db, created.secret)).resolves.toMatchObject({ merchantId: m.merchant.id, livemode: false, type: 'secret' });

    await caller.developers.revokeKey({ id: created.key.id });
    await expect(authenticateApiKey(t.db, created.secret)).rejects.toMatchObject({ code: 'api_key_invalid' });
    expect((await caller.developers.keys()).keys.some((k) => k.id === created.key.id)).toBe(false);

    const { entries } = await caller.settings.auditLog({ limit: 10 });
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['api_key.created', 'api_key.revoked']));
    expect(JSON.stringify(entries)).not.toContain(created.secret);
  });

  it('rolls a key: the new one works, the old one is refused when rolled with no grace period', async () => {
    const m = await createTestMerchant(t.db);
    const caller = await callerFor(m.user.id, m.merchant.id);
    const old = (await caller.developers.keys()).keys.find((k) => k.type === 'secret')!;
    const rolled = await caller.developers.rollKey({ id: old.id, expiresInHours: 0 });
    await expect(authenticateApiKey(t.db, rolled.secret)).resolves.toMatchObject({ merchantId: m.merchant.id });
    await expect(authenticateApiKey(t.db, m.keys.test.secret)).rejects.toMatchObject({ code: 'api_key_invalid' });
  });

  it('keeps the old key working during a grace period', async () => {
    const m = await createTestMerchant(t.db);
    const caller = await callerFor(m.user.id, m.merchant.id);
    const old = (await caller.developers.keys()).keys.find((k) => k.type === 'secret')!;
    await caller.developers.rollKey({ id: old.id, expiresInHours: 24 });
    await expect(authenticateApiKey(t.db, m.keys.test.secret)).resolves.toMatchObject({ merchantId: m.merchant.id });
  });

  it('works on live keys when the session is in live mode', async () => {
    const m = await createTestMerchant(t.db);
    const { token } = await createSession(t.db, m.user.id, m.merchant.id);
    let caller = createCaller(createInnerContext({ deps: t.deps, session: await resolveSession(t.db, token) }));
    await caller.auth.setMode({ livemode: true });
    caller = createCaller(createInnerContext({ deps: t.deps, session: await resolveSession(t.db, token) }));
    const { livemode, keys } = await caller.developers.keys();
    expect(livemode).toBe(true);
    expect(keys.every((k) => k.livemode)).toBe(true);
    const created = await caller.developers.createSecretKey({});
    expect(created.secret).toMatch(/^sk_live_/);
  });

  it('refuses roles without developers:manage and other merchants\' keys', async () => {
    const m = await createTestMerchant(t.db);
    const other = await createTestMerchant(t.db);
    for (const role of ['support', 'finance', 'viewer'] as const) {
      const user = await addMember(t.db, m.merchant.id, { email: `${role}-${Date.now()}@example.test`, name: role, password: 'a-long-test-passphrase', role });
      const caller = await callerFor(user.id, m.merchant.id);
      await expect(caller.developers.keys()).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(caller.developers.createSecretKey({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    const dev = await addMember(t.db, m.merchant.id, { email: `dev-${Date.now()}@example.test`, name: 'Dev', password: 'a-long-test-passphrase', role: 'developer' });
    const devCaller = await callerFor(dev.id, m.merchant.id);
    expect((await devCaller.developers.keys()).keys.length).toBeGreaterThan(0);
    const otherKey = (await (await callerFor(other.user.id, other.merchant.id)).developers.keys()).keys[0];
    await expect(devCaller.developers.revokeKey({ id: otherKey.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(authenticateApiKey(t.db, other.keys.test.secret)).resolves.toBeTruthy();
  });

  it('rolls a key ten times at once into exactly one new key', async () => {
    const m = await createTestMerchant(t.db);
    const callers = await Promise.all(Array.from({ length: 10 }, () => callerFor(m.user.id, m.merchant.id)));
    const old = (await callers[0].developers.keys()).keys.find((k) => k.type === 'secret')!;
    const results = await Promise.allSettled(callers.map((c) => c.developers.rollKey({ id: old.id, expiresInHours: 24 })));
    const rolled = results.filter((r) => r.status === 'fulfilled');
    expect(rolled).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(String(r.reason)).toMatch(/already been rolled/);
    const secrets = await t.db.selectFrom('api_keys').select(['id', 'created_by']).where('merchant_id', '=', m.merchant.id)
      .where('livemode', '=', false).where('type', '=', 'secret').where('revoked_at', 'is', null).execute();
    expect(secrets).toHaveLength(2); // the old one in its grace period and its one replacement
    expect(secrets.every((k) => k.created_by === m.user.id)).toBe(true);
  });

  it('lets only owners and admins create, roll and revoke live-mode keys; developers keep test mode', async () => {
    const m = await createTestMerchant(t.db);
    const inLiveMode = async (userId: string) => {
      const { token } = await createSession(t.db, userId, m.merchant.id);
      await createCaller(createInnerContext({ deps: t.deps, session: await resolveSession(t.db, token) })).auth.setMode({ livemode: true });
      return createCaller(createInnerContext({ deps: t.deps, session: await resolveSession(t.db, token) }));
    };
    const dev = await addMember(t.db, m.merchant.id, { email: `dev-live-${Date.now()}@example.test`, name: 'Dev', password: 'a-long-test-passphrase', role: 'developer' });
    const devLive = await inLiveMode(dev.id);
    const liveSecret = (await devLive.developers.keys()).keys.find((k) => k.type === 'secret')!;
    expect(liveSecret.livemode).toBe(true);
    await expect(devLive.developers.createSecretKey({ name: 'mine' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(devLive.developers.rollKey({ id: liveSecret.id, expiresInHours: 0 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(devLive.developers.revokeKey({ id: liveSecret.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(authenticateApiKey(t.db, m.keys.live.secret)).resolves.toMatchObject({ livemode: true });
    const liveKeys = await t.db.selectFrom('api_keys').select('id').where('merchant_id', '=', m.merchant.id).where('livemode', '=', true).execute();
    expect(liveKeys).toHaveLength(2);
    // In test mode the developer still manages keys.
    const devTest = await callerFor(dev.id, m.merchant.id);
    await expect(devTest.developers.createSecretKey({ name: 'test key' })).resolves.toMatchObject({ secret: expect.stringMatching(/^sk_test_/) });

    const admin = await addMember(t.db, m.merchant.id, { email: `admin-live-${Date.now()}@example.test`, name: 'Admin', password: 'a-long-test-passphrase', role: 'admin' });
    const adminLive = await inLiveMode(admin.id);
    const created = await adminLive.developers.createSecretKey({ name: 'live server' });
    expect(created.secret).toMatch(/^sk_live_/);
    const row = await t.db.selectFrom('api_keys').select('created_by').where('id', '=', created.key.id).executeTakeFirstOrThrow();
    expect(row.created_by).toBe(admin.id);
    // The list names each key's creator.
    const listed = (await adminLive.developers.keys()).keys.find((k) => k.id === created.key.id);
    expect(listed?.created_by_email).toBe(admin.email);
    await adminLive.developers.revokeKey({ id: created.key.id });
  });
});
