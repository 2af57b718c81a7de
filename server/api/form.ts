import { PaymentError } from '../../shared/errors.js';
import { setOwn } from '../core/shared/params.js';

/**
 * Stripe's form encoding (what every Stripe SDK sends): `metadata[order_id]=1`, `payment_method_types[]=card`,
 * `payment_method_types[0]=card`, `payment_method_data[card][number]=…`, `created[gte]=…`. Values stay
 * strings; the contract-directed coercion in params.ts turns them into numbers and booleans.
 */

export type FormValue = string | FormValue[] | { [key: string]: FormValue };

/** Deep enough for every Stripe parameter; bounded so a crafted body cannot build huge structures. */
const MAX_DEPTH = 8;
const MAX_PAIRS = 2000;

function badRequest(message: string, param?: string): PaymentError {
  return new PaymentError('invalid_request', message, { param });
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    throw badRequest('Invalid request body: the form encoding contains a malformed percent-escape.');
  }
}

/** `a[b][]` → ['a', 'b', '']; a key that is not in bracket form is taken literally. */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  let rest = key.slice(open);
  while (rest.length) {
    const match = /^\[([^[\]]*)\]/.exec(rest);
    if (!match) return [key]; // Not well-formed brackets: treat the whole thing as one (unknown) name.
    parts.push(match[1]);
    rest = rest.slice(match[0].length);
  }
  return parts;
}

function isRecord(value: FormValue | undefined): value is Record<string, FormValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bracketPath(parts: string[], upTo: number) {
  return parts[0] + parts.slice(1, upTo).map((p) => `[${p}]`).join('');
}

/** Appends `[]` values as arrays and indexed or named segments as objects (indexed ones become arrays later). */
function assign(root: Record<string, FormValue>, parts: string[], value: string) {
  let current: Record<string, FormValue> | FormValue[] = root;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const last = i === parts.length - 1;
    const nextIsPush = !last && parts[i + 1] === '';
    let node: Record<string, FormValue>;
    if (Array.isArray(current)) {
      // Only reached through `[]`: `a[][b]=1&a[][c]=2` fills one object until a name repeats, as Rack does.
      const tail: FormValue | undefined = current[current.length - 1];
      if (isRecord(tail) && !Object.prototype.hasOwnProperty.call(tail, part)) {
        node = tail;
      } else {
        node = {};
        current.push(node);
      }
    } else {
      node = current;
    }
    if (part === '' && i > 0) throw badRequest(`Invalid array: ${bracketPath(parts, i)}`);
    const existing: FormValue | undefined = Object.prototype.hasOwnProperty.call(node, part) ? node[part] : undefined;
    if (last) {
      if (existing !== undefined && typeof existing !== 'string') {
        throw badRequest(`Invalid ${bracketPath(parts, i + 1)}: the parameter was given both as a value and as a hash or array.`, bracketPath(parts, i + 1));
      }
      setOwn(node, part, value);
      return;
    }
    if (nextIsPush) {
      if (existing === undefined) {
        const created: FormValue[] = [];
        setOwn(node, part, created);
        if (i + 2 === parts.length) {
          created.push(value);
          return;
        }
        current = created;
        i++; // The `[]` segment is consumed by the array.
        continue;
      }
      if (!Array.isArray(existing)) {
        throw badRequest(`Invalid ${bracketPath(parts, i + 1)}: the parameter was given both as an array and as a ${typeof existing === 'string' ? 'value' : 'hash'}.`, bracketPath(parts, i + 1));
      }
      if (i + 2 === parts.length) {
        existing.push(value);
        return;
      }
      current = existing;
      i++;
      continue;
    }
    if (existing === undefined) {
      const created: Record<string, FormValue> = {};
      setOwn(node, part, created);
      current = created;
    } else if (isRecord(existing)) {
      current = existing;
    } else {
      throw badRequest(`Invalid ${bracketPath(parts, i + 1)}: the parameter was given both as a hash and as a ${typeof existing === 'string' ? 'value' : 'array'}.`, bracketPath(parts, i + 1));
    }
  }
}

/** `{0: a, 1: b}` → `[a, b]` (how the Stripe SDKs send arrays), except inside metadata where keys are data. */
function normalise(value: FormValue, key: string | null): FormValue {
  if (Array.isArray(value)) return value.map((v) => normalise(v, null));
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (key !== 'metadata' && keys.length > 0 && keys.every((k) => /^(0|[1-9]\d{0,3})$/.test(k))) {
    const indexes = keys.map(Number).sort((a, b) => a - b);
    if (indexes.every((n, i) => n === i)) return indexes.map((n) => normalise(value[String(n)], null));
  }
  const out: Record<string, FormValue> = {};
  for (const k of keys) setOwn(out, k, normalise(value[k], k));
  return out;
}

/** Parses `application/x-www-form-urlencoded` text (or a query string) into nested parameters. */
export function parseForm(text: string): Record<string, FormValue> {
  const root: Record<string, FormValue> = {};
  if (!text) return root;
  const pairs = text.split('&');
  if (pairs.length > MAX_PAIRS) throw badRequest(`Too many parameters: at most ${MAX_PAIRS} are accepted in one request.`);
  for (const pair of pairs) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    const key = decode(rawKey);
    if (!key) continue;
    const parts = splitKey(key);
    if (parts.length > MAX_DEPTH) throw badRequest(`Invalid parameter ${key.slice(0, 100)}: nested more than ${MAX_DEPTH - 1} levels deep.`);
    assign(root, parts, value);
  }
  return normalise(root, null) as Record<string, FormValue>;
}

/** Depth of a JSON value, so JSON bodies obey the same nesting bound as form bodies. */
export function jsonDepth(value: unknown, limit = MAX_DEPTH + 2): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (limit <= 0) return 1;
  let max = 0;
  for (const v of Object.values(value)) {
    const d = jsonDepth(v, limit - 1);
    if (d > max) max = d;
    if (max >= limit) break;
  }
  return max + 1;
}

export const MAX_PARAM_DEPTH = MAX_DEPTH;
