import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where uploaded and generated files live (dispute evidence, report exports): a blob store addressed by key.
 * The local implementation keeps them under DATA_DIR/files; an S3-compatible store implements the same calls
 * (put as a multipart upload), so several instances can share the files. Metadata (owner, name, type, size)
 * stays in each area's own table.
 */
export interface FileStorage {
  /** Stores the bytes under `key` (replacing any); the object becomes visible only once complete (never a partial file). */
  put(key: string, body: Buffer | Readable): Promise<{ size: number }>;
  /** The whole object (small files such as evidence); rejects with code ENOENT when there is none. */
  get(key: string): Promise<Buffer>;
  /** The object as a stream (report downloads); rejects with code ENOENT when there is none. */
  open(key: string): Promise<Readable>;
  /** Removes the object; no error when it is already gone. */
  remove(key: string): Promise<void>;
}

/** Keys are `area/merchant/name`-like paths of safe segments; never input taken as is. */
const SAFE_KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]{0,250}$/;

function checkKey(key: string): string {
  if (!SAFE_KEY.test(key) || key.split('/').some((part) => part === '..' || part === '.' || part === '')) throw new Error(`Not a valid storage key: ${key}`);
  return key;
}

/** Files in a folder: written to a temporary name beside the target and renamed when complete (atomic on one file system). */
export function localFileStorage(root: string): FileStorage {
  const full = (key: string) => path.join(root, ...checkKey(key).split('/'));
  return {
    async put(key, body) {
      const target = full(key);
      await mkdir(path.dirname(target), { recursive: true });
      const temporary = `${target}.partial-${randomBytes(6).toString('hex')}`;
      try {
        await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, createWriteStream(temporary, { flags: 'wx' }));
        const { size } = await stat(temporary);
        await rename(temporary, target);
        return { size };
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    get: (key) => readFile(full(key)),
    async open(key) {
      const file = full(key);
      await stat(file);
      return createReadStream(file);
    },
    async remove(key) {
      await rm(full(key), { force: true });
    },
  };
}
