import { describe, expect, it } from 'vitest';
import { invitationMail, newDeviceMail, resetPasswordMail, scheduledReportMail, verifyEmailMail } from './templates';

describe('mail templates', () => {
  const url = 'https://pay.example.test/reset-password?token=abc_DEF-123';

  it('puts the same link in the plain-text and the HTML body', () => {
    for (const mail of [verifyEmailMail({ name: 'Ada', url }), resetPasswordMail({ name: 'Ada', url }), invitationMail({ inviterName: 'Ada', merchantName: 'Shop', roleLabel: 'Developer', url })]) {
      expect(mail.text).toContain(url);
      expect(mail.html).toContain(`href="${url}"`);
      expect(mail.subject.length).toBeGreaterThan(5);
    }
  });

  it('says how long each link works', () => {
    expect(verifyEmailMail({ name: 'Ada', url }).text).toContain('24 hours');
    expect(resetPasswordMail({ name: 'Ada', url }).text).toContain('once, for 1 hour');
    expect(invitationMail({ inviterName: 'Ada', merchantName: 'Shop', roleLabel: 'Developer', url }).text).toContain('10 days');
  });

  it('escapes what people typed in the HTML body', () => {
    const mail = invitationMail({ inviterName: '<script>alert(1)</script>', merchantName: 'Fish & "Chips"', roleLabel: 'Developer', url });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.html).toContain('Fish &amp; &quot;Chips&quot;');
    // The text body is plain text: left as typed.
    expect(mail.text).toContain('Fish & "Chips"');
  });

  it('names the device, the address and the time of a new sign-in', () => {
    const mail = newDeviceMail({ name: 'Ada', device: 'Firefox on Linux', ip: '203.0.113.9', when: new Date('2026-03-01T12:34:56Z'), securityUrl: 'https://pay.example.test/settings?tab=security' });
    expect(mail.text).toContain('Firefox on Linux');
    expect(mail.text).toContain('203.0.113.9');
    expect(mail.text).toContain('2026-03-01 12:34 UTC');
    expect(mail.html).toContain('href="https://pay.example.test/settings?tab=security"');
  });

  it('names the scheduled export, its period and rows, and links the file until it expires', () => {
    const link = 'https://pay.example.test/files/file_1/download?m=acct_1&l=0&u=usr_1&e=1&s=abc';
    const mail = scheduledReportMail({ name: 'Fiona', scheduleName: 'Daily <payments>', merchantName: 'Shop', reportName: 'Payments', period: '2026-03-08', rows: 1234, url: link, expiresOn: '2026-03-16 00:00 (America/New_York)', reportsUrl: 'https://pay.example.test/reports' });
    expect(mail.subject).toBe('Daily <payments>: Payments for 2026-03-08');
    expect(mail.text).toContain(link);
    expect(mail.html).toContain(`href="${link.replace(/&/g, '&amp;')}"`);
    expect(mail.text).toContain('1,234 rows');
    expect(mail.text).toContain('until 2026-03-16 00:00 (America/New_York)');
    expect(mail.html).toContain('Daily &lt;payments&gt;');
  });
});
