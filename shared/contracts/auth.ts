import { z } from 'zod';

export const emailSchema = z.string().trim().toLowerCase().max(254).email('Enter a valid email address.');

export const signUpInput = z.object({
  name: z.string().trim().min(1, 'Enter your name.').max(100),
  email: emailSchema,
  businessName: z.string().trim().min(1, 'Enter your business name.').max(100),
  password: z.string().min(10, 'Use at least 10 characters.').max(256, 'Use at most 256 characters.'),
});

export const signInInput = z.object({
  email: emailSchema,
  password: z.string().min(1, 'Enter your password.').max(256),
});
export type SignInInput = z.infer<typeof signInInput>;

const passwordSchema = z.string().min(10, 'Use at least 10 characters.').max(256, 'Use at most 256 characters.');
/** A token from a mailed link (verify email, reset password, invitation). */
const linkToken = z.string().min(20, 'This link is incomplete. Open it again from the email.').max(200);

export const tokenInput = z.object({ token: linkToken });
export const requestPasswordResetInput = z.object({ email: emailSchema });
export const resetPasswordInput = z.object({ token: linkToken, password: passwordSchema });
/** Accepting an invitation: a new account gives its name and password; an existing one is signed in instead. */
export const acceptInvitationInput = z.object({
  token: linkToken,
  name: z.string().trim().max(100).optional(),
  password: z.string().max(256, 'Use at most 256 characters.').optional(),
});
export const revokeSessionInput = z.object({ sessionId: z.string().min(1).max(64) });

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, 'Enter your current password.').max(256),
  newPassword: z.string().min(10, 'Use at least 10 characters.').max(256, 'Use at most 256 characters.'),
});

export const switchMerchantInput = z.object({ merchantId: z.string().min(1).max(64) });
export const setModeInput = z.object({ livemode: z.boolean() });
