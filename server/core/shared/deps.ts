import type { Db } from '../../db/database.js';
import type { ReadReplica } from '../../db/replica.js';
import type { Mailer } from '../mail/mailer.js';
import type { CardProcessor } from '../payment-intents/card-processor.js';
import type { FileStorage } from '../storage/storage.js';

/** What the payment core needs from the outside world; built once in main.ts (or by a test). */
export interface CoreDeps {
  db: Db;
  /** Server secret: derives the keys for card fingerprints and encryption at rest. */
  secret: string;
  /** Public origin, for URLs the core hands out (3-D Secure challenge, checkout). */
  appUrl: string;
  /**
   * The connector that moves real money. There is no default: without one, live-mode confirmations are
   * refused with a clear error. Test mode always uses the built-in test-card simulator.
   */
  liveCardProcessor?: CardProcessor;
  /**
   * A streaming replica (DATABASE_REPLICA_URL). Core code never picks it: the edges hand a read that may lag
   * (analytics, search, lists) a CoreDeps whose db is the replica, when the reader's last write has replayed.
   */
  replica?: ReadReplica;
  /** Where mail goes (SMTP when SMTP_URL is set); without one, mail is logged and kept in the outbox. */
  mailer?: Mailer;
  /** Uploaded and generated files (dispute evidence, reports); local disk under DATA_DIR by default (main.ts). */
  storage?: FileStorage;
}

/** Who is acting and in which tenant: every core call that touches tenant data takes one. */
export interface Scope {
  merchantId: string;
  livemode: boolean;
}

export interface Actor extends Scope {
  userId?: string | null;
  requestId?: string | null;
  idempotencyKey?: string | null;
  /** Where a dashboard member acted from (the audit log keeps both). */
  ip?: string | null;
  userAgent?: string | null;
  /** The API key behind a REST call (the audit log names it as the actor); null for members. */
  apiKeyId?: string | null;
}
