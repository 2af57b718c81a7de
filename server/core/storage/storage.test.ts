import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { localDiskStorage } from './storage.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'pf-storage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('local disk storage', () => {
  const storage = localDiskStorage(root);

  it('puts, gets and streams bytes by key; a put replaces; no partial file stays behind', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    expect(await storage.put('evidence/acct_1/file_a', bytes)).toEqual({ size: 5 });
    expect(await storage.get('evidence/acct_1/file_a')).toEqual(bytes);
    await storage.put('evidence/acct_1/file_a', Readable.from([Buffer.from('hello '), Buffer.from('world')]));
    const chunks: Buffer[] = [];
    for await (const chunk of storage.stream('evidence/acct_1/file_a')) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('hello world');
    expect(readdirSync(path.join(root, 'evidence', 'acct_1'))).toEqual(['file_a']);
  });

  it('refuses keys that could leave its folder', async () => {
    for (const key of ['../x', 'a/../../x', '/abs', 'a//b', 'a/./b', 'a\\b', '']) {
      await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow(/Not a valid storage key/);
    }
    await expect(storage.get('missing/key')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
