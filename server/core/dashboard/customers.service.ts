import {
  customerCreateInput,
  customerListInput,
  customerUpdateInput,
  type CustomerCreateInput,
  type CustomerDetail,
  type CustomerListInput,
  type CustomerListItem,
  type CursorPage,
  type CustomerUpdateInput,
} from '../../../shared/contracts/dashboard.js';
import type { CustomerDto } from '../../../shared/contracts/customers.js';
import type { DeletedObject } from '../../../shared/contracts/common.js';
import { notFound } from '../../../shared/errors.js';
import { idKind } from '../../../shared/ids.js';
import { auditOf } from '../accounts/audit-entries.js';
import { recordAudit } from '../accounts/audit.service.js';
import * as core from '../customers/customers.service.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { toUnix } from '../shared/tx.js';
import { decodeCursor, pageFromRows } from '../shared/cursor.js';
import * as repo from './customers.repository.js';
import { findPayments } from './payments.service.js';

const CUSTOMER_PAYMENTS_PAGE = 10;

/** The customers search box: a customer id, or text matched against email and name. */
export function classifyCustomerSearch(text: string | undefined): repo.CustomerSearch | undefined {
  const q = text?.trim();
  return !q ? undefined : idKind(q) === 'customer' ? { kind: 'id', value: q } : { kind: 'text', value: q };
}

export async function findCustomers(deps: CoreDeps, scope: Scope, input: CustomerListInput): Promise<CursorPage<CustomerListItem>> {
  const f = customerListInput.parse(input);
  const search = classifyCustomerSearch(f.q);
  const cursor = f.cursor ? decodeCursor(f.cursor, 'created', 'desc') : undefined;
  const rows = await repo.findCustomerRows(deps.db, scope, search, { sort: 'created', dir: 'desc', limit: f.limit, cursor });
  const page = pageFromRows(rows, f.limit, 'created', 'desc', cursor);
  return {
    items: page.rows.map((r) => ({ id: r.id, email: r.email, name: r.name, phone: r.phone, description: r.description, created: toUnix(r.created_at), livemode: r.livemode })),
    nextCursor: page.nextCursor,
    prevCursor: page.prevCursor,
  };
}

/** A customer with the first page of their payments (continue with payments.list({customer})) and totals per currency. */
export async function getCustomerDetail(deps: CoreDeps, scope: Scope, id: string): Promise<CustomerDetail> {
  const customer = await core.getCustomer(deps, scope, id);
  if ('deleted' in customer) throw notFound('customer', id);
  const [payments, totals] = await Promise.all([
    findPayments(deps, scope, 'UTC', { customer: id, limit: CUSTOMER_PAYMENTS_PAGE }),
    repo.customerTotals(deps.db, scope, id),
  ]);
  return {
    customer,
    payments: { items: payments.items, nextCursor: payments.nextCursor, prevCursor: payments.prevCursor },
    totals: totals.map((t) => ({ currency: t.currency, spent: Number(t.spent), refunded: Number(t.refunded), payments: t.payments })),
  };
}

// Each change is audited in its own transaction: what changed (the fields sent), by whom, from where.
export function createCustomer(deps: CoreDeps, actor: Actor, input: CustomerCreateInput): Promise<CustomerDto> {
  const params = customerCreateInput.parse(input);
  return deps.db.transaction().execute(async (tx) => {
    const customer = await core.createCustomer(deps, actor, params, tx);
    await recordAudit(tx, { ...actor, ...auditOf.customerCreated(customer) });
    return customer;
  });
}

/** Metadata merges as in Stripe's API: a key set to "" is removed, other keys are kept. */
export function updateCustomer(deps: CoreDeps, actor: Actor, input: CustomerUpdateInput): Promise<CustomerDto> {
  const { id, ...params } = customerUpdateInput.parse(input);
  return deps.db.transaction().execute(async (tx) => {
    const customer = await core.updateCustomer(deps, actor, id, params, tx);
    await recordAudit(tx, { ...actor, ...auditOf.customerUpdated(id, Object.keys(params).filter((k) => params[k as keyof typeof params] !== undefined)) });
    return customer;
  });
}

export function deleteCustomer(deps: CoreDeps, actor: Actor, id: string): Promise<DeletedObject<'customer'>> {
  return deps.db.transaction().execute(async (tx) => {
    const deleted = await core.deleteCustomer(deps, actor, id, tx);
    await recordAudit(tx, { ...actor, ...auditOf.customerDeleted(id) });
    return deleted;
  });
}
