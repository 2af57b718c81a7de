import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptInvitation, addMember, createSession, resolveSession, signIn } from '../../core/accounts/accounts.service.js';
import type { Role } from '../../../shared/permissions.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { createInnerContext } from '../context.js';
import { createCallerFactory } from '../trpc.js';
import { appRouter } from './_app.js';

const createCaller = createCallerFactory(appRouter);
let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => { await t.drop(); });

let n = 0;
async function callerFor(userId: string, merchantId: string) {
  const { token } = await createSession(t.db, userId, merchantId);
  return createCaller(createInnerContext({ deps: t.deps, session: await resolveSession(t.db, token) }));
}
async function member(merchantId: string, role: Role) {
  return addMember(t.db, merchantId, { email: `${role}-${Date.now()}-${n++}@example.test`, name: `A ${role}`, password: 'a-long-test-passphrase', role });
}

describe('settings router', () => {
  it('reads and updates business settings, auditing the change', async () => {
    const m = await createTestMerchant(t.db);
    const caller = await callerFor(m.user.id, m.merchant.id);
    expect((await caller.settings.business()).name).toBe('Test Shop');
    const updated = await caller.settings.updateBusiness({ name: 'Renamed Shop', timezone: 'Asia/Kathmandu', supportEmail: 'Help@Shop.test', statementDescriptor: 'RENAMED SHOP' });
    expect(updated).toMatchObject({ name: 'Renamed Shop', timezone: 'Asia/Kathmandu', supportEmail: 'help@shop.test', statementDescriptor: 'RENAMED SHOP' });
    const cleared = await caller.settings.updateBusiness({ name: 'Renamed Shop', timezone: 'UTC', supportEmail: '', statementDescriptor: '  ' });
    expect(cleared).toMatchObject({ supportEmail: null, statementDescriptor: null });
    const { entries } = await caller.settings.auditLog({ limit: 5 });
    expect(entries[0].action).toBe('merchant.updated');
    expect(entries[0].userEmail).toBe(m.user.email);
  });

  it('reports invalid fields by name', async () => {
    const m = await createTestMerchant(t.db);
    const caller = await callerFor(m.user.id, m.merchant.id);
    const error = await caller.settings.updateBusiness({ name: '', timezone: 'Mars/Olympus', supportEmail: 'nope', statementDescriptor: '1234' }).catch((e) => e);
    expect(error.code).toBe('BAD_REQUEST');
    expect([...new Set(error.cause.issues.map((i: { path: string[] }) => i.path.join('.')))].sort()).toEqual(['name', 'statementDescriptor', 'supportEmail', 'timezone']);
  });

  it('refuses members without settings:manage or audit:read', async () => {
    const m = await createTestMerchant(t.db);
    for (const role of ['developer', 'support', 'finance', 'viewer'] as const) {
      const caller = await callerFor((await member(m.merchant.id, role)).id, m.merchant.id);
      await expect(caller.settings.business()).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(caller.settings.updateBusiness({ name: 'Taken over', timezone: 'UTC', supportEmail: null, statementDescriptor: null })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(caller.settings.members()).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(caller.settings.auditLog({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    const signedOut = createCaller(createInnerContext({ deps: t.deps }));
    await expect(signedOut.settings.business()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  // Members join by invitation (the temporary-password form is gone): see team.integration.test.ts for the mail.
  it('adds a member by invitation who can then sign in, and refuses adding them twice', async () => {
    const m = await createTestMerchant(t.db);
    const caller = await callerFor(m.user.id, m.merchant.id);
    const email = `new-${Date.now()}@example.test`;
    const { url } = await caller.invitations.create({ email, role: 'support' });
    await acceptInvitation(t.db, new URL(url).searchParams.get('token')!, { session: null, name: 'New Person', password: 'temporary passphrase 42' });
    const { members } = await caller.settings.members();
    expect(members.find((x) => x.email === email)?.role).toBe('support');
    await expect(signIn(t.db, { email, password: 'temporary passphrase 42', ip: '10.9.9.9' })).resolves.toMatchObject({ user: { email } });
    await expect(caller.invitations.create({ email, role: 'viewer' }))
      .rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('already a member') });
  });

  it('never attaches a user of another merchant without their consent, revealing nothing about them', async () => {
    const m = await createTestMerchant(t.db);
    const other = await createTestMerchant(t.db, { name: 'Secret Name' });
    const caller = await callerFor(m.user.id, m.merchant.id);
    const created = await caller.invitations.create({ email: other.user.email.toUpperCase(), role: 'viewer' });
    expect(JSON.stringify(created)).not.toContain('Secret Name');
    expect(JSON.stringify(created)).not.toContain(other.merchant.id);
    // Not attached until they accept while signed in as themselves; their password is untouched.
    const token = new URL(created.url).searchParams.get('token')!;
    await expect(acceptInvitation(t.db, token, { session: null, name: 'Whoever', password: 'temporary passphrase 42' })).rejects.toMatchObject({ code: 'permission_denied' });
    const memberships = await t.db.selectFrom('memberships').select('merchant_id').where('user_id', '=', other.user.id).execute();
    expect(memberships.map((r) => r.merchant_id)).toEqual([other.merchant.id]);
    await expect(signIn(t.db, { email: other.user.email, password: 'temporary passphrase 42', ip: '10.9.9.8' })).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(signIn(t.db, { email: other.user.email, password: other.password, ip: '10.9.9.8' })).resolves.toMatchObject({ user: { id: other.user.id } });
  });

  it('lets only owners touch the owner role and never removes the last owner', async () => {
    const m = await createTestMerchant(t.db);
    const owner = await callerFor(m.user.id, m.merchant.id);
    const adminUser = await member(m.merchant.id, 'admin');
    const admin = await callerFor(adminUser.id, m.merchant.id);

    await expect(admin.settings.changeRole({ userId: m.user.id, role: 'viewer' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(admin.settings.removeMember({ userId: m.user.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(admin.settings.changeRole({ userId: adminUser.id, role: 'owner' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(admin.invitations.create({ email: `o-${Date.now()}@example.test`, role: 'owner' })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    await expect(owner.settings.changeRole({ userId: m.user.id, role: 'admin' })).rejects.toThrow(/at least one owner/);
    await expect(owner.settings.removeMember({ userId: m.user.id })).rejects.toThrow(/last owner/);

    // With a second owner, the first may step down.
    await owner.settings.changeRole({ userId: adminUser.id, role: 'owner' });
    await owner.settings.changeRole({ userId: m.user.id, role: 'admin' });
    const { members } = await (await callerFor(adminUser.id, m.merchant.id)).settings.members();
    expect(Object.fromEntries(members.map((x) => [x.userId, x.role]))).toEqual({ [m.user.id]: 'admin', [adminUser.id]: 'owner' });
  });

  it('removes a member, whose access ends at once', async () => {
    const m = await createTestMerchant(t.db);
    const owner = await callerFor(m.user.id, m.merchant.id);
    const developer = await member(m.merchant.id, 'developer');
    const { token } = await createSession(t.db, developer.id, m.merchant.id);
    await owner.settings.removeMember({ userId: developer.id });
    const session = await resolveSession(t.db, token);
    expect(session?.merchant).toBeNull();
    const caller = createCaller(createInnerContext({ deps: t.deps, session }));
    await expect(caller.developers.keys()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const actions = (await owner.settings.auditLog({})).entries.map((e) => e.action);
    expect(actions).toContain('member.removed');
  });

  it('pages through the audit log with a keyset cursor', async () => {
    const m = await createTestMerchant(t.db);
    const caller = await callerFor(m.user.id, m.merchant.id);
    for (let i = 0; i < 5; i++) await caller.settings.updateBusiness({ name: `Shop ${i}`, timezone: 'UTC', supportEmail: null, statementDescriptor: null });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { entries: { id: string }[]; nextCursor: string | null } = await caller.settings.auditLog({ limit: 2, cursor });
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(6); // merchant.created + 5 updates
    expect(new Set(seen).size).toBe(6);
  });
});
