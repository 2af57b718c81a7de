import { AUDIT_ACTION_LABELS, isAuditAction } from '../../../shared/audit';
import { ROLE_LABELS, type Role } from '../../../shared/permissions';
import { money } from '../../lib/money';
import { REFUND_REASON_LABELS, type RefundReason } from '../../lib/refund-labels';

const FACTOR_LABELS: Record<string, string> = { password: 'password', totp: 'authenticator code', recovery: 'recovery code', passkey: 'passkey' };
const amountOf = (d: Record<string, unknown>) => (typeof d.amount === 'number' && typeof d.currency === 'string' ? money(d.amount, d.currency) : null);


const roleLabel = (role: unknown) => (typeof role === 'string' && role in ROLE_LABELS ? ROLE_LABELS[role as Role] : String(role));

const FIELD_LABELS: Record<string, string> = { name: 'name', timezone: 'time zone', supportEmail: 'support email', statementDescriptor: 'statement descriptor' };

/** A heading and a one-line detail for an audit entry; unknown actions fall back to their code. */
export function describeAuditEntry(action: string, data: unknown): { title: string; detail: string | null } {
  const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const title = isAuditAction(action) ? AUDIT_ACTION_LABELS[action] : action;
  switch (action) {
    case 'member.added':
      return { title, detail: `${d.email ?? 'Someone'} as ${roleLabel(d.role)}` };
    case 'member.role_changed':
      return { title, detail: `${roleLabel(d.from)} → ${roleLabel(d.to)}` };
    case 'invitation.created':
    case 'invitation.resent':
    case 'invitation.revoked':
    case 'invitation.accepted':
      return { title, detail: `${d.email ?? 'Someone'} as ${roleLabel(d.role)}` };
    case 'member.ownership_transferred':
      return { title, detail: d.previousRole ? `Was ${roleLabel(d.previousRole)}` : null };
    case 'session.revoked':
      return { title, detail: [d.device, d.ip].filter((x) => typeof x === 'string' && x).join(' · ') || null };
    case 'session.others_revoked': {
      const count = Number(d.count ?? 0);
      return { title, detail: `${count} session${count === 1 ? '' : 's'}` };
    }
    case 'member.removed':
      return { title, detail: d.role ? `Was ${roleLabel(d.role)}` : null };
    case 'merchant.updated': {
      const fields = Object.keys(d).filter((k) => k in FIELD_LABELS).map((k) => FIELD_LABELS[k]);
      return { title, detail: fields.length ? `Saved ${fields.join(', ')}` : null };
    }
    case 'api_key.created':
      return { title, detail: typeof d.name === 'string' && d.name ? `“${d.name}”` : null };
    case 'api_key.rolled': {
      const hours = Number(d.expiresInHours ?? 0);
      return { title, detail: hours > 0 ? `Old key kept working for ${hours} hour${hours === 1 ? '' : 's'}` : 'Old key revoked at once' };
    }
    case 'user.signed_in': {
      const methods = String(d.method ?? 'password').split('+').map((m) => FACTOR_LABELS[m] ?? m);
      return { title, detail: methods.map((m, i) => (i === 0 ? m[0]!.toUpperCase() + m.slice(1) : m)).join(' and ') };
    }
    case 'user.sign_in_failed':
      return { title, detail: d.reason === 'second_factor' ? `Wrong ${FACTOR_LABELS[String(d.method)] ?? 'second factor'}` : 'Wrong password' };
    case 'two_factor.requirement_changed':
      return { title, detail: d.to ? 'Now required for every member' : 'No longer required' };
    case 'two_factor.passkey_added':
    case 'two_factor.passkey_removed':
      return { title, detail: typeof d.name === 'string' ? `“${d.name}”` : null };
    case 'two_factor.recovery_code_used':
      return { title, detail: typeof d.left === 'number' ? `${d.left} code${d.left === 1 ? '' : 's'} left` : null };
    case 'refund.created': {
      const reason = typeof d.reason === 'string' && d.reason in REFUND_REASON_LABELS ? REFUND_REASON_LABELS[d.reason as RefundReason] : null;
      return { title, detail: [amountOf(d), reason].filter(Boolean).join(' · ') || null };
    }
    case 'payment_intent.captured':
    case 'payout.created':
      return { title, detail: amountOf(d) };
    case 'payment_intent.canceled':
      return { title, detail: typeof d.reason === 'string' ? `Reason: ${d.reason.replace(/_/g, ' ')}` : null };
    case 'dispute.closed':
      return { title, detail: amountOf(d) ? `${amountOf(d)} lost` : null };
    case 'customer.updated':
    case 'refund.updated':
    case 'dispute.updated':
      return { title, detail: Array.isArray(d.changed) && d.changed.length ? `Changed ${d.changed.join(', ')}` : null };
    case 'webhook_endpoint.updated': {
      const fields = Object.keys(d).map((k) => k.replace(/_/g, ' '));
      return { title, detail: fields.length ? `Changed ${fields.join(', ')}` : null };
    }
    default:
      return { title, detail: null };
  }
}
