import { z } from 'zod';

/** Six digits from the authenticator app; spaces are ignored ("123 456"). */
export const totpCodeSchema = z.string().transform((v) => v.replace(/\s+/g, '')).pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app.'));

/** A recovery code as printed ("k7q2-m9xd-4hpw"); case, spaces and dashes are ignored. */
export const recoveryCodeSchema = z.string().max(64).transform((v) => v.toLowerCase().replace(/[\s-]+/g, '')).pipe(z.string().regex(/^[a-z0-9]{12}$/, 'Enter one of your recovery codes, like k7q2-m9xd-4hpw.'));

export const passwordConfirmation = z.object({ password: z.string().min(1, 'Enter your password.').max(256) });

export const confirmTotpInput = z.object({ code: totpCodeSchema });

/** A WebAuthn response from @simplewebauthn/browser (validated in depth by @simplewebauthn/server). */
const webauthnResponse = z.object({
  id: z.string().min(1).max(1024),
  rawId: z.string().min(1).max(1024),
  type: z.literal('public-key'),
  response: z.record(z.string(), z.unknown()),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.string().max(40).optional(),
}).passthrough();

export const registerPasskeyInput = z.object({
  name: z.string().trim().min(1, 'Name this passkey, e.g. "Work laptop".').max(60, 'Use at most 60 characters.'),
  response: webauthnResponse,
});
export const removePasskeyInput = passwordConfirmation.extend({ id: z.string().min(1).max(1024) });

/** The second step of sign-in: the challenge token from auth.signIn and one proof. */
export const verifySecondFactorInput = z.object({
  challenge: z.string().min(1).max(200),
  proof: z.discriminatedUnion('method', [
    z.object({ method: z.literal('totp'), code: totpCodeSchema }),
    z.object({ method: z.literal('recovery'), code: recoveryCodeSchema }),
    z.object({ method: z.literal('passkey'), response: webauthnResponse }),
  ]),
});
export const passkeySignInOptionsInput = z.object({ challenge: z.string().min(1).max(200) });

export const requireTwoFactorInput = z.object({ required: z.boolean() });
export const resetMemberTwoFactorInput = z.object({ userId: z.string().min(1).max(64) });

export const SECOND_FACTOR_METHODS = ['totp', 'passkey', 'recovery'] as const;
export type SecondFactorMethod = (typeof SECOND_FACTOR_METHODS)[number];
