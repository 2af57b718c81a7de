import { newId } from '../../../shared/ids.js';
import type { Db, Executor } from '../../db/database.js';
import { addJob } from '../jobs/jobs.repository.js';
import type { CoreDeps } from '../shared/deps.js';
import * as repo from './mail.repository.js';
import { logMailer, type Mailer } from './mailer.js';
import type { MailContent, MailKind } from './templates.js';

/**
 * Mail is an outbox: queueMail writes the message and its send-mail job in the caller's transaction, so a
 * mail goes out exactly when the change that sends it commits, and no network call runs inside a transaction.
 */
export async function queueMail(db: Executor, to: string, kind: MailKind, content: MailContent): Promise<string> {
  const id = newId('mail');
  await repo.insertMail(db, { id, to_address: to, kind, subject: content.subject, text_body: content.text, html_body: content.html });
  await addJob(db, 'send-mail', { mailId: id }, { maxAttempts: 10 });
  return id;
}

const fallbackMailer = logMailer();

function mailerOf(deps: Pick<CoreDeps, 'mailer'>): Mailer {
  return deps.mailer ?? fallbackMailer;
}

/**
 * The send-mail job: claims the message, sends it outside any transaction, then records the outcome.
 * A failure is recorded and rethrown, so the job runner retries it with its backoff.
 */
export async function deliverMail(deps: Pick<CoreDeps, 'db' | 'mailer'>, mailId: string): Promise<'sent' | 'already_sent'> {
  const mail = await repo.claimMail(deps.db, mailId);
  if (!mail) return 'already_sent';
  const mailer = mailerOf(deps);
  try {
    await mailer.send({ to: mail.to_address, subject: mail.subject, text: mail.text_body, html: mail.html_body });
  } catch (error) {
    await repo.markMailFailed(deps.db, mailId, error instanceof Error ? error.message : String(error));
    throw error;
  }
  // Delivered for real: the links in the body now live in the recipient's mailbox only.
  await repo.markMailSent(deps.db, mailId, !mailer.keepsCopies);
  return 'sent';
}

export interface KeptMailDto {
  id: string; to: string; kind: string; subject: string; text: string; created: number; sentAt: number | null; attempts: number; lastError: string | null;
}

/** What `npm run cli -- mail list` shows: newest first, optionally for one address. */
export async function findKeptMail(db: Db, options: { to?: string; limit?: number } = {}): Promise<KeptMailDto[]> {
  const rows = await repo.findMail(db, { to: options.to, limit: Math.min(Math.max(options.limit ?? 20, 1), 500) });
  return rows.map((r) => ({
    id: r.id, to: r.to_address, kind: r.kind, subject: r.subject, text: r.text_body,
    created: Math.floor(new Date(r.created_at).getTime() / 1000),
    sentAt: r.sent_at ? Math.floor(new Date(r.sent_at).getTime() / 1000) : null,
    attempts: r.attempts, lastError: r.last_error,
  }));
}
