import type { RawBuilder } from 'kysely';
import type { DeletedObject, ListResult, SearchParamsInput, SearchResult } from '../../../shared/contracts/common.js';
import { mergeMetadata, METADATA_MAX_KEYS, searchParams } from '../../../shared/contracts/common.js';
import {
  createCustomerParams,
  listCustomersParams,
  updateCustomerParams,
  type CreateCustomerInput,
  type CustomerDto,
  type ListCustomersInput,
  type UpdateCustomerInput,
} from '../../../shared/contracts/customers.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import type { Executor } from '../../db/database.js';
import type { Row } from '../../db/schema.js';
import { emitEvent } from '../events/events.service.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { findPage, findSearchPage } from '../shared/keyset.repository.js';
import { parseParams } from '../shared/params.js';
import { compileSearchText } from '../shared/search.repository.js';
import { inTransaction, toUnix } from '../shared/tx.js';
import * as repo from './customers.repository.js';

export function toCustomerDto(row: Row<'customers'>): CustomerDto {
  return {
    id: row.id,
    object: 'customer',
    address: null,
    balance: 0,
    created: toUnix(row.created_at),
    currency: null,
    default_source: null,
    delinquent: false,
    description: row.description,
    discount: null,
    email: row.email,
    invoice_prefix: null,
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: row.livemode,
    metadata: (row.metadata ?? {}) as Record<string, string>,
    name: row.name,
    next_invoice_sequence: 1,
    phone: row.phone,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
}

export function checkMetadataSize(metadata: Record<string, string>) {
  if (Object.keys(metadata).length > METADATA_MAX_KEYS) {
    throw new PaymentError('metadata_invalid', `Metadata can have at most ${METADATA_MAX_KEYS} keys.`, { param: 'metadata' });
  }
}

const emptyToNull = (v: string | undefined) => (v === undefined ? undefined : v === '' ? null : v);

export async function createCustomer(deps: CoreDeps, actor: Actor, input: CreateCustomerInput = {}, tx?: Executor): Promise<CustomerDto> {
  const params = parseParams(createCustomerParams, input);
  return inTransaction(deps, tx, async (t) => {
    const row = await repo.insertCustomer(t, {
      id: newId('customer'),
      merchant_id: actor.merchantId,
      livemode: actor.livemode,
      email: emptyToNull(params.email) ?? null,
      name: emptyToNull(params.name) ?? null,
      phone: emptyToNull(params.phone) ?? null,
      description: emptyToNull(params.description) ?? null,
      metadata: JSON.stringify(mergeMetadata({}, params.metadata ?? {})),
    });
    const dto = toCustomerDto(row);
    await emitEvent(t, actor, 'customer.created', dto);
    return dto;
  });
}

export async function getCustomer(deps: CoreDeps, scope: Scope, id: string): Promise<CustomerDto | DeletedObject<'customer'>> {
  const row = await repo.getCustomer(deps.db, scope, id);
  if (!row) throw notFound('customer', id);
  if (row.deleted_at) return { id: row.id, object: 'customer', deleted: true };
  return toCustomerDto(row);
}

/** For callers that need an existing, not deleted customer (e.g. attaching one to a payment). */
export async function requireLiveCustomer(db: Executor, scope: Scope, id: string, param = 'customer'): Promise<Row<'customers'>> {
  const row = await repo.getCustomer(db, scope, id);
  if (!row || row.deleted_at) throw notFound('customer', id, param);
  return row;
}

export async function updateCustomer(deps: CoreDeps, actor: Actor, id: string, input: UpdateCustomerInput = {}, tx?: Executor): Promise<CustomerDto> {
  const params = parseParams(updateCustomerParams, input);
  return inTransaction(deps, tx, async (t) => {
    const before = await repo.getCustomer(t, actor, id, { forUpdate: true });
    if (!before || before.deleted_at) throw notFound('customer', id);
    const metadata = params.metadata === undefined ? undefined : mergeMetadata(before.metadata as Record<string, string>, params.metadata);
    if (metadata) checkMetadataSize(metadata);
    const changes = {
      email: emptyToNull(params.email),
      name: emptyToNull(params.name),
      phone: emptyToNull(params.phone),
      description: emptyToNull(params.description),
    };
    const row = await repo.updateCustomer(t, actor, id, {
      ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
      ...(metadata ? { metadata: JSON.stringify(metadata) } : {}),
    });
    if (!row) throw notFound('customer', id);
    const previous = toCustomerDto(before);
    const dto = toCustomerDto(row);
    const previousAttributes = diffAttributes(previous, dto);
    if (Object.keys(previousAttributes).length) await emitEvent(t, actor, 'customer.updated', dto, previousAttributes);
    return dto;
  });
}

/** Stripe's previous_attributes: the old value of every top-level field that changed. */
export function diffAttributes<T extends object>(before: T, after: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key as string] = before[key];
  }
  return out;
}

export async function deleteCustomer(deps: CoreDeps, actor: Actor, id: string, tx?: Executor): Promise<DeletedObject<'customer'>> {
  return inTransaction(deps, tx, async (t) => {
    const row = await repo.updateCustomer(t, actor, id, { deleted_at: new Date() });
    if (!row) throw notFound('customer', id);
    await emitEvent(t, actor, 'customer.deleted', toCustomerDto(row));
    return { id: row.id, object: 'customer', deleted: true };
  });
}

export async function listCustomers(deps: CoreDeps, scope: Scope, input: ListCustomersInput = {}, url = '/v1/customers'): Promise<ListResult<CustomerDto>> {
  const params = parseParams(listCustomersParams, input);
  const query = repo.selectLiveCustomers(deps.db, scope, { email: params.email });
  const { rows, hasMore } = await findPage(deps.db, 'customers', scope, query, params);
  return { object: 'list', data: rows.map(toCustomerDto), has_more: hasMore, url };
}

export async function searchCustomers(deps: CoreDeps, scope: Scope, input: SearchParamsInput, url = '/v1/customers/search'): Promise<SearchResult<CustomerDto>> {
  const params = parseParams(searchParams, input);
  const search = compileSearchText('customers', scope, params.query);
  const select = (condition?: RawBuilder<boolean>) => repo.selectLiveCustomers(deps.db, scope, { condition });
  const { rows, hasMore, nextPage } = await findSearchPage(deps.db, 'customers', select, search, params.limit, params.page);
  return { object: 'search_result', data: rows.map(toCustomerDto), has_more: hasMore, next_page: nextPage, url };
}
