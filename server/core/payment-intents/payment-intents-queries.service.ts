/** Reading payment intents: listing, search, attempts and card-fingerprint counts. */
import type { RawBuilder } from 'kysely';
import { searchParams, type ListResult, type SearchParamsInput, type SearchResult } from '../../../shared/contracts/common.js';
import { listPaymentIntentsParams, type ListPaymentIntentsInput, type PaymentIntentDto } from '../../../shared/contracts/payment-intents.js';
import type { CoreDeps, Scope } from '../shared/deps.js';
import { findPage, findSearchPage } from '../shared/keyset.repository.js';
import { parseParams } from '../shared/params.js';
import { compileSearchText } from '../shared/search.repository.js';
import { toPaymentAttemptDto, toPaymentIntentDto, type PaymentAttemptDto } from './payment-intents.dto.js';
import * as repo from './payment-intents.repository.js';

export async function listPaymentIntents(deps: CoreDeps, scope: Scope, input: ListPaymentIntentsInput = {}, url = '/v1/payment_intents'): Promise<ListResult<PaymentIntentDto>> {
  const params = parseParams(listPaymentIntentsParams, input);
  const query = repo.selectPaymentIntents(deps.db, scope, { customer: params.customer });
  const { rows, hasMore } = await findPage(deps.db, 'payment_intents', scope, query, params);
  return { object: 'list', data: rows.map((r) => toPaymentIntentDto(r, deps.appUrl)), has_more: hasMore, url };
}

export async function searchPaymentIntents(deps: CoreDeps, scope: Scope, input: SearchParamsInput, url = '/v1/payment_intents/search'): Promise<SearchResult<PaymentIntentDto>> {
  const params = parseParams(searchParams, input);
  const search = compileSearchText('payment_intents', scope, params.query);
  const select = (condition?: RawBuilder<boolean>) => repo.selectPaymentIntents(deps.db, scope, { condition });
  const { rows, hasMore, nextPage } = await findSearchPage(deps.db, 'payment_intents', select, search, params.limit, params.page);
  return { object: 'search_result', data: rows.map((r) => toPaymentIntentDto(r, deps.appUrl)), has_more: hasMore, next_page: nextPage, url };
}

export async function findPaymentAttempts(deps: CoreDeps, scope: Scope, intentId: string): Promise<PaymentAttemptDto[]> {
  return (await repo.findAttempts(deps.db, scope, intentId)).map(toPaymentAttemptDto);
}

export async function countPaymentsByFingerprint(deps: CoreDeps, scope: Scope, fingerprint: string) {
  return repo.countByFingerprint(deps.db, scope, fingerprint);
}
