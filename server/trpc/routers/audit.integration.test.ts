import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseCsv } from './csv-test-parse.js';
import { resolveSession } from '../../core/accounts/accounts.service.js';
import { currentTotpCode } from '../../core/two-factor/totp.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { createInnerContext } from '../context.js';
import { createCallerFactory } from '../trpc.js';
import { appRouter } from './_app.js';
import { createPayment } from './payments.fixtures.js';
import { findDisputeForPayment } from '../../core/disputes/disputes.service.js';
import { releaseAvailableFunds } from '../../core/balance/balance.service.js';

const createCaller = createCallerFactory(appRouter);
let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => { await t.drop(); });

const IP = '10.5.0.1';
const UA = 'Mozilla/5.0 (Audit Test)';

function browser(from: { ip: string; userAgent: string } = { ip: IP, userAgent: UA }) {
  const jar: { token?: string } = {};
  const call = async () => createCaller(createInnerContext({
    deps: t.deps, ip: from.ip, userAgent: from.userAgent, session: await resolveSession(t.db, jar.token), setSession: (token) => { jar.token = token; },
  }));
  return { jar, call };
}

describe('audit log', () => {
  it('records every sensitive dashboard action with actor, IP, user agent, target and what changed', async () => {
    const m = await createTestMerchant(t.db);
    const b = browser();
    await (await b.call()).auth.signIn({ email: m.user.email, password: 'not the password at all' }).catch(() => {});
    await (await b.call()).auth.signIn({ email: m.user.email, password: m.password });
    const api = await b.call();

    const customer = await api.customers.create({ email: 'jane@example.test', name: 'Jane' });
    await api.customers.update({ id: customer.id, name: 'Jane Doe' });
    await api.customers.delete({ id: customer.id });
    const capturable = await createPayment(t, m.merchant.id, { outcome: 'requires_capture', amount: 4000 });
    await api.payments.capture({ id: capturable });
    const cancelable = await createPayment(t, m.merchant.id, { outcome: 'requires_capture', amount: 2000 });
    await api.payments.cancel({ id: cancelable, reason: 'requested_by_customer' });
    const paid = await createPayment(t, m.merchant.id, { outcome: 'succeeded', amount: 5000 });
    const { refund } = await api.payments.refund({ id: paid, amount: 1500, reason: 'requested_by_customer' });
    const { key } = await api.developers.createSecretKey({ name: 'CI' });
    const rolled = await api.developers.rollKey({ id: key.id, expiresInHours: 0 });
    await api.developers.revokeKey({ id: rolled.key.id });
    const endpoint = await api.webhooks.create({ url: 'https://example.com/hooks', enabled_events: ['payment_intent.succeeded'] });
    await api.webhooks.update({ id: endpoint.id, description: 'Orders' });
    await api.webhooks.revealSecret({ id: endpoint.id });
    await api.webhooks.rollSecret({ id: endpoint.id, overlapHours: 0 });
    await api.webhooks.remove({ id: endpoint.id });
    await api.settings.updateBusiness({ name: 'Renamed Shop', timezone: 'Europe/Paris', supportEmail: '', statementDescriptor: '' });
    const { secret } = await api.twoFactor.startTotp();
    await api.twoFactor.confirmTotp({ code: currentTotpCode(secret) });
    await api.twoFactor.setRequired({ required: true });

    const { entries } = await api.settings.auditLog({ limit: 100 });
    const byAction = new Map(entries.map((e) => [e.action, e]));
    const expected: [string, string | null, Record<string, unknown>?][] = [
      ['user.sign_in_failed', m.user.id, { reason: 'password' }],
      ['user.signed_in', m.user.id, { method: 'password' }],
      ['customer.created', customer.id, { email: 'jane@example.test', name: 'Jane' }],
      ['customer.updated', customer.id, { changed: ['name'] }],
      ['customer.deleted', customer.id],
      ['payment_intent.captured', capturable, { amount: 4000, currency: 'usd' }],
      ['payment_intent.canceled', cancelable, { reason: 'requested_by_customer' }],
      ['refund.created', refund.id, { paymentIntent: paid, amount: 1500, currency: 'usd', reason: 'requested_by_customer' }],
      ['api_key.created', key.id],
      ['api_key.rolled', key.id],
      ['api_key.revoked', rolled.key.id],
      ['webhook_endpoint.created', endpoint.id],
      ['webhook_endpoint.updated', endpoint.id, { description: 'Orders' }],
      ['webhook_endpoint.secret_revealed', endpoint.id],
      ['webhook_endpoint.secret_rolled', endpoint.id],
      ['webhook_endpoint.deleted', endpoint.id],
      ['merchant.updated', m.merchant.id],
      ['two_factor.totp_enabled', m.user.id],
      ['two_factor.requirement_changed', m.merchant.id, { from: false, to: true }],
    ];
    for (const [action, target, data] of expected) {
      const entry = byAction.get(action);
      expect(entry, action).toBeDefined();
      expect({ action, target: entry!.targetId, by: entry!.userEmail, ip: entry!.ip, ua: entry!.userAgent }).toEqual({ action, target, by: m.user.email, ip: IP, ua: UA });
      if (data) expect({ action, data: entry!.data }).toEqual({ action, data });
    }
  });

  it('filters by actor, action, target and date, and exports the same entries as CSV', async () => {
    const m = await createTestMerchant(t.db);
    const b = browser();
    await (await b.call()).auth.signIn({ email: m.user.email, password: m.password });
    const api = await b.call();
    const first = await api.customers.create({ name: '=HYPERLINK("http://evil")' });
    const second = await api.customers.create({ email: 'b@example.test' });
    const all = (await api.settings.auditLog({ limit: 100 })).entries;
    expect(all.map((e) => e.action)).toEqual(['customer.created', 'customer.created', 'user.signed_in', 'merchant.created']);
    const ids = (filters: object) => api.settings.auditLog({ limit: 100, filters }).then((r) => r.entries.map((e) => e.targetId));
    expect(await ids({ action: 'customer.created' })).toEqual([second.id, first.id]);
    expect(await ids({ action: 'customer' })).toEqual([second.id, first.id]);
    expect(await ids({ target: first.id })).toEqual([first.id]);
    expect(await ids({ actor: m.user.email.slice(0, 12).toUpperCase(), action: 'user.signed_in' })).toEqual([m.user.id]);
    expect(await ids({ actor: 'nobody@example.test' })).toEqual([]);
    const created = all[0]!.created;
    expect(await ids({ from: created + 3600 })).toEqual([]);
    expect(await ids({ to: created - 3600 })).toEqual([]);
    expect((await ids({ from: created - 3600, to: created + 3600 })).length).toBe(4);
    await expect(api.settings.auditLog({ filters: { from: 100, to: 50 } })).rejects.toThrow(/must be after its start/);

    const { csv, filename } = await api.settings.auditLogCsv({ action: 'customer' });
    expect(filename).toMatch(/^audit-log-acct_\w+-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['id', 'created_utc', 'action', 'actor_email', 'actor_id', 'target_id', 'changes', 'mode', 'ip', 'user_agent', 'actor_type', 'api_key']);
    expect(rows.slice(1).map((r) => [r[2], r[3], r[5], r[7], r[8], r[9], r[10], r[11]])).toEqual([
      ['customer.created', m.user.email, second.id, 'test', IP, UA, 'member', ''],
      ['customer.created', m.user.email, first.id, 'test', IP, UA, 'member', ''],
    ]);
    expect(rows[1]![1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // The changes column is JSON; a value a spreadsheet would run stays text.
    expect(JSON.parse(rows[2]![6]!)).toEqual({ email: null, name: '=HYPERLINK("http://evil")' });
    // Downloading the log is itself recorded, with who, from where and which filters.
    const [exported] = (await api.settings.auditLog({ limit: 1 })).entries;
    expect(exported).toMatchObject({ action: 'audit_log.exported', userEmail: m.user.email, ip: IP, userAgent: UA, livemode: null, data: { filters: { action: 'customer' }, entries: 2 } });
  });

  it('records the user agent of team, session and password actions too (issue 14.6: every entry)', async () => {
    const m = await createTestMerchant(t.db);
    const owner = browser();
    await (await owner.call()).auth.signIn({ email: m.user.email, password: m.password });
    const api = await owner.call();
    const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;
    const revoked = await api.invitations.create({ email: `gone-${Date.now()}@example.test`, role: 'viewer' });
    await api.invitations.resend({ invitationId: revoked.invitation.id });
    await api.invitations.revoke({ invitationId: revoked.invitation.id });

    // Newcomers accept from their own browser: their entries carry their address and user agent.
    const NEWCOMER = { ip: '10.5.0.2', userAgent: 'Mozilla/5.0 (Newcomer)' };
    const join = async (role: 'support' | 'viewer') => {
      const email = `new-${role}-${Date.now()}@example.test`;
      const { url } = await api.invitations.create({ email, role });
      const { user } = await (await browser(NEWCOMER).call()).invitations.accept({ token: tokenOf(url), name: 'Joiner', password: 'temporary passphrase 42' });
      return user.id;
    };
    const stays = await join('support');
    const leaves = await join('viewer');
    await api.settings.changeRole({ userId: stays, role: 'admin' });
    await api.settings.removeMember({ userId: leaves });
    await (await browser({ ip: IP, userAgent: 'another device' }).call()).auth.signIn({ email: m.user.email, password: m.password });
    await api.sessions.revokeOthers();
    await api.auth.changePassword({ currentPassword: m.password, newPassword: 'a brand new owner passphrase' });
    await api.auth.requestPasswordReset({ email: m.user.email });
    await api.settings.transferOwnership({ userId: stays });

    const { entries } = await api.settings.auditLog({ limit: 100 });
    const seen = entries.filter((e) => e.action !== 'merchant.created').map((e) => [e.action, e.ip, e.userAgent]);
    const fromOwner = (action: string) => [action, IP, UA];
    const fromNewcomer = (action: string) => [action, NEWCOMER.ip, NEWCOMER.userAgent];
    for (const expected of [
      fromOwner('invitation.created'), fromOwner('invitation.resent'), fromOwner('invitation.revoked'),
      fromNewcomer('invitation.accepted'), fromNewcomer('member.added'),
      fromOwner('member.role_changed'), fromOwner('member.removed'), fromOwner('session.others_revoked'),
      fromOwner('user.password_changed'), fromOwner('user.password_reset_requested'), fromOwner('member.ownership_transferred'),
    ]) expect(seen).toContainEqual(expected);
    // Not one entry without a user agent (the sign-in from the other device has its own).
    expect(seen.filter(([, , userAgent]) => !userAgent)).toEqual([]);
    expect(seen).toContainEqual(['user.signed_in', IP, 'another device']);
  });

  it('records payouts, payout and fee settings, and dispute responses from the dashboard, as the API does', async () => {
    const m = await createTestMerchant(t.db);
    const b = browser();
    await (await b.call()).auth.signIn({ email: m.user.email, password: m.password });
    const api = await b.call();
    const scope = { merchantId: m.merchant.id, livemode: false };
    const staged = await createPayment(t, m.merchant.id, { outcome: 'succeeded', amount: 4900, card: 'pm_card_createDispute' });
    const accepted = await createPayment(t, m.merchant.id, { outcome: 'succeeded', amount: 4900, card: 'pm_card_createDispute' });
    await createPayment(t, m.merchant.id, { outcome: 'succeeded', amount: 20_000 });
    const stagedDispute = (await findDisputeForPayment(t.deps, scope, staged))!;
    const acceptedDispute = (await findDisputeForPayment(t.deps, scope, accepted))!;
    await api.disputes.saveEvidence({ id: stagedDispute.id, evidence: { customer_name: 'Jane Buyer' }, submit: false });
    await api.disputes.accept({ id: acceptedDispute.id });
    await api.balances.updateSettings({ fee_percent_bps: 250, fee_fixed: 25, payout_interval: 'weekly', payout_weekly_anchor: 'friday', payout_monthly_anchor: 1, payout_delay_days: 3 });
    await releaseAvailableFunds(t.deps, { now: new Date(Date.now() + 10 * 86_400_000) });
    const payout = await api.balances.createPayout({ currency: 'usd' });
    // A refused action writes nothing: accepting the same dispute again.
    await expect(api.disputes.accept({ id: acceptedDispute.id })).rejects.toThrow();

    const { entries } = await api.settings.auditLog({ limit: 100, filters: { actorKind: 'member' } });
    const rows = entries.filter((e) => ['dispute', 'payout', 'balance_settings'].includes(e.action.split('.')[0]!))
      .map((e) => ({ action: e.action, target: e.targetId, data: e.data, by: e.userEmail, ip: e.ip, ua: e.userAgent }));
    const from = { by: m.user.email, ip: IP, ua: UA };
    expect(rows).toEqual([
      { action: 'payout.created', target: payout.id, data: { amount: payout.amount, currency: 'usd' }, ...from },
      { action: 'balance_settings.updated', target: m.merchant.id, data: { fee_percent_bps: 250, fee_fixed: 25, payout_interval: 'weekly', payout_weekly_anchor: 'friday', payout_monthly_anchor: 1, payout_delay_days: 3 }, ...from },
      { action: 'dispute.closed', target: acceptedDispute.id, data: { amount: 4900, currency: 'usd', status: 'lost' }, ...from },
      { action: 'dispute.updated', target: stagedDispute.id, data: { changed: ['evidence', 'submit'], status: 'needs_response' }, ...from },
    ]);
  });
});
