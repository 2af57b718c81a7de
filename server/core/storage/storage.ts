import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where generated files live (report exports; later dispute evidence). The local implementation keeps
 * them under DATA_DIR/files; an S3-compatible store implements the same three calls (put as a multipart
 * upload), so several instances can share the files.
 */
export interface FileStorage {
  /** Stores the stream's bytes under `key`; the object becomes visible only once complete (never a partial file). */
  put(key: string, body: Readable): Promise<{ size: number }>;
  /** The stored bytes; rejects with code ENOENT when there is no such object. */
  open(key: string): Promise<Readable>;
  /** Removes the object; no error when it is already gone. */
  remove(key: string): Promise<void>;
}

const SAFE_KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]{0,250}$/;

function checkKey(key: string): string {
  if (!SAFE_KEY.test(key) || key.split('/').some((part) => part === '..' || part === '.' || part === '')) throw new Error(`Invalid storage key: ${key}`);
  return key;
}

/** Files in a folder: written to a temporary name beside the target and renamed when complete (atomic on one file system). */
export function localFileStorage(root: string): FileStorage {
  const full = (key: string) => path.join(root, checkKey(key));
  return {
    async put(key, body) {
      const target = full(key);
      await mkdir(path.dirname(target), { recursive: true });
      const temporary = `${target}.partial-${randomBytes(6).toString('hex')}`;
      try {
        await pipeline(body, createWriteStream(temporary, { flags: 'wx' }));
        const { size } = await stat(temporary);
        await rename(temporary, target);
        return { size };
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
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
