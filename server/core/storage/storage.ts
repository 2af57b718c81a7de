import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomString } from '../../../shared/ids.js';

/**
 * Where uploaded and generated files live (dispute evidence, report files): a blob store addressed by key.
 * The default keeps them on local disk under DATA_DIR; another implementation (S3, GCS) fits the same
 * three calls. Metadata (owner, name, type, size) stays in each area's own table.
 */
export interface BlobStorage {
  /** Stores the bytes under `key` (replacing any); written to a temporary name first, so a reader never sees half a file. */
  put(key: string, data: Buffer | Readable): Promise<{ size: number }>;
  get(key: string): Promise<Buffer>;
  stream(key: string): Readable;
}

/** Keys are `area/merchant/name`-like paths of safe segments; never input taken as is. */
const KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

function checkKey(key: string): string {
  if (!KEY.test(key) || key.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw new Error(`Not a valid storage key: ${key}`);
  }
  return key;
}

export function localDiskStorage(root: string): BlobStorage {
  const file = (key: string) => path.join(root, ...checkKey(key).split('/'));
  return {
    async put(key, data) {
      const target = file(key);
      await mkdir(path.dirname(target), { recursive: true });
      const temporary = `${target}.${randomString(8)}.partial`;
      try {
        await pipeline(Buffer.isBuffer(data) ? Readable.from([data]) : data, createWriteStream(temporary, { flags: 'wx' }));
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return { size: (await stat(target)).size };
    },
    get: (key) => readFile(file(key)),
    stream: (key) => createReadStream(file(key)),
  };
}
