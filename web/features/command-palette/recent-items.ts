import { LOOKUP_TYPES, type LookupResult } from '../../../shared/contracts/dashboard';

export const MAX_RECENT = 6;

/** Per member, account and mode: a test-mode payment means nothing in live mode or to a colleague. */
export function recentKey(scope: { userId: string; merchantId: string; livemode: boolean }) {
  return `paymentflow:recent:${scope.userId}:${scope.merchantId}:${scope.livemode ? 'live' : 'test'}`;
}

function isLookupResult(value: unknown): value is LookupResult {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    (LOOKUP_TYPES as readonly unknown[]).includes(v.type) &&
    typeof v.id === 'string' &&
    typeof v.path === 'string' &&
    /^\/[a-z]/.test(v.path) &&
    typeof v.label === 'string' &&
    (v.detail === null || typeof v.detail === 'string')
  );
}

/** What was stored, dropping anything malformed (another version of the app, a hand edit). */
export function readRecent(storage: Pick<Storage, 'getItem'>, key: string): LookupResult[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(key) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isLookupResult).slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

/** Puts `item` first, without duplicates, keeping the newest MAX_RECENT. */
function withRecent(list: LookupResult[], item: LookupResult): LookupResult[] {
  const { type, id, path, label, detail } = item;
  return [{ type, id, path, label, detail }, ...list.filter((r) => !(r.type === item.type && r.id === item.id))].slice(0, MAX_RECENT);
}

export function rememberRecent(storage: Pick<Storage, 'getItem' | 'setItem'>, key: string, item: LookupResult): LookupResult[] {
  const next = withRecent(readRecent(storage, key), item);
  try {
    storage.setItem(key, JSON.stringify(next));
  } catch {
    // Storage full or blocked (private mode): recent items are a convenience, the palette still works.
  }
  return next;
}
