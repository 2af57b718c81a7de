import type { AUDIT_ACTOR_KINDS, AuditLogFilters } from '../../../shared/contracts/settings';
import { DEFAULT_PAGE_SIZE } from '../../../shared/limits';
import { addDays, DAY_PATTERN, startOfDayIn } from '../../lib/date-range';
import { trpc } from '../../lib/trpc';

// Apart from the audit log's component, so the settings route's loader can prefetch without loading it.

const AUDIT_PAGE_SIZE = DEFAULT_PAGE_SIZE;

/** The filters as they sit in the URL (Settings → Audit log): days are calendar days in the account's zone. */
/** `by`: who acted (members, API keys, PaymentFlow itself). */
export interface AuditSearch { actor?: string; by?: (typeof AUDIT_ACTOR_KINDS)[number]; action?: string; target?: string; from?: string; to?: string }

/** What the server filters on: `to` is the day after the last day picked (exclusive), both in the account's zone. */
export function auditFilters(search: AuditSearch, timeZone: string): AuditLogFilters {
  const day = (d?: string) => (d && DAY_PATTERN.test(d) ? d : undefined);
  const from = day(search.from);
  const to = day(search.to);
  return {
    actor: search.actor || undefined,
    actorKind: search.by || undefined,
    action: search.action || undefined,
    target: search.target || undefined,
    from: from ? startOfDayIn(timeZone, from) : undefined,
    to: to ? startOfDayIn(timeZone, addDays(to, 1)) : undefined,
  };
}

export function auditLogQuery(filters: AuditLogFilters = {}) {
  return trpc.settings.auditLog.infiniteQueryOptions({ limit: AUDIT_PAGE_SIZE, filters }, { getNextPageParam: (page) => page.nextCursor ?? undefined });
}

