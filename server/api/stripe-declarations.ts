import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Reads the official `stripe` package's TypeScript declarations (node_modules/stripe/cjs/**.d.ts) and
 * lists, per interface, the properties declared always present (no `?`). Used by the SDK field test, so
 * a field a newer SDK declares is noticed as soon as the package is updated. A small brace-aware scanner
 * rather than the compiler API: the declarations are generated and regular (one member per line).
 */

const require = createRequire(import.meta.url);

/** The folder holding the package's declarations (resources/*.d.ts, lib.d.ts). */
function stripeDeclarationsDir(): string {
  // The CommonJS entry sits in cjs/, beside the declarations.
  return path.dirname(require.resolve('stripe'));
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/**
 * Every interface in a declaration file by qualified name (`PaymentIntent`, `PaymentIntent.LastPaymentError`),
 * with its members as `{ name, optional }`.
 */
function readInterfaces(file: string): Map<string, { name: string; optional: boolean }[]> {
  const text = stripComments(readFileSync(file, 'utf8'));
  const out = new Map<string, { name: string; optional: boolean }[]>();
  // A stack of open blocks: a namespace or interface (named) or any other brace (anonymous).
  const stack: { kind: 'namespace' | 'interface' | 'other'; name: string; depth: number }[] = [];
  let depth = 0;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (!line) continue;
    const top = stack[stack.length - 1];
    const opener = /^(?:export\s+)?(?:declare\s+)?(namespace|interface)\s+([A-Za-z_$][\w$]*)(?:<[^{]*>)?(?:\s+extends\s+[^{]+)?\s*\{\s*$/.exec(line);
    if (opener) {
      const parent = [...stack].reverse().find((s) => s.kind !== 'other');
      const name = parent ? `${parent.name}.${opener[2]}` : opener[2];
      depth++;
      stack.push({ kind: opener[1] as 'namespace' | 'interface', name, depth });
      if (opener[1] === 'interface') out.set(name, []);
      continue;
    }
    // A member line directly inside an interface: `name?: type;` or `name: {` (an inline object type).
    if (top?.kind === 'interface' && depth === top.depth) {
      const member = /^(?:readonly\s+)?([A-Za-z_$][\w$]*|'[^']+')(\?)?\s*:/.exec(line);
      if (member) out.get(top.name)!.push({ name: member[1].replace(/'/g, ''), optional: member[2] === '?' });
    }
    for (const ch of line) {
      if (ch === '{') {
        depth++;
        stack.push({ kind: 'other', name: '', depth });
      } else if (ch === '}') {
        if (stack.length && stack[stack.length - 1].depth === depth) stack.pop();
        depth--;
      }
    }
  }
  return out;
}

const cache = new Map<string, Map<string, { name: string; optional: boolean }[]>>();

/**
 * The always-present property names of `interfaceName` in `file` (relative to the declarations folder,
 * e.g. `resources/PaymentIntents.d.ts`). Throws when the interface is gone, so a renamed one is noticed too.
 */
export function requiredProperties(file: string, interfaceName: string): string[] {
  const full = path.join(stripeDeclarationsDir(), file);
  let interfaces = cache.get(full);
  if (!interfaces) {
    interfaces = readInterfaces(full);
    cache.set(full, interfaces);
  }
  const members = interfaces.get(interfaceName);
  if (!members) throw new Error(`The stripe package no longer declares ${interfaceName} in ${file}.`);
  return members.filter((m) => !m.optional).map((m) => m.name);
}
