import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../test/db.js';
import * as m0023 from './migrations/0023_keep_every_file_in_one_table.js';

/** Migration 0023: evidence uploaded before it keeps its id, bytes' key and name, as a File of the one table. */

let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => { await t?.drop(); });

describe('0023_keep_every_file_in_one_table', () => {
  it('moves evidence_files rows into report_files with Stripe\'s type, and back down again', async () => {
    const m = await createTestMerchant(t.db);
    await m0023.down(t.db);
    await sql`insert into evidence_files (id, merchant_id, livemode, purpose, filename, type, size, storage_key, created_by_user_id)
      values ('file_old1', ${m.merchant.id}, false, 'dispute_evidence', 'receipt.pdf', 'application/pdf', 123, ${`evidence/${m.merchant.id}/file_old1`}, ${m.user.id}),
             ('file_old2', ${m.merchant.id}, true, 'dispute_evidence', 'photo.jpg', 'image/jpeg', 45, ${`evidence/${m.merchant.id}/file_old2`}, null)`.execute(t.db);
    await m0023.up(t.db);
    const rows = await t.db.selectFrom('report_files').select(['id', 'livemode', 'purpose', 'filename', 'type', 'content_type', 'size', 'storage_key', 'expires_at', 'created_by_user_id']).where('merchant_id', '=', m.merchant.id).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'file_old1', livemode: false, purpose: 'dispute_evidence', filename: 'receipt.pdf', type: 'pdf', content_type: 'application/pdf', size: 123, storage_key: `evidence/${m.merchant.id}/file_old1`, expires_at: null, created_by_user_id: m.user.id },
      { id: 'file_old2', livemode: true, purpose: 'dispute_evidence', filename: 'photo.jpg', type: 'jpg', content_type: 'image/jpeg', size: 45, storage_key: `evidence/${m.merchant.id}/file_old2`, expires_at: null, created_by_user_id: null },
    ]);
    const left = await sql<{ n: number }>`select count(*)::int as n from pg_class where relname = 'evidence_files'`.execute(t.db);
    expect(left.rows[0]!.n).toBe(0);
  });
});
