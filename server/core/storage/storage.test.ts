import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { localFileStorage } from './storage.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'pf-storage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('local disk storage', () => {
  const storage = localFileStorage(root);

  it('puts, gets and opens bytes by key; a put replaces; no partial file stays behind; remove is idempotent', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    expect(await storage.put('evidence/acct_1/file_a', bytes)).toEqual({ size: 5 });
    expect(await storage.get('evidence/acct_1/file_a')).toEqual(bytes);
    await storage.put('evidence/acct_1/file_a', Readable.from([Buffer.from('hello '), Buffer.from('world')]));
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.open('evidence/acct_1/file_a')) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('hello world');
    expect(readdirSync(path.join(root, 'evidence', 'acct_1'))).toEqual(['file_a']);
    await storage.remove('evidence/acct_1/file_a');
    await storage.remove('evidence/acct_1/file_a');
    await expect(storage.open('evidence/acct_1/file_a')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses keys that could leave its folder', async () => {
    for (const key of ['../x', 'a/../../x', '/abs', 'a//b', 'a/./b', 'a\\b', '']) {
      await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow(/Not a valid storage key/);
    }
    await expect(storage.get('missing/key')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
