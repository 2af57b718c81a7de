/**
 * Operator commands: `npm run cli -- <command>` (run `npm run cli -- help` for the list).
 * Works beside a running server (the embedded PostgreSQL for the same DATA_DIR is reused) or on its own
 * (the embedded server is started and stopped again); with DATABASE_URL it uses that server.
 * Logs go to stderr, results to stdout, so `--json` output can be piped.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { emailSchema } from '../shared/contracts/auth.js';
import { EVENT_TYPES } from '../shared/contracts/events.js';
import { PaymentError } from '../shared/errors.js';
import { ROLES, type Role } from '../shared/permissions.js';
import { addMember, createMerchantWithOwner, getMerchant } from './core/accounts/accounts.service.js';
import type { CoreDeps } from './core/shared/deps.js';
import { DatabaseConnectError, openDatabase, type OpenDatabase } from './db/connect.js';
import { cliApiEnv, EnvError, loadEnv } from './env.js';

const HELP = `PaymentFlow operator commands

Usage: npm run cli -- <command> [options]

Commands:
  migrate
      Apply pending database migrations (the server also does this when it starts).

  merchant create --name <name> --email <email> --password <password> [--business <name>] [--json]
      Create a user owning a new merchant, with a publishable and a secret API key in test and live mode.
      Prints the keys (secret keys are shown only here). --json prints
      {user, merchant, keys: {test: {publishable, secret}, live: {publishable, secret}}}.

  member add --merchant <acct_id> --email <email> --role <role> [--name <name>] [--password <password>] [--json]
      Give a user (existing, or created with --name and --password) a role in a merchant.
      Roles: ${ROLES.join(', ')}.

  seed --merchant <acct_id> --payments <count> [--live]
      Generate <count> payments (with customers, refunds and events) for a merchant, in test mode unless --live.

  analytics rebuild [--merchant <acct_id>]
      Recompute the Home analytics rollups from the base tables (one merchant or all) and report how many
      bucket rows differed (0 when the rollups were exact).

  listen --forward-to <url> [--events <type,type>] [--api-key <sk_test_…>] [--api-base <url>] [--device <name>] [--print-secret]
      Forward the test-mode events live to a local URL, signed with a signing secret printed at start (the
      same one every time on this device), one line per event with the local response. Dashboard Resends
      of these deliveries arrive too.

  trigger <event type> [--api-key <sk_test_…>] [--api-base <url>]
      Make the test-mode objects that cause the event (through the API), e.g. payment_intent.succeeded:
      the payment_intent.*, refund.*, customer.* types and charge.refunded.

  mail list [--to <email>] [--limit <n>] [--json]
      Show the mails the server sent or queued, newest first (default 20). Without SMTP_URL nothing is
      delivered: the full text (with its links) is kept here for you to pass on.

  help
      Show this text.

Environment: DATABASE_URL (otherwise the embedded PostgreSQL under DATA_DIR, default .data), DATA_DIR, APP_SECRET.
listen and trigger talk to the API: PAYMENTFLOW_API_KEY (instead of --api-key) and PAYMENTFLOW_API_BASE
(instead of --api-base; otherwise APP_URL, otherwise http://localhost:PORT).
Examples:
  npm run cli -- merchant create --name "Ada Lovelace" --email ada@example.com --password 'correct horse battery' --business "Analytical Engines"
  npm run cli -- seed --merchant acct_1AbC... --payments 10000
  npm run cli -- listen --forward-to http://localhost:4242/webhook --api-key sk_test_...
  npm run cli -- trigger payment_intent.succeeded --api-key sk_test_...
`;

/** A mistake in how the command was called: printed with a hint, exit code 1. */
class UsageError extends Error {}
/** A command that ran and failed for a reason it can name (e.g. the API refused): printed as it is, exit code 1. */
class CommandFailed extends Error {}

const log = (line: string) => console.error(`[paymentflow] ${line}`);

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // node:util's messages already name the flag ("Unknown option '--nmae'", "Option '--name <value>' argument missing").
    throw new UsageError((error as Error).message);
  }
}

function required(values: Record<string, unknown>, flag: string): string {
  const value = values[flag];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`Missing --${flag}.`);
  return value;
}

function validEmail(value: string, flag = 'email'): string {
  const parsed = emailSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--${flag}: ${parsed.error.issues[0]?.message ?? 'not a valid email address'}`);
  return parsed.data;
}

/** The merchant named by --merchant, or an error naming the flag. */
async function merchantFromFlag(deps: CoreDeps, merchantId: string) {
  try {
    return await getMerchant(deps.db, merchantId);
  } catch (error) {
    if (error instanceof PaymentError && error.code === 'resource_missing') throw new UsageError(`--merchant: ${error.message}`);
    throw error;
  }
}

/** Opens the database for one command and always closes it (stopping an embedded server we started). */
async function withDeps<T>(body: (deps: CoreDeps, database: OpenDatabase) => Promise<T>): Promise<T> {
  const env = loadEnv();
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, log, poolSize: 5 });
  try {
    return await body({ db: database.db, secret: env.APP_SECRET, appUrl: env.APP_URL }, database);
  } finally {
    await database.close();
  }
}

async function migrate(args: string[]) {
  parse(args, {});
  await withDeps(async () => {
    // openDatabase has applied (and logged) any pending migrations.
    console.log('The database schema is up to date.');
  });
}

async function merchantCreate(args: string[]) {
  const values = parse(args, {
    name: { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    business: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const name = required(values, 'name');
  const email = validEmail(required(values, 'email'));
  const password = required(values, 'password');
  const businessName = values.business?.trim() || name;
  const created = await withDeps((deps) => createMerchantWithOwner(deps.db, { name, email, password, businessName }));
  if (values.json) {
    console.log(JSON.stringify({ user: created.user, merchant: created.merchant, keys: created.keys }, null, 2));
    return;
  }
  const { keys } = created;
  console.log(`Created merchant ${created.merchant.id} (${created.merchant.name})`);
  console.log(`Owner: ${created.user.name} <${created.user.email}> (${created.user.id})\n`);
  const rows = [
    ['mode', 'publishable key', 'secret key'],
    ['test', keys.test.publishable, keys.test.secret],
    ['live', keys.live.publishable, keys.live.secret],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
  console.log('\nThe secret keys are shown only now. Store them somewhere safe.');
}

async function memberAdd(args: string[]) {
  const values = parse(args, {
    merchant: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    password: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const merchantId = required(values, 'merchant');
  const email = validEmail(required(values, 'email'));
  const role = required(values, 'role') as Role;
  if (!ROLES.includes(role)) throw new UsageError(`--role must be one of: ${ROLES.join(', ')}.`);
  const user = await withDeps(async (deps) => {
    const merchant = await merchantFromFlag(deps, merchantId);
    return addMember(deps.db, merchant.id, { email, role, name: values.name?.trim() || email.split('@')[0], password: values.password ?? '' });
  });
  if (values.json) console.log(JSON.stringify({ user, merchantId, role }, null, 2));
  else console.log(`${user.name} <${user.email}> is now ${role} of ${merchantId}.`);
}

async function seed(args: string[]) {
  const values = parse(args, {
    merchant: { type: 'string' },
    payments: { type: 'string' },
    live: { type: 'boolean', default: false },
  });
  const merchantId = required(values, 'merchant');
  const countText = required(values, 'payments');
  const count = Number(countText);
  if (!Number.isInteger(count) || count < 1 || count > 10_000_000) {
    throw new UsageError(`--payments must be a whole number from 1 to 10000000 (got '${countText}').`);
  }
  // Loaded on demand: the bulk seeder is large and only this command needs it.
  const { seedBulkPayments } = await import('./seed/bulk.js');
  const started = Date.now();
  await withDeps(async (deps) => {
    await merchantFromFlag(deps, merchantId);
    await seedBulkPayments(deps, merchantId, values.live, count, log);
  });
  console.log(`Seeded ${count} ${values.live ? 'live' : 'test'} payments for ${merchantId} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

async function analyticsRebuild(args: string[]) {
  const values = parse(args, { merchant: { type: 'string' } });
  const { rebuildAnalytics } = await import('./core/analytics/analytics.service.js');
  const report = await withDeps(async (deps) => {
    if (values.merchant !== undefined) await merchantFromFlag(deps, values.merchant);
    return rebuildAnalytics(deps, values.merchant);
  });
  for (const { table, differences } of report) console.log(`${table}: ${differences === 0 ? 'exact' : `${differences} bucket rows differed, corrected`}`);
}

/** Where listen and trigger find the API, and with which key. */
function apiTarget(values: { 'api-key'?: string; 'api-base'?: string }) {
  const fromEnv = cliApiEnv();
  const apiKey = values['api-key']?.trim() || fromEnv.apiKey;
  if (!apiKey) throw new UsageError('Missing --api-key: pass a test-mode secret key (sk_test_…, under Developers > API keys) or set PAYMENTFLOW_API_KEY.');
  const base = values['api-base']?.trim() || fromEnv.apiBase;
  if (!/^https?:\/\/[^/]+/.test(base)) throw new UsageError(`--api-base must be an http(s) URL (got '${base}').`);
  return { apiKey, base: base.replace(/\/+$/, '') };
}

const apiFlags = { 'api-key': { type: 'string' }, 'api-base': { type: 'string' } } as const;

async function listenCommand(args: string[]) {
  const values = parse(args, { ...apiFlags, 'forward-to': { type: 'string' }, events: { type: 'string' }, device: { type: 'string' }, 'print-secret': { type: 'boolean', default: false } });
  const forwardTo = values['print-secret'] ? (values['forward-to'] ?? '') : required(values, 'forward-to');
  if (forwardTo && !/^https?:\/\/[^/]+/.test(forwardTo)) throw new UsageError(`--forward-to must be an http(s) URL (got '${forwardTo}').`);
  const events = (values.events ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  const unknown = events.filter((e) => e !== '*' && !(EVENT_TYPES as readonly string[]).includes(e));
  if (unknown.length) throw new UsageError(`--events: unknown event type ${unknown.join(', ')}. Types: ${EVENT_TYPES.join(', ')}.`);
  const { listen, ApiCallError } = await import('./cli-listen.js');
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  try {
    await listen({ target: apiTarget(values), forwardTo, events, deviceName: values.device, printSecret: values['print-secret'], signal: stop.signal });
  } catch (error) {
    if (error instanceof ApiCallError) throw new CommandFailed(error.message);
    throw error;
  }
}

async function triggerCommand(args: string[]) {
  const [type, ...rest] = args;
  const { trigger, isTriggerable, untriggerable, ApiCallError } = await import('./cli-trigger.js').then(async (m) => ({ ...m, ApiCallError: (await import('./cli-listen.js')).ApiCallError }));
  if (!type || type.startsWith('--')) throw new UsageError(`Name the event type to trigger, e.g. 'trigger payment_intent.succeeded'. Types: ${EVENT_TYPES.join(', ')}.`);
  if (untriggerable().includes(type)) throw new UsageError(`'${type}' cannot be triggered from the CLI yet. Types it can trigger: ${EVENT_TYPES.filter((t) => isTriggerable(t)).join(', ')}.`);
  if (!isTriggerable(type)) throw new UsageError(`Unknown event type '${type}'. Types: ${EVENT_TYPES.join(', ')}.`);
  const values = parse(rest, apiFlags);
  try {
    await trigger(apiTarget(values), type, (line) => console.log(line));
  } catch (error) {
    if (error instanceof ApiCallError) throw new CommandFailed(error.message);
    throw error;
  }
}

async function mailList(args: string[]) {
  const values = parse(args, { to: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean', default: false } });
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError(`--limit must be a whole number from 1 to 500 (got '${values.limit}').`);
  const to = values.to === undefined ? undefined : validEmail(values.to, 'to');
  const { findKeptMail } = await import('./core/mail/mail.service.js');
  const mails = await withDeps((deps) => findKeptMail(deps.db, { to, limit }));
  if (values.json) {
    console.log(JSON.stringify(mails, null, 2));
    return;
  }
  if (!mails.length) {
    console.log(to ? `No mail to ${to}.` : 'No mail yet.');
    return;
  }
  for (const mail of mails) {
    const state = mail.sentAt ? `sent ${new Date(mail.sentAt * 1000).toISOString()}` : mail.lastError ? `not sent yet (${mail.attempts} attempts; last error: ${mail.lastError})` : 'queued';
    console.log(`${mail.id}  ${new Date(mail.created * 1000).toISOString()}  ${state}`);
    console.log(`To: ${mail.to}\nSubject: ${mail.subject}\n`);
    console.log(mail.text ? mail.text : '(delivered by SMTP; the body is not kept)');
    console.log('-'.repeat(72));
  }
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  listen: listenCommand,
  trigger: triggerCommand,
  migrate,
  'merchant create': merchantCreate,
  'member add': memberAdd,
  seed,
  'analytics rebuild': analyticsRebuild,
  'mail list': mailList,
};

async function main(argv: string[]): Promise<number> {
  const [first, second, ...rest] = argv;
  if (!first || first === 'help' || first === '--help' || first === '-h') {
    console.log(HELP);
    return 0;
  }
  const twoWords = second ? COMMANDS[`${first} ${second}`] : undefined;
  const command = twoWords ?? COMMANDS[first];
  if (!command) {
    const known = first === 'merchant' || first === 'member' ? ` Did you mean '${first} ${first === 'merchant' ? 'create' : 'add'}'?` : '';
    console.error(`Unknown command '${[first, second].filter(Boolean).join(' ')}'.${known} Run 'npm run cli -- help' for the list.`);
    return 1;
  }
  const args = twoWords ? rest : argv.slice(1);
  try {
    await command(args);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\nRun 'npm run cli -- help' for usage.`);
    } else if (error instanceof PaymentError) {
      console.error(error.param ? `--${error.param === 'businessName' ? 'business' : error.param}: ${error.message}` : error.message);
    } else if (error instanceof EnvError || error instanceof DatabaseConnectError || error instanceof CommandFailed) {
      console.error(error.message);
    } else {
      console.error('The command failed:', error);
    }
    return 1;
  }
}

process.exit(await main(process.argv.slice(2)));
