import { z } from 'zod';
import { AUDIT_ACTOR_KINDS } from './url-enums.js';
import { ROLES } from '../permissions.js';
import { emailSchema } from './auth.js';

/** True for any IANA zone name the runtime knows ("UTC", "Europe/Paris", "Asia/Kathmandu"). */
function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An optional text field: blank means "not set" and is stored as null. */
const optional = <T extends z.ZodType<string>>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), schema.nullable());

// Card networks print the descriptor on statements: Latin letters, digits and a few symbols only,
// 5 to 22 characters, at least one letter (Stripe's rules).
const statementDescriptorSchema = z
  .string()
  .trim()
  .min(5, 'Use at least 5 characters.')
  .max(22, 'Use at most 22 characters.')
  .regex(/^[^<>\\'"*]*$/, 'Leave out < > \\ \' " and *.')
  .regex(/^[\x20-\x7e]*$/, 'Use Latin letters, digits and basic punctuation only.')
  .regex(/[A-Za-z]/, 'Include at least one letter.');

export const updateBusinessSettingsInput = z.object({
  name: z.string().trim().min(1, 'Enter the business name.').max(100, 'Use at most 100 characters.'),
  timezone: z.string().refine(isValidTimeZone, 'Choose a time zone from the list.'),
  supportEmail: optional(emailSchema),
  statementDescriptor: optional(statementDescriptorSchema),
});

const roleSchema = z.enum(ROLES, { message: 'Choose a role.' });

/** Inviting someone by email with a role; they set their own password when they accept. */
export const inviteMemberInput = z.object({ email: emailSchema, role: roleSchema });
export const invitationIdInput = z.object({ invitationId: z.string().min(1).max(64) });
export const transferOwnershipInput = z.object({ userId: z.string().min(1).max(64) });

export const changeMemberRoleInput = z.object({ userId: z.string().min(1).max(64), role: roleSchema });
export const removeMemberInput = z.object({ userId: z.string().min(1).max(64) });

export { AUDIT_ACTOR_KINDS };
/**
 * Audit log filters (Settings → Audit log): actor (user id or part of an email; an API key's id, part of its
 * name or its last four), who acted, action or action family, target id, UTC date range.
 */
export const auditLogFilters = z.object({
  actor: z.string().trim().max(254).optional(),
  actorKind: z.enum(AUDIT_ACTOR_KINDS, { message: 'Choose members, API keys or PaymentFlow.' }).optional(),
  action: z.string().max(80).regex(/^[a-z_]+(\.[a-z_]+)?$/, 'Choose an action from the list.').optional(),
  target: z.string().trim().max(255).optional(),
  /** Unix seconds; from inclusive, to exclusive. */
  from: z.number().int().min(0).optional(),
  to: z.number().int().min(0).optional(),
}).refine((f) => f.from === undefined || f.to === undefined || f.from < f.to, { message: 'The end of the range must be after its start.', path: ['to'] });
export type AuditLogFilters = z.infer<typeof auditLogFilters>;

/** The API key that acted, as the keys page shows it: never the secret, only its prefix and last four. */
export interface AuditApiKeyActor { id: string; type: 'publishable' | 'secret' | 'restricted' | null; name: string | null; redacted: string | null }

/** One audit log entry as the dashboard reads it: the actor is a member (userId), an API key, or neither (PaymentFlow). */
export interface AuditEntryDto {
  id: string; action: string; targetId: string | null; data: Record<string, unknown>; livemode: boolean | null;
  userId: string | null; userEmail: string | null; apiKey: AuditApiKeyActor | null; ip: string | null; userAgent: string | null; created: number;
}

export const auditLogInput = z.object({
  cursor: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(100).default(25),
  filters: auditLogFilters.optional(),
});

// Developers: API keys of the current mode.
export const createSecretKeyInput = z.object({
  name: z.string().trim().max(60, 'Use at most 60 characters.').optional(),
});
export const ROLL_EXPIRY_HOURS = [0, 1, 24, 72, 168] as const;
export const rollApiKeyInput = z.object({
  id: z.string().min(1).max(64),
  /** How long the old key keeps working; 0 revokes it at once. */
  expiresInHours: z.literal(ROLL_EXPIRY_HOURS, { message: 'Choose when the old key stops working.' }).default(0),
});
export const revokeApiKeyInput = z.object({ id: z.string().min(1).max(64) });
