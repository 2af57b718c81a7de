import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow } from '../../db/schema.js';

export function insertMail(db: Executor, mail: NewRow<'mail_outbox'>) {
  return db.insertInto('mail_outbox').values(mail).execute();
}

/** Claims an unsent mail for one delivery attempt (counted before the call goes out). */
export function claimMail(db: Executor, id: string) {
  return db
    .updateTable('mail_outbox')
    .set({ attempts: sql`attempts + 1` })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export function markMailSent(db: Executor, id: string, clearBody: boolean) {
  return db
    .updateTable('mail_outbox')
    .set({ sent_at: sql`now()`, last_error: null, ...(clearBody ? { text_body: '', html_body: '' } : {}) })
    .where('id', '=', id)
    .execute();
}

export function markMailFailed(db: Executor, id: string, error: string) {
  return db.updateTable('mail_outbox').set({ last_error: error.slice(0, 500) }).where('id', '=', id).execute();
}

export function findMail(db: Executor, options: { to?: string; limit: number }) {
  let query = db.selectFrom('mail_outbox').selectAll();
  if (options.to) query = query.where(sql<string>`lower(to_address)`, '=', options.to.toLowerCase());
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
}
