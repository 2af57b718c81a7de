import { type Kysely, sql } from 'kysely';

// Mail, verified sign-up, password reset, invitations by email and the sessions list.
// - mail_outbox: every mail is written in the transaction of the change that sends it; a send-mail job
//   delivers it (SMTP) or logs it. Without SMTP the body is kept for operators (`npm run cli -- mail list`);
//   after an SMTP delivery it is cleared, so no live link lingers in the database.
// - user_tokens: single-use links (verify email: 24 h; reset password: 1 h), stored as SHA-256 hashes.
// - invitations gain who was last sent the link, and when; revoked ones are deleted (the audit log keeps them).
// - sessions gain a public id, so the sessions list can name one without exposing its token hash.
// Frozen: never import app code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table users add column email_verified_at timestamptz, add column last_sign_in_at timestamptz;
    -- Accounts that existed before verification was introduced were trusted then; keep them working.
    update users set email_verified_at = created_at;

    create table mail_outbox (
      id text primary key,
      to_address text not null,
      kind text not null,
      subject text not null,
      text_body text not null,
      html_body text not null,
      created_at timestamptz not null default now(),
      sent_at timestamptz,
      attempts integer not null default 0,
      last_error text
    );
    create index mail_outbox_created_idx on mail_outbox (created_at desc, id desc);
    create index mail_outbox_to_idx on mail_outbox (lower(to_address), created_at desc);

    create table user_tokens (
      token_hash text primary key,
      user_id text not null references users(id) on delete cascade,
      purpose text not null check (purpose in ('verify_email', 'reset_password')),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    );
    create index user_tokens_user_idx on user_tokens (user_id, purpose);

    alter table invitations add column sent_at timestamptz not null default now();
    create unique index invitations_pending_email_key on invitations (merchant_id, lower(email)) where accepted_at is null;

    alter table sessions add column id text not null default ('ses_' || replace(gen_random_uuid()::text, '-', ''));
    create unique index sessions_id_key on sessions (id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index if exists sessions_id_key;
    alter table sessions drop column if exists id;
    drop index if exists invitations_pending_email_key;
    alter table invitations drop column if exists sent_at;
    drop table if exists user_tokens, mail_outbox;
    alter table users drop column if exists email_verified_at, drop column if exists last_sign_in_at;
  `.execute(db);
}
