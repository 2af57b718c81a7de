import net from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.js';
import { startTestSmtpServer } from '../../test/smtp.js';
import { deliverMail, findKeptMail, queueMail } from './mail.service.js';
import { smtpMailer } from './mailer.js';
import { resetPasswordMail } from './templates.js';

let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => { await t?.drop(); });

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('mail outbox', () => {
  it('queues with the caller\'s transaction: a rolled-back change sends nothing', async () => {
    const to = `rollback-${Date.now()}@example.test`;
    const sendJobs = async () => Number((await sql<{ n: string }>`select count(*) as n from graphile_worker.jobs where task_identifier = 'send-mail'`.execute(t.db)).rows[0]!.n);
    const before = await sendJobs();
    await t.db.transaction().execute(async (tx) => {
      await queueMail(tx, to, 'reset_password', resetPasswordMail({ name: 'R', url: 'https://x.test/reset-password?token=t' }));
      throw new Error('rolled back');
    }).catch(() => {});
    expect(await findKeptMail(t.db, { to })).toEqual([]);
    expect(await sendJobs()).toBe(before);
    // Committed, the mail and its job land together.
    await t.db.transaction().execute((tx) => queueMail(tx, to, 'reset_password', resetPasswordMail({ name: 'R', url: 'https://x.test/reset-password?token=t' })));
    expect(await findKeptMail(t.db, { to })).toHaveLength(1);
    expect(await sendJobs()).toBe(before + 1);
  });

  it('records a failed SMTP delivery and keeps the mail for the retry; a later attempt delivers it once', async () => {
    const to = `retry-${Date.now()}@example.test`;
    const id = await t.db.transaction().execute((tx) => queueMail(tx, to, 'reset_password', resetPasswordMail({ name: 'R', url: 'https://x.test/reset-password?token=abc' })));
    const down = smtpMailer(`smtp://127.0.0.1:${await closedPort()}`, 'PaymentFlow <no-reply@x.test>');
    await expect(deliverMail({ db: t.db, mailer: down }, id)).rejects.toThrow();
    const [failed] = await findKeptMail(t.db, { to });
    expect(failed).toMatchObject({ sentAt: null, attempts: 1, lastError: expect.any(String) });
    expect(failed!.text).toContain('token=abc');

    const smtp = await startTestSmtpServer();
    try {
      const up = smtpMailer(smtp.url, 'PaymentFlow <no-reply@x.test>');
      expect(await deliverMail({ db: t.db, mailer: up }, id)).toBe('sent');
      // Run twice (a retried job): not sent again.
      expect(await deliverMail({ db: t.db, mailer: up }, id)).toBe('already_sent');
      const mail = await smtp.waitForMail(to, /Reset your PaymentFlow password/);
      expect(mail.from).toBe('no-reply@x.test');
      expect(smtp.received.filter((m) => m.to.includes(to))).toHaveLength(1);
    } finally {
      await smtp.close();
    }
    const [sent] = await findKeptMail(t.db, { to });
    expect(sent).toMatchObject({ attempts: 2, lastError: null, text: '' });
    expect(sent!.sentAt).toEqual(expect.any(Number));
  });
});
