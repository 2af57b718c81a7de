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
  'webhook_endpoint.created': 'Webhook endpoint added',
  'webhook_endpoint.secret_revealed': 'Webhook signing secret revealed',
  'webhook_endpoint.secret_rolled': 'Webhook signing secret rolled',
  'report_run.created': 'Export started',
  'report_file.downloaded': 'Export downloaded',
} as const satisfies Record<string, string>;

export type AuditAction = keyof typeof AUDIT_ACTION_LABELS;

export function isAuditAction(action: string): action is AuditAction {
  return Object.hasOwn(AUDIT_ACTION_LABELS, action);
}
