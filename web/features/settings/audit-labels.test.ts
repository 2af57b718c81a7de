import { describe, expect, it } from 'vitest';
import { AUDIT_ACTION_LABELS, type AuditAction } from '../../../shared/audit';
import { describeAuditEntry } from './audit-labels';

describe('describeAuditEntry', () => {
  it('summarises known actions in words', () => {
    expect(describeAuditEntry('member.role_changed', { from: 'viewer', to: 'admin' })).toEqual({ title: 'Role changed', detail: 'View only → Administrator' });
    expect(describeAuditEntry('api_key.rolled', { expiresInHours: 24 }).detail).toBe('Old key kept working for 24 hours');
    expect(describeAuditEntry('merchant.updated', { name: 'A', timezone: 'UTC' }).detail).toBe('Saved name, time zone');
    expect(describeAuditEntry('invitation.created', { email: 'sam@example.test', role: 'support' })).toEqual({ title: 'Team member invited', detail: 'sam@example.test as Support specialist' });
    expect(describeAuditEntry('session.others_revoked', { count: 2 }).detail).toBe('2 sessions');
    expect(describeAuditEntry('session.revoked', { device: 'Firefox on Linux', ip: '10.0.0.1' }).detail).toBe('Firefox on Linux · 10.0.0.1');
  });

  it('falls back to the action code for actions it does not know', () => {
    expect(describeAuditEntry('refund.created', null)).toEqual({ title: 'refund.created', detail: null });
  });

  it('titles every action the server writes with its shared label', () => {
    for (const [action, label] of Object.entries(AUDIT_ACTION_LABELS) as [AuditAction, string][]) {
      expect(describeAuditEntry(action, {}).title).toBe(label);
    }
  });
});
