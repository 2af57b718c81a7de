import { describe, expect, it } from 'vitest';
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.js';
import { currentTotpCode, newTotpSecret, totpStep, totpUri } from './totp.js';
import { relyingParty } from './webauthn.js';

describe('TOTP', () => {
  it('accepts the current code and its neighbours, and refuses others', () => {
    const secret = newTotpSecret();
    const now = Date.UTC(2026, 0, 1, 12, 0, 15);
    const step = Math.floor(now / 30_000);
    expect(totpStep(secret, currentTotpCode(secret, now), now)).toBe(step);
    expect(totpStep(secret, currentTotpCode(secret, now - 30_000), now)).toBe(step - 1);
    expect(totpStep(secret, currentTotpCode(secret, now - 90_000), now)).toBeNull();
    const wrong = String((Number(currentTotpCode(secret, now)) + 1) % 1_000_000).padStart(6, '0');
    expect(totpStep(secret, wrong, now)).toBeNull();
  });

  it('names the account and issuer in the otpauth URI', () => {
    const uri = totpUri('JBSWY3DPEHPK3PXP', 'ada@example.test');
    expect(uri).toMatch(/^otpauth:\/\/totp\/PaymentFlow:ada%40example\.test\?/);
    expect(uri).toContain('secret=JBSWY3DPEHPK3PXP');
    expect(uri).toContain('issuer=PaymentFlow');
  });
});

describe('recovery codes', () => {
  it('makes ten distinct, readable codes whose hash ignores case and dashes', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    const code = codes[0]!;
    expect(hashRecoveryCode('s'.repeat(40), code.toUpperCase().replace(/-/g, ' '))).toBe(hashRecoveryCode('s'.repeat(40), code));
    expect(hashRecoveryCode('t'.repeat(40), code)).not.toBe(hashRecoveryCode('s'.repeat(40), code));
    expect(normalizeRecoveryCode(' AbC-dEf ')).toBe('abcdef');
  });
});

describe('WebAuthn relying party', () => {
  it('is the app host, with a loopback IP served as localhost (WebAuthn refuses IP addresses)', () => {
    expect(relyingParty('https://pay.example.com')).toEqual({ id: 'pay.example.com', origins: ['https://pay.example.com'] });
    expect(relyingParty('http://127.0.0.1:4123')).toEqual({ id: 'localhost', origins: ['http://localhost:4123'] });
    expect(relyingParty('http://localhost:3000')).toEqual({ id: 'localhost', origins: ['http://localhost:3000'] });
  });
});
