import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../db/database.js';
import { backdatePayment } from '../../test/backdate.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { startTestSmtpServer } from '../../test/smtp.js';
import { addMember } from '../accounts/accounts.service.js';
import { deliverMail, findKeptMail } from '../mail/mail.service.js';
import { smtpMailer } from '../mail/mailer.js';
import { createPaymentIntent } from '../payment-intents/payment-intents.service.js';
import { getReportRunView, openSignedDownload } from '../reports/reports.service.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { localFileStorage } from '../storage/storage.js';
import {
  createReportSchedule,
  deleteReportSchedule,
  findReportRecipients,
  findReportSchedules,
  getReportSchedule,
  mailScheduledRun,
  pauseReportSchedule,
  runDueReportSchedules,
  runReportAndMail,
  updateReportSchedule,
} from './report-schedules.service.js';

/** Issue 12, item 3: scheduled exports, from the saved report to the mail in a real SMTP server. */

let t: TestDatabase;
let deps: CoreDeps;
let filesDir: string;
const NY = 'America/New_York';
const extraDbs: Db[] = [];

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function newMerchant() {
  const m = await createTestMerchant(t.db);
  const actor: Actor & { userId: string } = { merchantId: m.merchant.id, livemode: false, userId: m.user.id };
  return { actor, ownerEmail: m.user.email };
}

const unique = (role: string) => `${role}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;

beforeAll(async () => {
  t = await createTestDatabase();
  filesDir = mkdtempSync(path.join(os.tmpdir(), 'pf-schedules-'));
  deps = { ...t.deps, storage: localFileStorage(filesDir) };
});

afterAll(async () => {
  for (const db of extraDbs) await db.destroy();
  await t?.drop();
  rmSync(filesDir, { recursive: true, force: true });
});

describe('managing scheduled exports', () => {
  it('creates, edits, pauses, resumes and deletes a schedule, each change audited; only report readers receive it', async () => {
    const { actor } = await newMerchant();
    const finance = await addMember(t.db, actor.merchantId, { email: unique('fin'), name: 'Fin', password: 'a-long-test-passphrase', role: 'finance' });
    const developer = await addMember(t.db, actor.merchantId, { email: unique('dev'), name: 'Dev', password: 'a-long-test-passphrase', role: 'developer' });
    expect((await findReportRecipients(deps, actor)).map((r) => r.userId).sort()).toEqual([actor.userId, finance.id].sort());

    const now = new Date('2026-03-04T15:00:00Z');
    const base = { name: 'Weekly payments', reportType: 'payments.itemized.1' as const, frequency: 'weekly' as const, weekday: 1, recipients: [finance.id], timezone: NY };
    await expect(createReportSchedule(deps, actor, 'UTC', { ...base, recipients: [developer.id] }, now)).rejects.toMatchObject({ param: 'recipients' });
    await expect(createReportSchedule(deps, actor, 'UTC', { ...base, weekday: undefined }, now)).rejects.toMatchObject({ param: 'weekday' });
    await expect(createReportSchedule(deps, actor, 'UTC', { ...base, columns: ['nope'] }, now)).rejects.toMatchObject({ param: 'columns' });
    await expect(createReportSchedule(deps, actor, 'UTC', { ...base, format: 'xlsx', gzip: true }, now)).rejects.toMatchObject({ param: 'gzip' });

    const created = await createReportSchedule(deps, actor, 'UTC', base, now);
    // The next Monday's local midnight, in EDT after the change.
    expect(created).toMatchObject({ name: 'Weekly payments', frequency: 'weekly', weekday: 1, monthDay: null, timezone: NY, paused: false, nextRunAt: Date.parse('2026-03-09T04:00:00Z') / 1000, lastRuns: [] });
    expect(created.recipients).toEqual([{ userId: finance.id, email: finance.email, name: 'Fin' }]);
    expect(created.columns).toContain('amount');

    const edited = await updateReportSchedule(deps, actor, 'UTC', created.id, { ...base, name: 'Monthly payments', frequency: 'monthly', monthDay: 1, recipients: [finance.id, actor.userId] }, now);
    expect(edited).toMatchObject({ name: 'Monthly payments', frequency: 'monthly', weekday: null, monthDay: 1, nextRunAt: Date.parse('2026-04-01T04:00:00Z') / 1000 });
    expect(edited.recipients.map((r) => r.userId)).toEqual([finance.id, actor.userId]);

    const paused = await pauseReportSchedule(deps, actor, created.id, true, now);
    expect(paused).toMatchObject({ paused: true, nextRunAt: null });
    // A paused schedule does not run, however overdue.
    expect(await runDueReportSchedules(deps, new Date('2026-06-01T00:00:00Z'))).toBe(0);
    const resumed = await pauseReportSchedule(deps, actor, created.id, false, new Date('2026-05-10T00:00:00Z'));
    expect(resumed).toMatchObject({ paused: false, nextRunAt: Date.parse('2026-06-01T04:00:00Z') / 1000 });

    // Another merchant sees none of it.
    const other = await newMerchant();
    expect(await findReportSchedules(deps, other.actor)).toEqual([]);
    await expect(getReportSchedule(deps, other.actor, created.id)).rejects.toMatchObject({ code: 'resource_missing' });
    await expect(pauseReportSchedule(deps, other.actor, created.id, true)).rejects.toMatchObject({ code: 'resource_missing' });
    await expect(deleteReportSchedule(deps, other.actor, created.id)).rejects.toMatchObject({ code: 'resource_missing' });

    await deleteReportSchedule(deps, actor, created.id);
    expect(await findReportSchedules(deps, actor)).toEqual([]);
    const audit = await t.db.selectFrom('audit_log').select(['action', 'user_id']).where('merchant_id', '=', actor.merchantId).where('target_id', '=', created.id).orderBy('created_at').execute();
    expect(audit.map((a) => a.action)).toEqual(['report_schedule.created', 'report_schedule.updated', 'report_schedule.paused', 'report_schedule.resumed', 'report_schedule.deleted']);
    expect(new Set(audit.map((a) => a.user_id))).toEqual(new Set([actor.userId]));
  });
});

describe('running scheduled exports', () => {
  it('two workers racing start exactly one run per schedule and period; a stale worker starts none', async () => {
    const { actor } = await newMerchant();
    const schedules = [];
    for (let i = 0; i < 4; i++) {
      schedules.push(await createReportSchedule(deps, actor, NY, { name: `Daily ${i}`, reportType: 'customers.itemized.1', frequency: 'daily', recipients: [actor.userId] }, new Date('2026-03-08T12:00:00Z')));
    }
    expect(schedules.every((s) => s.nextRunAt === Date.parse('2026-03-09T04:00:00Z') / 1000)).toBe(true);
    // Two worker processes: each its own connection pool.
    const [a, b] = [createDb(t.url, { max: 4 }), createDb(t.url, { max: 4 })];
    extraDbs.push(a, b);
    const now = new Date('2026-03-09T12:00:00Z');
    const started = await Promise.all([runDueReportSchedules({ ...deps, db: a }, now), runDueReportSchedules({ ...deps, db: b }, now), runDueReportSchedules({ ...deps, db: a }, now)]);
    expect(started.reduce((x, y) => x + y, 0)).toBe(4);
    const runs = await t.db.selectFrom('report_schedule_runs').selectAll().where('merchant_id', '=', actor.merchantId).execute();
    expect(runs).toHaveLength(4);
    expect(new Set(runs.map((r) => r.schedule_id))).toEqual(new Set(schedules.map((s) => s.id)));
    for (const r of runs) expect([r.period_start.toISOString(), r.period_end.toISOString()]).toEqual(['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    const reportRuns = await t.db.selectFrom('report_runs').select(['id', 'parameters']).where('merchant_id', '=', actor.merchantId).execute();
    expect(reportRuns.map((r) => r.id).sort()).toEqual(runs.map((r) => r.report_run_id).sort());
    expect(reportRuns[0]!.parameters).toMatchObject({ interval_start: Date.parse('2026-03-08T05:00:00Z') / 1000, interval_end: Date.parse('2026-03-09T04:00:00Z') / 1000, timezone: NY });
    // Nothing more is due until the next midnight.
    expect(await runDueReportSchedules(deps, now)).toBe(0);
    expect((await getReportSchedule(deps, actor, schedules[0]!.id)).nextRunAt).toBe(Date.parse('2026-03-10T04:00:00Z') / 1000);

    // A worker that read next_run_at before the others moved it: the unique key refuses the period's second run.
    await t.db.updateTable('report_schedules').set({ next_run_at: new Date('2026-03-09T04:00:00Z') }).where('merchant_id', '=', actor.merchantId).where('id', '=', schedules[0]!.id).execute();
    expect(await runDueReportSchedules(deps, now)).toBe(0);
    expect(await t.db.selectFrom('report_runs').select('id').where('merchant_id', '=', actor.merchantId).execute()).toHaveLength(4);
    expect((await getReportSchedule(deps, actor, schedules[0]!.id)).nextRunAt).toBe(Date.parse('2026-03-10T04:00:00Z') / 1000);

    // A worker down for two days catches up each missed day once.
    expect(await runDueReportSchedules(deps, new Date('2026-03-11T04:30:00Z'))).toBe(8);
    const periods = await t.db.selectFrom('report_schedule_runs').select(['period_start']).where('merchant_id', '=', actor.merchantId).where('schedule_id', '=', schedules[1]!.id).orderBy('period_start').execute();
    expect(periods.map((p) => p.period_start.toISOString())).toEqual(['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', '2026-03-10T04:00:00.000Z']);
  });

  it('covers exactly yesterday in the zone across the DST change and mails each recipient a signed link, once, through SMTP', async () => {
    const { actor } = await newMerchant();
    const finance = await addMember(t.db, actor.merchantId, { email: unique('fin'), name: 'Fiona Finance', password: 'a-long-test-passphrase', role: 'finance' });
    const admin = await addMember(t.db, actor.merchantId, { email: unique('adm'), name: 'Ada Admin', password: 'a-long-test-passphrase', role: 'admin' });
    const pay = async (createdAt: string) => {
      const pi = await createPaymentIntent(deps, actor, { amount: 1500, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
      await backdatePayment(t.db, actor.merchantId, pi.id, createdAt);
      return pi.id;
    };
    await pay('2026-03-08T04:59:59.999999Z');
    const inside = [await pay('2026-03-08T05:00:00Z'), await pay('2026-03-08T07:30:00Z'), await pay('2026-03-09T03:59:59.999999Z')];
    await pay('2026-03-09T04:00:00Z');

    const schedule = await createReportSchedule(deps, actor, 'UTC', {
      name: 'Yesterday in New York', reportType: 'payments.itemized.1', frequency: 'daily', timezone: NY, columns: ['id', 'created', 'amount'], recipients: [finance.id, admin.id],
    }, new Date('2026-03-08T10:00:00Z'));
    // The admin loses the right to read reports before the run: no mail for them.
    await t.db.updateTable('memberships').set({ role: 'viewer' }).where('merchant_id', '=', actor.merchantId).where('user_id', '=', admin.id).execute();

    expect(await runDueReportSchedules(deps, new Date('2026-03-09T04:00:30Z'))).toBe(1);
    const [scheduled] = (await getReportSchedule(deps, actor, schedule.id)).lastRuns;
    expect(scheduled).toMatchObject({ periodStart: Date.parse('2026-03-08T05:00:00Z') / 1000, periodEnd: Date.parse('2026-03-09T04:00:00Z') / 1000, status: 'pending', mailedAt: null });
    // Not succeeded yet: nothing to mail.
    expect(await mailScheduledRun(deps, actor, scheduled!.runId)).toBe(0);

    expect(await runReportAndMail(deps, actor, scheduled!.runId)).toBe('succeeded');
    const run = await getReportRunView(deps, actor, scheduled!.runId);
    expect(run).toMatchObject({ status: 'succeeded', rowsWritten: 3 });
    // The job running again (a retry) mails nothing more.
    expect(await runReportAndMail(deps, actor, scheduled!.runId)).toBe('skipped');
    expect(await findKeptMail(t.db, { to: admin.email })).toEqual([]);
    const kept = await findKeptMail(t.db, { to: finance.email });
    expect(kept).toHaveLength(1);
    expect((await getReportSchedule(deps, actor, schedule.id)).lastRuns[0]).toMatchObject({ status: 'succeeded', rowsWritten: 3, mailedAt: expect.any(Number) });

    const smtp = await startTestSmtpServer();
    let text: string;
    try {
      expect(await deliverMail({ db: t.db, mailer: smtpMailer(smtp.url, 'PaymentFlow <no-reply@x.test>') }, kept[0]!.id)).toBe('sent');
      const mail = await smtp.waitForMail(finance.email, /Yesterday in New York: Payments for 2026-03-08/);
      text = mail.decoded;
    } finally {
      await smtp.close();
    }
    expect(text).toContain('3 rows');
    const url = new URL(/(http:\/\/\S+\/files\/\S+\/download\?\S+)/.exec(text)![1]!);
    expect(url.searchParams.get('u')).toBe(finance.id);
    const fileId = url.pathname.split('/')[2]!;
    expect(fileId).toBe(run.file!.id);
    const opened = await openSignedDownload(deps, fileId, Object.fromEntries(url.searchParams));
    const rows = Papa.parse<Record<string, string>>((await readAll(opened.body)).toString('utf8'), { header: true, skipEmptyLines: true }).data;
    expect(rows.map((r) => r.id)).toEqual(inside);
    expect(rows.map((r) => r.created)).toEqual(['2026-03-08T00:00:00-05:00', '2026-03-08T03:30:00-04:00', '2026-03-08T23:59:59-04:00']);
    // The link is the recipient's own: signed for them, it opens nothing for another member or once tampered with.
    await expect(openSignedDownload(deps, fileId, { ...Object.fromEntries(url.searchParams), u: admin.id })).rejects.toMatchObject({ code: 'resource_missing' });
  });
});

describe('a scheduled run that fails', () => {
  it('mails each recipient why, once, and offers the Reports page', async () => {
    const { actor } = await newMerchant();
    const finance = await addMember(t.db, actor.merchantId, { email: unique('fin'), name: 'Fiona Finance', password: 'a-long-test-passphrase', role: 'finance' });
    const schedule = await createReportSchedule(deps, actor, 'UTC', {
      name: 'Daily payments', reportType: 'payments.itemized.1', frequency: 'daily', timezone: 'UTC', columns: ['id', 'amount'], recipients: [finance.id],
    }, new Date('2020-04-01T10:00:00Z'));
    // Earlier than every other test's schedule, so only this one is due.
    expect(await runDueReportSchedules(deps, new Date('2020-04-02T00:00:30Z'))).toBe(1);
    const [scheduled] = (await getReportSchedule(deps, actor, schedule.id)).lastRuns;
    // The file store refuses the file on the job's last attempt: the run fails.
    const broken: CoreDeps = { ...deps, storage: { ...deps.storage!, put: async () => { throw new Error('No space left on device'); } } };
    expect(await runReportAndMail(broken, actor, scheduled!.runId, { final: true })).toBe('failed');
    expect(await runReportAndMail(broken, actor, scheduled!.runId, { final: true })).toBe('skipped');
    const kept = await findKeptMail(t.db, { to: finance.email });
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ kind: 'scheduled_report_failed', subject: 'Failed: Daily payments: Payments for 2020-04-01' });
    expect((await getReportSchedule(deps, actor, schedule.id)).lastRuns[0]).toMatchObject({ status: 'failed', mailedAt: expect.any(Number) });
    const smtp = await startTestSmtpServer();
    try {
      expect(await deliverMail({ db: t.db, mailer: smtpMailer(smtp.url, 'PaymentFlow <no-reply@x.test>') }, kept[0]!.id)).toBe('sent');
      const mail = await smtp.waitForMail(finance.email, /Failed: Daily payments/);
      expect(mail.decoded).toMatch(/could not be made: Payments, 2020-04-01/);
      expect(mail.decoded).toMatch(/What went wrong: .+/);
      expect(mail.decoded).toContain('/reports');
    } finally {
      await smtp.close();
    }
  });
});

describe('the export job for runs that are no schedule\'s', () => {
  it('mails nothing and does not fail for an ordinary run or a run that no longer exists', async () => {
    const { actor } = await newMerchant();
    expect(await mailScheduledRun(deps, actor, 'frr_missing')).toBe(0);
    expect(await runReportAndMail(deps, actor, 'frr_missing')).toBe('skipped');
  });
});
