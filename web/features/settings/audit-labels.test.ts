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
    // (refund.created used to be the example; it is audited now.)
    expect(describeAuditEntry('payout.created', null)).toEqual({ title: 'payout.created', detail: null });
  });

  it('says how sign-ins, second factors, money and customers changed', () => {
    expect(describeAuditEntry('user.sign_in_failed', { reason: 'second_factor', method: 'totp' }).detail).toBe('Wrong authenticator code');
    expect(describeAuditEntry('user.sign_in_failed', { reason: 'password' }).detail).toBe('Wrong password');
    expect(describeAuditEntry('user.signed_in', { method: 'password+passkey' }).detail).toBe('Password and passkey');
    expect(describeAuditEntry('two_factor.requirement_changed', { from: false, to: true }).detail).toBe('Now required for every member');
    expect(describeAuditEntry('two_factor.passkey_added', { name: 'Work laptop' }).detail).toBe('“Work laptop”');
    expect(describeAuditEntry('two_factor.recovery_code_used', { left: 9 }).detail).toBe('9 codes left');
    expect(describeAuditEntry('refund.created', { amount: 1500, currency: 'usd', reason: 'duplicate' }).detail).toBe('$15.00 · Duplicate payment');
    expect(describeAuditEntry('payment_intent.captured', { amount: 500000, currency: 'jpy' }).detail).toBe('¥500,000');
    expect(describeAuditEntry('customer.updated', { changed: ['name', 'email'] }).detail).toBe('Changed name, email');
  });

  it('titles every action the server writes with its shared label', () => {
    for (const [action, label] of Object.entries(AUDIT_ACTION_LABELS) as [AuditAction, string][]) {
      expect(describeAuditEntry(action, {}).title).toBe(label);
    }
  });
});
