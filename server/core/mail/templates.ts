/**
 * Every mail PaymentFlow sends, each as plain text and HTML with the same words. Values are escaped
 * for HTML here, once; callers pass plain strings.
 */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

export type MailKind = 'verify_email' | 'reset_password' | 'invitation' | 'new_device' | 'scheduled_report' | 'scheduled_report_failed';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface Layout {
  subject: string;
  greeting: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  footer: string;
}

function render(layout: Layout): MailContent {
  const text = [
    layout.greeting,
    '',
    ...layout.paragraphs.flatMap((p) => [p, '']),
    ...(layout.action ? [`${layout.action.label}: ${layout.action.url}`, ''] : []),
    layout.footer,
    '',
    '— PaymentFlow',
  ].join('\n');
  const button = layout.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(layout.action.url)}" style="background:#4f46e5;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600">${escapeHtml(layout.action.label)}</a></p>
<p style="color:#6b7280;font-size:13px">Or paste this link into your browser:<br><a href="${escapeHtml(layout.action.url)}" style="color:#4f46e5;word-break:break-all">${escapeHtml(layout.action.url)}</a></p>`
    : '';
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(layout.subject)}</title></head>
<body style="margin:0;background:#f3f4f6;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#111827">
<div style="max-width:560px;margin:0 auto;padding:32px 16px">
<div style="font-weight:700;font-size:18px;margin-bottom:16px">PaymentFlow</div>
<div style="background:#ffffff;border-radius:8px;padding:24px;border:1px solid #e5e7eb">
<p>${escapeHtml(layout.greeting)}</p>
${layout.paragraphs.map((p) => `<p style="line-height:1.5">${escapeHtml(p)}</p>`).join('\n')}
${button}
<p style="color:#6b7280;font-size:13px;line-height:1.5">${escapeHtml(layout.footer)}</p>
</div></div></body></html>`;
  return { subject: layout.subject, text, html };
}

export function verifyEmailMail(input: { name: string; url: string }): MailContent {
  return render({
    subject: 'Verify your email address',
    greeting: `Hi ${input.name},`,
    paragraphs: ['Thanks for signing up for PaymentFlow. Confirm that this is your email address to take your account live.'],
    action: { label: 'Verify email address', url: input.url },
    footer: 'This link works for 24 hours. If you did not sign up, you can ignore this email.',
  });
}

export function resetPasswordMail(input: { name: string; url: string }): MailContent {
  return render({
    subject: 'Reset your PaymentFlow password',
    greeting: `Hi ${input.name},`,
    paragraphs: ['Someone asked to reset the password of your PaymentFlow account. Choose a new one with the link below; every device signed in to your account will be signed out.'],
    action: { label: 'Choose a new password', url: input.url },
    footer: 'This link works once, for 1 hour. If you did not ask for it, you can ignore this email: your password stays as it is.',
  });
}

export function invitationMail(input: { inviterName: string; merchantName: string; roleLabel: string; url: string }): MailContent {
  return render({
    subject: `${input.inviterName} invited you to ${input.merchantName} on PaymentFlow`,
    greeting: 'Hello,',
    paragraphs: [`${input.inviterName} invited you to join ${input.merchantName} on PaymentFlow as ${input.roleLabel}.`],
    action: { label: 'Accept invitation', url: input.url },
    footer: 'This invitation expires in 10 days. If you did not expect it, you can ignore this email.',
  });
}

export function newDeviceMail(input: { name: string; device: string; ip: string; when: Date; securityUrl: string }): MailContent {
  return render({
    subject: 'New sign-in to your PaymentFlow account',
    greeting: `Hi ${input.name},`,
    paragraphs: [
      'Your PaymentFlow account was just signed in to from a device it has not seen before.',
      `Device: ${input.device}`,
      `IP address: ${input.ip}`,
      `Time: ${input.when.toISOString().replace('T', ' ').slice(0, 16)} UTC`,
      'If this was you, there is nothing to do. If not, reset your password and sign out the sessions you do not recognise.',
    ],
    action: { label: 'Review your sessions', url: input.securityUrl },
    footer: 'You get this email for every sign-in from a new browser or device.',
  });
}

export function scheduledReportFailedMail(input: { name: string; scheduleName: string; merchantName: string; reportName: string; period: string; error: string; reportsUrl: string }): MailContent {
  return render({
    subject: `Failed: ${input.scheduleName}: ${input.reportName} for ${input.period}`,
    greeting: `Hi ${input.name},`,
    paragraphs: [
      `The scheduled export "${input.scheduleName}" of ${input.merchantName} could not be made: ${input.reportName}, ${input.period}.`,
      `What went wrong: ${input.error}`,
      'No file was kept. You can run the same report again from the Reports page; the schedule itself goes on as planned.',
    ],
    action: { label: 'Open Reports', url: input.reportsUrl },
    footer: 'You get this email because a member of your team added you to this scheduled export. Ask them to remove you, or pause it on the Reports page.',
  });
}

export function scheduledReportMail(input: { name: string; scheduleName: string; merchantName: string; reportName: string; period: string; rows: number; url: string; expiresOn: string; reportsUrl: string }): MailContent {
  return render({
    subject: `${input.scheduleName}: ${input.reportName} for ${input.period}`,
    greeting: `Hi ${input.name},`,
    paragraphs: [
      `The scheduled export "${input.scheduleName}" of ${input.merchantName} is ready: ${input.reportName}, ${input.period}, ${input.rows.toLocaleString('en-US')} rows.`,
      `The link below is for you only and works until ${input.expiresOn}, while your role may read reports. The file is also listed on the Reports page: ${input.reportsUrl}`,
    ],
    action: { label: 'Download the file', url: input.url },
    footer: 'You get this email because a member of your team added you to this scheduled export. Ask them to remove you, or pause it on the Reports page.',
  });
}
