import { sql } from 'kysely';
import { createDb, type Db, type Executor } from './database.js';

/** A WAL position as PostgreSQL prints it (`16/B374D848`). */
const LSN = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i;

function isLsn(value: unknown): value is string {
  return typeof value === 'string' && LSN.test(value);
}

/**
 * A streaming replica (DATABASE_REPLICA_URL) for reads that may lag: analytics, search and list views.
 * Everything else, and every write, stays on the primary. A read that must see a given commit (the
 * member's own last write) asks `hasReplayed(lsn)` first and goes to the primary until the replica has
 * replayed that far; so does every read while the replica cannot be reached.
 */
export interface ReadReplica {
  db: Db;
  /** The primary's WAL position now: every transaction committed before this call is at or before it. */
  primaryPosition(primary: Executor): Promise<string>;
  /** True when the replica has replayed the WAL up to `lsn` (false when it cannot answer). */
  hasReplayed(lsn: string): Promise<boolean>;
  /** The database a lagging-tolerant read should use, given the reader's last write (or none). */
  forReads(primary: Db, readAfter: string | null | undefined): Promise<Db>;
  close(): Promise<void>;
}

export function openReadReplica(url: string, options: { max?: number } = {}): ReadReplica {
  // Replica reads are SELECTs only; nothing to prepare.
  const db = createDb(url, { max: options.max ?? 20, prepareWrites: false });
  const hasReplayed = async (lsn: string) => {
    try {
      // A server that is not in recovery (a promoted replica, or the primary itself given as the replica) is current.
      const { rows } = await sql<{ replayed: boolean | null }>`
        select case when pg_is_in_recovery() then pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn else true end as replayed`.execute(db);
      return rows[0]?.replayed === true;
    } catch {
      return false;
    }
  };
  return {
    db,
    hasReplayed,
    primaryPosition: async (primary) => {
      const { rows } = await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(primary);
      return rows[0].lsn;
    },
    // One round trip to the replica either way: without a position to wait for, it only has to answer.
    forReads: async (primary, readAfter) => ((await hasReplayed(isLsn(readAfter) ? readAfter : '0/0')) ? db : primary),
    close: () => db.destroy(),
  };
}
