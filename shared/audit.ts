/** The audit log's action names, each with the words the dashboard shows for it: the one list writers and readers share. */
export const AUDIT_ACTION_LABELS = {
  'merchant.created': 'Account created',
  'merchant.updated': 'Business settings updated',
  'member.added': 'Team member added',
  'member.role_changed': 'Role changed',
  'member.removed': 'Team member removed',
  'member.ownership_transferred': 'Ownership transferred',
  'invitation.created': 'Team member invited',
  'invitation.resent': 'Invitation resent',
  'invitation.revoked': 'Invitation revoked',
  'invitation.accepted': 'Invitation accepted',
  'user.email_verified': 'Email address verified',
  'user.password_reset_requested': 'Password reset requested',
  'user.password_reset': 'Password reset',
  'session.revoked': 'Session signed out',
  'session.others_revoked': 'Other sessions signed out',
  'api_key.created': 'API key created',
  'api_key.rolled': 'API key rolled',
  'api_key.revoked': 'API key revoked',
  'api_key.revealed': 'Secret key revealed',
  'webhook_endpoint.created': 'Webhook endpoint added',
  'webhook_endpoint.secret_revealed': 'Webhook signing secret revealed',
  'webhook_endpoint.secret_rolled': 'Webhook signing secret rolled',
  'report_run.created': 'Export started',
  'report_file.downloaded': 'Export downloaded',
  'report_schedule.created': 'Scheduled export created',
  'report_schedule.updated': 'Scheduled export changed',
  'report_schedule.paused': 'Scheduled export paused',
  'report_schedule.resumed': 'Scheduled export resumed',
  'report_schedule.deleted': 'Scheduled export deleted',
  'webhook_endpoint.updated': 'Webhook endpoint updated',
  'webhook_endpoint.deleted': 'Webhook endpoint deleted',
  'user.signed_in': 'Signed in',
  'user.sign_in_failed': 'Sign-in failed',
  'two_factor.totp_enabled': 'Authenticator app turned on',
  'two_factor.totp_disabled': 'Authenticator app turned off',
  'two_factor.passkey_added': 'Passkey added',
  'two_factor.passkey_removed': 'Passkey removed',
  'two_factor.recovery_codes_regenerated': 'Recovery codes replaced',
  'two_factor.recovery_code_used': 'Recovery code used',
  'two_factor.reset': 'Two-factor authentication reset',
  'two_factor.requirement_changed': 'Two-factor requirement changed',
  'payment_intent.captured': 'Payment captured',
  'payment_intent.canceled': 'Payment canceled',
  'refund.created': 'Refund issued',
  'customer.created': 'Customer created',
  'customer.updated': 'Customer updated',
  'customer.deleted': 'Customer deleted',
} as const satisfies Record<string, string>;

export type AuditAction = keyof typeof AUDIT_ACTION_LABELS;

export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_LABELS) as AuditAction[];

export function isAuditAction(action: string): action is AuditAction {
  return Object.hasOwn(AUDIT_ACTION_LABELS, action);
}
