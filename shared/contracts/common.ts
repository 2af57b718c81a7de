import { z } from 'zod';
import { API_PAGE_LIMIT } from '../limits.js';
import { isSupportedCurrency, MAX_AMOUNT } from '../money.js';

/**
 * Building blocks for Stripe-shaped parameters. Form-encoded bodies carry every value as a string, so
 * integers and booleans accept their string spellings; JSON bodies and in-process callers may pass the
 * real types. Every output is a valid input again, so parsing twice (edge, then service) is harmless.
 */

export function intParam(options: { min?: number; max?: number } = {}) {
  let n = z.number().int('Invalid integer').refine(Number.isSafeInteger, 'Invalid integer');
  if (options.min !== undefined) n = n.refine((v) => v >= options.min!, `Must be at least ${options.min}`);
  if (options.max !== undefined) n = n.refine((v) => v <= options.max!, `Must be at most ${options.max}`);
  return z
    .union([z.number(), z.string().trim().regex(/^-?\d+$/, 'Invalid integer').transform(Number)])
    .pipe(n);
}

export function boolParam() {
  return z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
}

/**
 * `payment_method_types[]=card` arrives as an array, `payment_method_types[0]=card` as an object with
 * index keys; both mean the same list.
 */
export function arrayParam<T extends z.ZodType>(item: T) {
  return z
    .union([
      z.array(z.unknown()),
      z.record(z.string().regex(/^\d+$/), z.unknown()).transform((o) =>
        Object.keys(o).sort((a, b) => Number(a) - Number(b)).map((k) => o[k]),
      ),
    ])
    .pipe(z.array(item));
}

export const METADATA_MAX_KEYS = 50;
export const METADATA_KEY_MAX = 40;
export const METADATA_VALUE_MAX = 500;

/**
 * Stripe's metadata: string values (numbers are stringified), `""` as a value unsets that key on update
 * and `metadata=""` unsets them all (parsed to null). The output keeps `""` values so the service can
 * tell "delete this key" from "keep".
 */
export const metadataParam = z.union([
  z.union([z.literal(''), z.null()]).transform(() => null),
  z
    .record(
      z.string().min(1, 'Metadata keys must not be empty').max(METADATA_KEY_MAX, `Metadata keys can be at most ${METADATA_KEY_MAX} characters`),
      z.union([z.string(), z.number().transform(String), z.boolean().transform(String)]).pipe(
        z.string().max(METADATA_VALUE_MAX, `Metadata values can be at most ${METADATA_VALUE_MAX} characters`),
      ),
    )
    .refine((m) => Object.keys(m).length <= METADATA_MAX_KEYS, `Metadata can have at most ${METADATA_MAX_KEYS} keys`),
]);

/** Applies an update the way Stripe does: "" removes a key; null (from `metadata=""`) clears them all. */
export function mergeMetadata(current: Record<string, string>, update: Record<string, string> | null | undefined): Record<string, string> {
  if (update === null) return {};
  const next: Record<string, string> = { ...current };
  for (const [k, v] of Object.entries(update ?? {})) {
    if (v === '') delete next[k];
    else next[k] = v;
  }
  return next;
}

export const currencyParam = z
  .string()
  .trim()
  .toLowerCase()
  .refine(isSupportedCurrency, { message: 'Invalid currency' });

/** Range only; the per-currency minimum is checked by the service (it needs the currency). */
export const amountParam = intParam({ min: 1, max: MAX_AMOUNT });

export const idParam = z.string().trim().min(1).max(255);
/** A File's id (files.ts; here so that contracts naming a file, such as dispute evidence, need not import the files contract). */
export const fileIdParam = z.string().trim().regex(/^file_[A-Za-z0-9]{1,64}$/, 'Must be the id of an uploaded file (file_…)');
export const expandParam = arrayParam(z.string().max(255));
export const emailParam = z.string().trim().max(512).email('Invalid email address');
/** Optional text that an update may clear with "". */
export const clearableText = (max: number) => z.string().max(max);

const createdFilterParam = z.union([
  intParam({ min: 0 }),
  z.strictObject({
    gt: intParam({ min: 0 }).optional(),
    gte: intParam({ min: 0 }).optional(),
    lt: intParam({ min: 0 }).optional(),
    lte: intParam({ min: 0 }).optional(),
  }),
]);
export type CreatedFilter = z.output<typeof createdFilterParam>;

/** Shared by every list endpoint: Stripe's keyset pagination parameters. */
export const listParamsShape = {
  limit: intParam({ min: 1, max: API_PAGE_LIMIT.max }).default(API_PAGE_LIMIT.default),
  starting_after: idParam.optional(),
  ending_before: idParam.optional(),
  created: createdFilterParam.optional(),
  expand: expandParam.optional(),
};
export const listParams = z.strictObject(listParamsShape);

export const searchParams = z.strictObject({
  query: z.string().min(1, 'Missing required param: query.').max(2000),
  limit: intParam({ min: 1, max: API_PAGE_LIMIT.max }).default(API_PAGE_LIMIT.default),
  page: z.string().max(500).optional(),
  expand: expandParam.optional(),
});
export type SearchParamsInput = z.input<typeof searchParams>;

/** Stripe's list envelope. */
export interface ListResult<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export interface SearchResult<T> {
  object: 'search_result';
  data: T[];
  has_more: boolean;
  next_page: string | null;
  url: string;
  total_count?: number;
}

/** Returned by delete endpoints and by retrieve of a deleted object. */
export interface DeletedObject<O extends string> {
  id: string;
  object: O;
  deleted: true;
}

export const deleteParams = z.strictObject({});
/** Retrieving any object other than a payment intent: only `expand` (applied by server/api/expand.ts). */
export const retrieveObjectParams = z.strictObject({ expand: expandParam.optional() });

export const retrieveParams = z.strictObject({ expand: expandParam.optional(), client_secret: z.string().max(255).optional() });
