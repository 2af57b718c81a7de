import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * DESIGN §1: SQL lives in server/core/<area>/<area>.repository.ts (and server/db/, server/seed/); the
 * services, api, trpc, jobs and checkout layers call repositories. This test reads every server source
 * file and names each line that builds or sends SQL anywhere else.
 */
const SERVER = path.dirname(fileURLToPath(import.meta.url));

const RULES: { name: string; pattern: RegExp }[] = [
  { name: "imports Kysely (value import; 'import type' is fine)", pattern: /^\s*import\s+(?!type\b)[^;]*from\s+['"]kysely['"]/ },
  { name: 'imports node-postgres', pattern: /from\s+['"]pg['"]/ },
  { name: 'uses the sql template tag', pattern: /\bsql(<[^>]*>)?`|\bsql\.(raw|ref|join|table|lit|id)\(/ },
  { name: 'builds a Kysely query', pattern: /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|selectNoFrom)\(/ },
  { name: 'holds raw SQL text', pattern: /['"`]\s*(select\s+[\w*(]|insert\s+into\s|update\s+\w+\s+set\s|delete\s+from\s|create\s+(table|index|database|extension)\s|drop\s+(table|database|index)\s|alter\s+table\s|truncate\s)/i },
];

const ALLOWED = [/^core\/.+\.repository\.ts$/, /^db\//, /^seed\//, /^test\//, /\.test\.ts$/];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Comment text is not code: a doc comment may show how a repository is called. */
function code(line: string): string {
  return line.replace(/^\s*(\*|\/\/).*$/, '').replace(/\s\/\/.*$/, '');
}

function offences(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found: string[] = [];
  lines.forEach((line, i) => {
    for (const rule of RULES) if (rule.pattern.test(code(line))) found.push(`  line ${i + 1}: ${rule.name}: ${line.trim().slice(0, 120)}`);
  });
  return found;
}

describe('layering', () => {
  const files = sourceFiles(SERVER).map((f) => path.relative(SERVER, f).split(path.sep).join('/'));
  const checked = files.filter((f) => !ALLOWED.some((a) => a.test(f)));

  it('finds the server sources and recognises SQL where it is allowed', () => {
    expect(checked.length).toBeGreaterThan(20);
    expect(offences(path.join(SERVER, 'core/refunds/refunds.repository.ts')).length).toBeGreaterThan(0);
  });

  it('keeps Kysely and SQL inside server/core/**/*.repository.ts, server/db/ and server/seed/', () => {
    const report = checked
      .map((f) => ({ file: f, lines: offences(path.join(SERVER, f)) }))
      .filter((r) => r.lines.length)
      .map((r) => `server/${r.file} (move these into a core repository):\n${r.lines.join('\n')}`);
    expect(report.join('\n\n'), 'SQL outside the repositories').toBe('');
  });

  it('reads configuration only through server/env.ts (issue 9.4)', () => {
    // The stripe-python helper finds an interpreter for the SDK test suite; it is test tooling, not configuration.
    const exempt = new Set(['env.ts', 'api/stripe-python/find-python.ts']);
    const readers = files
      .filter((f) => !exempt.has(f) && !/\.test\.ts$/.test(f) && !f.startsWith('test/'))
      .filter((f) => readFileSync(path.join(SERVER, f), 'utf8').split('\n').some((line) => /process\.env\b/.test(code(line))));
    expect(readers).toEqual([]);
  });
});
