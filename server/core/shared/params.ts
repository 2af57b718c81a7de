import type { z } from 'zod';
import { ERROR_CODES, PaymentError, type ErrorCode } from '../../../shared/errors.js';

/**
 * The one mapping from request parameters to a contract's output, used by the REST edge and by every core
 * service (so REST, tRPC and in-process callers get the same answers), reporting problems the way Stripe
 * does: the first problem only, with `param` in bracket form (`metadata[order]`, `items[0][price]`).
 *
 * Form-encoded bodies and query strings carry only strings, so before validation the values are coerced
 * where the contract expects a number or boolean, and `""` becomes null where the contract allows null
 * (Stripe's way to unset a field). The same walk reports parameters the contract does not name, whether
 * the contract object is strict or not, because Stripe rejects unknown parameters rather than dropping them.
 */

type Schema = z.ZodType;
type Def = { type: string; [key: string]: unknown };

function def(schema: unknown): Def {
  return (schema as { _zod: { def: Def } })._zod.def;
}

function bracketParam(path: readonly PropertyKey[]): string {
  if (!path.length) return '';
  const [head, ...rest] = path.map(String);
  return head + rest.map((p) => `[${p}]`).join('');
}

// Own, enumerable data properties even for names like "__proto__", so no input can touch a prototype.
export function setOwn<T>(target: Record<string, T>, key: string, value: T) {
  // Plain assignment is the same for every name but __proto__ (Object.prototype's only setter), and
  // defineProperty on every key turned the objects into slow dictionaries (issue 8 item 13's profile).
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Peels wrappers that do not change which keys or types are accepted. */
function unwrap(schema: Schema): { inner: Schema; nullable: boolean } {
  let current = schema;
  let nullable = false;
  for (let i = 0; i < 20; i++) {
    const d = def(current);
    if (d.type === 'nullable') nullable = true;
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success'].includes(d.type)) {
      current = d.innerType as Schema;
    } else if (d.type === 'pipe') {
      const input = d.in as Schema;
      current = def(input).type === 'transform' ? (d.out as Schema) : input;
    } else if (d.type === 'lazy') {
      current = (d.getter as () => Schema)();
    } else {
      break;
    }
  }
  return { inner: current, nullable };
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

function prepare(schema: Schema, value: unknown, path: PropertyKey[], coerce: boolean): unknown {
  const { inner, nullable } = unwrap(schema);
  const d = def(inner);
  if (coerce && value === '' && nullable) return null;
  switch (d.type) {
    case 'object': {
      if (!isPlainObject(value)) return value;
      const shape = d.shape as Record<string, Schema>;
      const catchall = d.catchall as Schema | undefined;
      const open = catchall !== undefined && def(catchall).type !== 'never';
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const field = Object.prototype.hasOwnProperty.call(shape, key) ? shape[key] : open ? catchall : undefined;
        if (!field) {
          const param = bracketParam([...path, key]);
          throw new PaymentError('parameter_unknown', `Received unknown parameter: ${param}`, { param });
        }
        setOwn(out, key, prepare(field, value[key], [...path, key], coerce));
      }
      return out;
    }
    case 'record': {
      if (!isPlainObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        setOwn(out, key, prepare(d.valueType as Schema, value[key], [...path, key], coerce));
      }
      return out;
    }
    case 'array':
      return Array.isArray(value) ? value.map((v, i) => prepare(d.element as Schema, v, [...path, i], coerce)) : value;
    case 'number':
    case 'bigint':
      if (coerce && typeof value === 'string' && NUMBER.test(value) && value.length <= 30) return Number(value);
      return value;
    case 'boolean':
      // stripe-python sends `True`/`False`; Stripe reads booleans case-insensitively.
      if (coerce && typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      return value;
    case 'union': {
      if (!coerce) return value;
      // Pick the first alternative the coerced value satisfies; otherwise leave it for zod to report.
      for (const option of d.options as Schema[]) {
        try {
          const candidate = prepare(option, value, path, coerce);
          if (!mayAccept(option, candidate)) continue;
          if (option.safeParse(candidate).success) return candidate;
        } catch {
          // An alternative that names other keys is simply not the one meant.
        }
      }
      return value;
    }
    default:
      return value;
  }
}

/**
 * False when `schema` certainly refuses `value` by its JavaScript type alone. A refused safeParse builds
 * a ZodError (an Error, with its stack), and trying union alternatives that way was most of the cost of
 * parsing a create+confirm's parameters (metadata: `'' | null` before the record).
 */
function mayAccept(schema: Schema, value: unknown): boolean {
  if (value === undefined) return true;
  let d = def(schema);
  for (let i = 0; i < 20; i++) {
    if (d.type === 'nullable' && value === null) return true;
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional'].includes(d.type)) d = def(d.innerType);
    // A preprocess (transform first) may accept anything; otherwise the pipe's input decides.
    else if (d.type === 'pipe') {
      if (def(d.in).type === 'transform') return true;
      d = def(d.in);
    } else break;
  }
  if (d.coerce) return true;
  switch (d.type) {
    case 'string':
      return typeof value === 'string';
    case 'enum':
      return typeof value === 'string' || typeof value === 'number';
    case 'literal':
      return (d.values as unknown[]).includes(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'object':
    case 'record':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'union':
      return (d.options as Schema[]).some((option) => mayAccept(option, value));
    default:
      return true;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = Object.prototype.hasOwnProperty.call(current, part) ? (current as Record<PropertyKey, unknown>)[part] : undefined;
  }
  return current;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

function oneOf(values: readonly unknown[]): string {
  const items = values.map((v) => String(v));
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')}, or ${items[items.length - 1]}`;
}

function emptyError(param: string) {
  return new PaymentError(
    'parameter_invalid_empty',
    `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
    { param },
  );
}

type Issue = z.core.$ZodIssue;

/**
 * A union failure lists every alternative's problems with paths relative to the union. The most useful
 * one is the deepest, preferring an alternative that accepted the type but failed a rule (`"abc"` for an
 * integer: the string alternative's "Invalid integer", not the number alternative's type mismatch).
 */
function resolveUnion(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return issue;
  let best: Issue | null = null;
  let bestScore = -1;
  for (const alternative of issue.errors) {
    const first = alternative[0];
    if (!first) continue;
    const leaf = resolveUnion({ ...first, path: [...issue.path, ...first.path] } as Issue);
    const placeholder = leaf.code === 'invalid_value' && leaf.values.every((v) => v === '' || v === null);
    const score = leaf.path.length * 10 + (leaf.code === 'invalid_type' || placeholder ? 0 : 5);
    if (score > bestScore) {
      best = leaf;
      bestScore = score;
    }
  }
  return best ?? issue;
}

function withParamCode(error: PaymentError): PaymentError {
  if (error.code !== 'invalid_request' || !error.param) return error;
  if (error.param.startsWith('metadata')) return new PaymentError('metadata_invalid', error.message, { param: error.param });
  if (/(^|_)url$/.test(error.param)) return new PaymentError('url_invalid', error.message, { param: error.param });
  return error;
}

/** The first zod issue as the PaymentError Stripe would return for it. */
export function issueToPaymentError(original: Issue, input: unknown, options: { form?: boolean } = {}): PaymentError {
  return withParamCode(mapIssue(resolveUnion(original), input, options.form ?? false));
}

function sentence(message: string): string {
  const text = message.charAt(0).toLowerCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * `form`: the request came form-encoded, as from Stripe's SDKs, and gets Stripe's exact wording
 * (`Invalid integer: abc`); JSON bodies and in-process callers also get the parameter named in the message.
 */
function invalidInteger(name: string, value: unknown, param: string | undefined, form: boolean): PaymentError {
  return new PaymentError('parameter_invalid_integer', form ? `Invalid integer: ${show(value)}` : `Invalid integer for ${name}: ${show(value)}`, { param });
}

function mapIssue(issue: Issue, input: unknown, form: boolean): PaymentError {
  if (issue.code === 'unrecognized_keys') {
    const param = bracketParam([...issue.path, issue.keys[0]]);
    return new PaymentError('parameter_unknown', `Received unknown parameter: ${param}`, { param });
  }
  const param = bracketParam(issue.path) || undefined;
  const name = param ?? 'request';
  const value = valueAt(input, issue.path);
  if (value === undefined && issue.code === 'invalid_type') return new PaymentError('parameter_missing', `Missing required param: ${name}.`, { param });
  if (value === '' && issue.code !== 'custom') return emptyError(name);
  if (/^Invalid integer/.test(issue.message) && issue.code !== 'invalid_type') {
    return invalidInteger(name, value, param, form);
  }
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined) return new PaymentError('parameter_missing', `Missing required param: ${name}.`, { param });
      if (value === '') return emptyError(name);
      const expected = issue.expected as string;
      if (expected === 'number' || expected === 'int' || expected === 'bigint') {
        return invalidInteger(name, value, param, form);
      }
      if (expected === 'object' || expected === 'record') return new PaymentError('invalid_request', `Invalid object: ${name} must be a hash of parameters.`, { param });
      if (expected === 'array') return new PaymentError('invalid_request', `Invalid array: ${name} must be a list.`, { param });
      if (expected === 'boolean') return new PaymentError('invalid_request', `Invalid boolean: ${show(value)}`, { param });
      if (expected === 'string') return new PaymentError('invalid_request', `Invalid string: ${name} must be a string.`, { param });
      return new PaymentError('invalid_request', `Invalid ${name}: expected ${expected}.`, { param });
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        const relation = issue.code === 'too_small' ? (issue.inclusive ? 'greater than or equal to' : 'greater than') : issue.inclusive ? 'less than or equal to' : 'less than';
        return new PaymentError('parameter_invalid_integer', `Invalid ${name}: must be ${relation} ${String(bound)}.`, { param });
      }
      if (issue.origin === 'string') {
        if (value === '') return emptyError(name);
        const rule = issue.code === 'too_small' ? `at least ${String(bound)}` : `at most ${String(bound)}`;
        return new PaymentError('invalid_request', `Invalid ${name}: must be ${rule} characters long.`, { param });
      }
      const rule = issue.code === 'too_small' ? `at least ${String(bound)}` : `at most ${String(bound)}`;
      return new PaymentError('invalid_request', `Invalid ${name}: must have ${rule} items.`, { param });
    }
    case 'invalid_value':
      if (value === '') return emptyError(name);
      if (issue.values.length === 1 && !/^Invalid (input|option)/.test(issue.message)) return new PaymentError('invalid_request', `Invalid ${name}: ${sentence(issue.message)}`, { param });
      return new PaymentError('invalid_request', `Invalid ${name}: must be one of ${oneOf(issue.values)}.`, { param });
    case 'invalid_format':
      if (value === '') return emptyError(name);
      return new PaymentError('invalid_request', `Invalid ${name}: ${sentence(issue.message)}`, { param });
    case 'not_multiple_of':
      return new PaymentError('parameter_invalid_integer', `Invalid ${name}: must be a multiple of ${String(issue.divisor)}.`, { param });
    case 'custom': {
      const code = (issue.params as { code?: string } | undefined)?.code;
      const known = code && Object.prototype.hasOwnProperty.call(ERROR_CODES, code) ? (code as ErrorCode) : 'invalid_request';
      if (known !== 'invalid_request' || /^Missing required param/.test(issue.message)) return new PaymentError(known, issue.message, { param });
      if (value === '' && !/empty/i.test(issue.message)) return emptyError(name);
      return new PaymentError('invalid_request', `Invalid ${name}: ${sentence(issue.message)}`, { param });
    }
    default:
      return new PaymentError('invalid_request', `Invalid ${name}${issue.message ? `: ${issue.message}` : '.'}`, { param });
  }
}

/**
 * Validates parameters against a contract; throws the PaymentError for the first problem. `coerce` is for
 * form-encoded bodies and query strings (every value a string); JSON bodies and in-process callers pass
 * real types and leave it off.
 */
export function parseParams<S extends Schema>(schema: S, input: unknown, options: { coerce: boolean } = { coerce: false }): z.output<S> {
  if (typeof input === 'object' && input !== null && parsedBy.get(input) === schema) return input as z.output<S>;
  const prepared = prepare(schema, input ?? {}, [], options.coerce);
  const result = schema.safeParse(prepared);
  if (!result.success) throw issueToPaymentError(result.error.issues[0], prepared, { form: options.coerce });
  return rememberParsed(schema, result.data);
}

/**
 * Outputs of a contract, by the contract that made them: the REST edge validates a request's parameters
 * and the service it calls validates its input again; for the same object and contract the second parse
 * would give the same answer, and it was a measurable share of an API request. A WeakMap, so nothing leaks.
 */
const parsedBy = new WeakMap<object, z.ZodType>();

function rememberParsed<T>(schema: z.ZodType, output: T): T {
  if (typeof output === 'object' && output !== null) parsedBy.set(output, schema);
  return output;
}
