import { MAX_PREFERENCES_PER_MEMBER, MAX_SAVED_VIEWS_PER_PAGE, type PreferenceDto, type SavedViewDto, type SavedViewPage, type ViewCreateInput, viewCreateInput } from '../../../shared/contracts/dashboard.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import type { Executor } from '../../db/database.js';
import type { Row } from '../../db/schema.js';
import { toUnix } from '../shared/tx.js';
import * as repo from './saved-views.repository.js';
import type { Owner } from './saved-views.repository.js';

export type { Owner };

function toSavedViewDto(row: Row<'saved_views'>): SavedViewDto {
  return { id: row.id, page: row.page as SavedViewPage, name: row.name, params: row.params, created: toUnix(row.created_at) };
}

export async function findSavedViews(db: Executor, owner: Owner, page: SavedViewPage): Promise<SavedViewDto[]> {
  return (await repo.findSavedViews(db, owner, page)).map(toSavedViewDto);
}

export async function createSavedView(db: Executor, owner: Owner, input: ViewCreateInput): Promise<SavedViewDto> {
  const params = viewCreateInput.parse(input);
  if ((await repo.countSavedViews(db, owner, params.page)) >= MAX_SAVED_VIEWS_PER_PAGE) {
    throw new PaymentError('invalid_request', `You can keep at most ${MAX_SAVED_VIEWS_PER_PAGE} saved views per page. Delete one first.`, { param: 'name' });
  }
  const row = await repo.insertSavedView(db, {
    id: newId('savedView'),
    merchant_id: owner.merchantId,
    user_id: owner.userId,
    page: params.page,
    name: params.name,
    params: JSON.stringify(params.params),
  });
  return toSavedViewDto(row);
}

/** Only the owner's own views: another user's id answers "not found", as if it did not exist. */
export async function deleteSavedView(db: Executor, owner: Owner, id: string): Promise<{ id: string; deleted: true }> {
  if (!(await repo.deleteSavedView(db, owner, id))) throw notFound('saved view', id, 'id');
  return { id, deleted: true };
}

export async function getPreference(db: Executor, owner: Owner, key: string): Promise<PreferenceDto> {
  const row = await repo.getPreference(db, owner, key);
  return { key, value: row ? row.value : null };
}

/** Stores one preference; a member keeps at most MAX_PREFERENCES_PER_MEMBER keys (values are capped by the contract). */
export async function setPreference(db: Executor, owner: Owner, key: string, value: unknown): Promise<PreferenceDto> {
  const row = await db.transaction().execute(async (tx) => {
    await repo.lockPreferences(tx, owner);
    const { count, exists } = await repo.countPreferences(tx, owner, key);
    if (!exists && count >= MAX_PREFERENCES_PER_MEMBER) {
      throw new PaymentError('invalid_request', `You can keep at most ${MAX_PREFERENCES_PER_MEMBER} preferences.`, { param: 'key' });
    }
    return repo.upsertPreference(tx, owner, key, value);
  });
  return { key: row.key, value: row.value };
}
