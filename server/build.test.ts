import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newestChange } from './build.js';

describe('newestChange (what makes `npm start` rebuild a stale web build)', () => {
  it('sees a change deep inside a source folder, and ignores node_modules', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pf-build-'));
    mkdirSync(path.join(dir, 'web/features/x'), { recursive: true });
    mkdirSync(path.join(dir, 'web/node_modules'), { recursive: true });
    const old = new Date('2020-01-01T00:00:00Z');
    const deep = path.join(dir, 'web/features/x/page.tsx');
    const ignored = path.join(dir, 'web/node_modules/dep.js');
    writeFileSync(deep, 'x');
    writeFileSync(ignored, 'y');
    for (const p of [ignored, path.join(dir, 'web/node_modules'), path.join(dir, 'web/features/x'), path.join(dir, 'web/features'), path.join(dir, 'web')]) utimesSync(p, old, old);
    const edited = new Date('2024-06-01T00:00:00Z');
    utimesSync(deep, edited, edited);
    expect(newestChange([path.join(dir, 'web')])).toBe(edited.getTime());
    utimesSync(ignored, new Date('2025-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'));
    expect(newestChange([path.join(dir, 'web')])).toBe(edited.getTime());
    expect(newestChange([path.join(dir, 'missing')])).toBe(0);
  });
});
