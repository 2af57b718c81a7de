import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateApiKey } from './core/api-keys/api-keys.service.js';
import { createTestDatabase, type TestDatabase } from './test/db.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let database: TestDatabase;
let dataDir: string;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server', 'cli.ts'), ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: database.url, DATA_DIR: dataDir, APP_SECRET: 'cli-test-secret-that-is-long-enough-0123' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'pf-cli-test-'));
});

afterAll(async () => {
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

// Each test starts real CLI processes (a second or more each on a busy machine), hence the longer timeout.
describe('npm run cli -- merchant create', { timeout: 90_000 }, () => {
  it('creates an owner, a merchant and working test and live keys, printed as JSON', async () => {
    const result = await cli(['merchant', 'create', '--name', 'Ada Lovelace', '--email', 'Ada@Example.com', '--password', 'analytical-engine-1843', '--business', 'Engines Ltd', '--json']);
    expect(result.stderr).not.toMatch(/failed/i);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(out.merchant).toMatchObject({ name: 'Engines Ltd' });
    expect(out.merchant.id).toMatch(/^acct_/);
    expect(out.keys.test.publishable).toMatch(/^pk_test_/);
    expect(out.keys.test.secret).toMatch(/^sk_test_/);
    expect(out.keys.live.publishable).toMatch(/^pk_live_/);
    expect(out.keys.live.secret).toMatch(/^sk_live_/);

    // The printed secret keys are the real ones: they authenticate for that merchant and mode.
    const test = await authenticateApiKey(database.db, out.keys.test.secret);
    expect(test).toMatchObject({ merchantId: out.merchant.id, livemode: false, type: 'secret' });
    const live = await authenticateApiKey(database.db, out.keys.live.secret);
    expect(live).toMatchObject({ merchantId: out.merchant.id, livemode: true });

    const membership = await database.db.selectFrom('memberships').selectAll().where('merchant_id', '=', out.merchant.id).executeTakeFirstOrThrow();
    expect(membership).toMatchObject({ user_id: out.user.id, role: 'owner' });
  });

  it('prints only JSON on stdout through `npm run cli -- … --json`, so it can be piped (embedded PostgreSQL too)', async () => {
    const embeddedDir = mkdtempSync(path.join(os.tmpdir(), 'pf-cli-pipe-'));
    try {
      for (const databaseEnv of [{ DATABASE_URL: database.url }, { DATA_DIR: embeddedDir }]) {
        // A clean npm environment: nothing inherited from an npm that started the test run.
        const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'DATABASE_URL'));
        const email = `pipe-${Date.now()}-${Object.keys(databaseEnv)[0]}@example.com`.toLowerCase();
        const parsed = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
          const child = spawn('sh', ['-c', `npm run cli -- merchant create --name Piped --email ${email} --password analytical-engine-1843 --json | node -e "const t = require('fs').readFileSync(0, 'utf8'); process.stdout.write(JSON.stringify(JSON.parse(t).user))"`], {
            cwd: root,
            env: { ...env, DATA_DIR: dataDir, APP_SECRET: 'cli-test-secret-that-is-long-enough-0123', ...databaseEnv },
          });
          let out = '';
          let err = '';
          child.stdout.on('data', (c: Buffer) => (out += c.toString()));
          child.stderr.on('data', (c: Buffer) => (err += c.toString()));
          child.on('close', (code) => resolve({ code, out, err }));
        });
        expect(parsed.err).not.toMatch(/SyntaxError|Unexpected token/);
        expect(parsed.code).toBe(0);
        expect(JSON.parse(parsed.out)).toMatchObject({ email, name: 'Piped' });
      }
    } finally {
      rmSync(embeddedDir, { recursive: true, force: true });
    }
  });

  it('names the missing flag and exits with code 1', async () => {
    const result = await cli(['merchant', 'create', '--name', 'No Email', '--password', 'a-long-enough-password']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--email');
    expect(result.stdout).toBe('');
  });

  it('names the flag whose value the core refuses, and rejects unknown commands and flags', async () => {
    // Independent invocations: run them side by side, each process start costs about a second.
    const [weak, unknown, badFlag] = await Promise.all([
      cli(['merchant', 'create', '--name', 'Weak', '--email', 'weak@example.com', '--password', 'short']),
      cli(['merchnat']),
      cli(['seed', '--merchant', 'acct_x', '--payments', '10', '--colour', 'red']),
    ]);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('--password');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Unknown command 'merchnat'");
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toContain('--colour');
  });
});

describe('npm run cli -- mail list', { timeout: 90_000 }, () => {
  it('shows the kept mails of an address, with their links, when no SMTP server is set', async () => {
    const { createTestMerchant } = await import('./test/db.js');
    const { requestPasswordReset } = await import('./core/accounts/accounts.service.js');
    const { deliverMail } = await import('./core/mail/mail.service.js');
    const { logMailer } = await import('./core/mail/mailer.js');
    const m = await createTestMerchant(database.db);
    await requestPasswordReset(database.db, 'https://pay.example.test', m.user.email);
    // The send-mail job without SMTP: written to the log, and the body stays in the outbox.
    const logged: string[] = [];
    const [queued] = await database.db.selectFrom('mail_outbox').select('id').where('to_address', '=', m.user.email).execute();
    expect(await deliverMail({ db: database.db, mailer: logMailer((l) => logged.push(l)) }, queued!.id)).toBe('sent');
    expect(logged.join('\n')).toMatch(/\[mail\] Subject: Reset your PaymentFlow password/);
    expect(logged.join('\n')).toContain('https://pay.example.test/reset-password?token=');

    const json = await cli(['mail', 'list', '--to', m.user.email.toUpperCase(), '--json']);
    expect(json.code).toBe(0);
    const mails = JSON.parse(json.stdout);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: m.user.email, kind: 'reset_password', subject: 'Reset your PaymentFlow password' });
    expect(mails[0].text).toContain('https://pay.example.test/reset-password?token=');
    expect(mails[0].sentAt).toEqual(expect.any(Number));

    const text = await cli(['mail', 'list', '--to', m.user.email]);
    expect(text.stdout).toContain('Subject: Reset your PaymentFlow password');
    expect(text.stdout).toContain('/reset-password?token=');
    const none = await cli(['mail', 'list', '--to', 'nobody@example.test']);
    expect(none.stdout.trim()).toBe('No mail to nobody@example.test.');
    const bad = await cli(['mail', 'list', '--limit', 'lots']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--limit');
  });
});
