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
    // (refund.created, then payout.created, used to be the example; both are audited now.)
    expect(describeAuditEntry('ledger.rewritten', null)).toEqual({ title: 'ledger.rewritten', detail: null });
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

  it('describes what API keys did through the REST API', () => {
    expect(describeAuditEntry('payout.created', { amount: 20427, currency: 'usd' })).toEqual({ title: 'Payout created', detail: '$204.27' });
    expect(describeAuditEntry('payment_intent.canceled', { reason: 'requested_by_customer' }).detail).toBe('Reason: requested by customer');
    expect(describeAuditEntry('dispute.closed', { amount: 4900, currency: 'usd', status: 'lost' })).toEqual({ title: 'Dispute accepted', detail: '$49.00 lost' });
    expect(describeAuditEntry('dispute.updated', { changed: ['evidence', 'submit'] }).detail).toBe('Changed evidence, submit');
    expect(describeAuditEntry('refund.updated', { changed: ['metadata'] }).detail).toBe('Changed metadata');
    expect(describeAuditEntry('webhook_endpoint.updated', { description: 'Orders', enabled_events: ['*'] }).detail).toBe('Changed description, enabled events');
  });

  it('titles every action the server writes with its shared label', () => {
    for (const [action, label] of Object.entries(AUDIT_ACTION_LABELS) as [AuditAction, string][]) {
      expect(describeAuditEntry(action, {}).title).toBe(label);
    }
  });
});
