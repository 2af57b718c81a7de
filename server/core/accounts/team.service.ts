import { PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import type { Role } from '../../../shared/permissions.js';
import type { Db, Executor } from '../../db/database.js';
import * as repo from './accounts.repository.js';
import { recordAudit, type AuditOrigin } from './audit.service.js';
import { ROLE_LABELS } from '../../../shared/permissions.js';
import { queueMail } from '../mail/mail.service.js';
import { invitationMail } from '../mail/templates.js';
import { randomToken, sha256Hex } from '../shared/crypto.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { createSession, type SessionInfo, type SessionTokens } from './sessions.service.js';
import { fieldError, type UserDto } from './users.service.js';

const unix = (d: Date | string) => Math.floor(new Date(d).getTime() / 1000);

// Team management: members join by invitation (mailed, and shown to copy). Admins manage the team, but only an owner may grant, change or take away the owner
// role, and an account always keeps at least one owner.

interface TeamActor extends AuditOrigin { userId: string; role: Role }

export async function findMembers(db: Db, merchantId: string) {
  const rows = await repo.findMembers(db, merchantId);
  return rows.map((r) => ({
    userId: r.id, email: r.email, name: r.name, role: r.role as Role, since: unix(r.created_at),
    lastSignIn: r.last_sign_in_at ? unix(r.last_sign_in_at) : null, emailVerified: Boolean(r.email_verified_at),
  }));
}

function assertMayTouchOwner(actor: TeamActor) {
  if (actor.role !== 'owner') {
    throw new PaymentError('permission_denied', 'Only an owner can grant, change or remove the owner role.', { param: 'role' });
  }
}

async function assertNotLastOwner(tx: Executor, merchantId: string, userId: string, message: string) {
  const owners = await repo.lockOwners(tx, merchantId);
  if (owners.length <= 1 && owners.some((o) => o.user_id === userId)) {
    throw new PaymentError('invalid_request', message, { param: 'userId' });
  }
}

export async function changeMemberRole(db: Db, merchantId: string, actor: TeamActor, userId: string, role: Role): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const membership = await repo.getMembership(tx, userId, merchantId);
    if (!membership) throw new PaymentError('resource_missing', 'No such member.', { param: 'userId' });
    if (membership.role === role) return;
    if (membership.role === 'owner' || role === 'owner') assertMayTouchOwner(actor);
    if (membership.role === 'owner') await assertNotLastOwner(tx, merchantId, userId, 'The account needs at least one owner. Make someone else an owner first.');
    await repo.setMemberRole(tx, merchantId, userId, role);
    await recordAudit(tx, { merchantId, userId: actor.userId, action: 'member.role_changed', targetId: userId, data: { from: membership.role, to: role }, ip: actor.ip, userAgent: actor.userAgent });
  });
}

export async function removeTeamMember(db: Db, merchantId: string, actor: TeamActor, userId: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const membership = await repo.getMembership(tx, userId, merchantId);
    if (!membership) throw new PaymentError('resource_missing', 'No such member.', { param: 'userId' });
    if (membership.role === 'owner') {
      assertMayTouchOwner(actor);
      await assertNotLastOwner(tx, merchantId, userId, 'The last owner cannot be removed. Make someone else an owner first.');
    }
    await repo.deleteMembership(tx, merchantId, userId);
    await recordAudit(tx, { merchantId, userId: actor.userId, action: 'member.removed', targetId: userId, data: { role: membership.role }, ip: actor.ip, userAgent: actor.userAgent });
  });
}

/**
 * Makes `userId` an owner and the acting owner an admin, in one transaction: the account never has no
 * owner, and handing over is one step instead of promote-then-demote.
 */
export async function transferOwnership(db: Db, merchantId: string, actor: TeamActor, userId: string): Promise<void> {
  assertMayTouchOwner(actor);
  if (userId === actor.userId) throw new PaymentError('invalid_request', 'You already own this account. Choose another member.', { param: 'userId' });
  await db.transaction().execute(async (tx) => {
    await repo.lockOwners(tx, merchantId);
    const target = await repo.getMembership(tx, userId, merchantId);
    if (!target) throw new PaymentError('resource_missing', 'No such member.', { param: 'userId' });
    const mine = await repo.getMembership(tx, actor.userId, merchantId);
    if (mine?.role !== 'owner') throw new PaymentError('permission_denied', 'Only an owner can transfer ownership.', { param: 'userId' });
    await repo.setMemberRole(tx, merchantId, userId, 'owner');
    await repo.setMemberRole(tx, merchantId, actor.userId, 'admin');
    await recordAudit(tx, { merchantId, userId: actor.userId, action: 'member.ownership_transferred', targetId: userId, data: { from: actor.userId, to: userId, previousRole: target.role }, ip: actor.ip, userAgent: actor.userAgent });
  });
}

// Invitations: a link mailed to the address (and shown to the inviter to copy), valid for 10 days. The token
// is kept only as its hash, so resending makes a new link and the old one stops working.

/** How long an invitation's link works, from its transaction's instant (the repository sets both; see there). */
const INVITATION_TTL_MS = 10 * 24 * 3_600_000;

export interface InvitationDto {
  id: string; email: string; role: Role; invitedBy: string | null; created: number; sent: number; expires: number; expired: boolean;
}

const invitationUrl = (appUrl: string, token: string) => `${appUrl}/accept-invite?token=${encodeURIComponent(token)}`;

export async function findInvitations(db: Executor, merchantId: string): Promise<InvitationDto[]> {
  const rows = await repo.findPendingInvitations(db, merchantId);
  const now = Date.now();
  return rows.map((r) => ({
    id: r.id, email: r.email, role: r.role as Role, invitedBy: r.invited_by_email, created: unix(r.created_at), sent: unix(r.sent_at),
    expires: unix(r.expires_at), expired: new Date(r.expires_at).getTime() <= now,
  }));
}

interface MailContext { appUrl: string; inviterName: string; merchantName: string }

async function mailInvitation(tx: Executor, ctx: MailContext, email: string, role: Role, token: string) {
  const url = invitationUrl(ctx.appUrl, token);
  await queueMail(tx, email, 'invitation', invitationMail({ inviterName: ctx.inviterName, merchantName: ctx.merchantName, roleLabel: ROLE_LABELS[role], url }));
  return url;
}

/** Invites an address with a role; returns the invitation and its link (shown once, to copy). */
export async function inviteMember(db: Db, merchantId: string, actor: TeamActor & MailContext, input: { email: string; role: Role }): Promise<{ invitation: InvitationDto; url: string }> {
  if (input.role === 'owner') assertMayTouchOwner(actor);
  const email = input.email.trim().toLowerCase();
  const existing = await repo.findUserByEmail(db, email);
  // Someone already on this team is listed on the team page, so saying so tells nothing new.
  if (existing && (await repo.getMembership(db, existing.id, merchantId))) throw fieldError('email', 'This person is already a member of the account.');
  const pending = await repo.findPendingInvitationByEmail(db, merchantId, email);
  if (pending) throw fieldError('email', 'This address already has an invitation. Resend it from the list below instead.');
  const token = randomToken(32);
  return db.transaction().execute(async (tx) => {
    const row = await repo.insertInvitation(tx, {
      id: newId('invitation'), merchant_id: merchantId, email, role: input.role, invited_by: actor.userId,
      token_hash: sha256Hex(token),
    }, INVITATION_TTL_MS);
    const url = await mailInvitation(tx, actor, email, input.role, token);
    await recordAudit(tx, { merchantId, userId: actor.userId, action: 'invitation.created', targetId: row.id, data: { email, role: input.role }, ip: actor.ip, userAgent: actor.userAgent });
    const [invitation] = (await findInvitations(tx, merchantId)).filter((i) => i.id === row.id);
    return { invitation: invitation!, url };
  }).catch((error: unknown) => {
    // The same address invited twice at once: the unique index on pending invitations decides.
    if ((error as { code?: string }).code === '23505') throw fieldError('email', 'This address already has an invitation. Resend it from the list below instead.');
    throw error;
  });
}

/** A new link, mailed again; the 10 days start over (also the way to revive an expired invitation). */
export async function resendInvitation(db: Db, merchantId: string, actor: TeamActor & MailContext, invitationId: string): Promise<{ url: string }> {
  const token = randomToken(32);
  return db.transaction().execute(async (tx) => {
    const current = await repo.getPendingInvitation(tx, merchantId, invitationId);
    if (!current) throw new PaymentError('resource_missing', 'No such invitation: it may have been accepted or revoked.', { param: 'invitationId', status: 404 });
    if (current.role === 'owner') assertMayTouchOwner(actor);
    await repo.renewInvitation(tx, merchantId, invitationId, sha256Hex(token), INVITATION_TTL_MS);
    const url = await mailInvitation(tx, actor, current.email, current.role as Role, token);
    await recordAudit(tx, { merchantId, userId: actor.userId, action: 'invitation.resent', targetId: invitationId, data: { email: current.email, role: current.role }, ip: actor.ip, userAgent: actor.userAgent });
    return { url };
  });
}

export async function revokeInvitation(db: Db, merchantId: string, actor: TeamActor, invitationId: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const current = await repo.getPendingInvitation(tx, merchantId, invitationId);
    if (!current) throw new PaymentError('resource_missing', 'No such invitation: it may have been accepted or revoked.', { param: 'invitationId', status: 404 });
    if (current.role === 'owner') assertMayTouchOwner(actor);
    await repo.deleteInvitation(tx, merchantId, invitationId);
    await recordAudit(tx, { merchantId, userId: actor.userId, action: 'invitation.revoked', targetId: invitationId, data: { email: current.email, role: current.role }, ip: actor.ip, userAgent: actor.userAgent });
  });
}

export interface InvitationPreviewDto {
  status: 'pending' | 'expired' | 'accepted';
  merchantName: string; email: string; role: Role; inviterName: string | null;
  /** The address already has a PaymentFlow sign-in: accepting attaches it (signed in as that user). */
  existingAccount: boolean;
}

const INVALID_INVITATION = 'This invitation link is not valid. It may have been revoked or replaced by a newer one; ask for a new invitation.';

/** What the accept page shows for a link (the link itself is the proof of being invited). */
export async function previewInvitation(db: Db, token: string): Promise<InvitationPreviewDto> {
  const row = await repo.getInvitationByToken(db, sha256Hex(token));
  if (!row) throw new PaymentError('resource_missing', INVALID_INVITATION, { param: 'token', status: 404 });
  return {
    status: row.accepted_at ? 'accepted' : new Date(row.expires_at).getTime() <= Date.now() ? 'expired' : 'pending',
    merchantName: row.merchant_name, email: row.email, role: row.role as Role, inviterName: row.inviter_name,
    existingAccount: Boolean(await repo.findUserByEmail(db, row.email)),
  };
}

/**
 * Accepts an invitation, once and before it expires. An address without an account creates it here (name
 * and password); one with an account must be signed in as that user, who is attached with the role.
 * Returns the merchant joined, and a new session when an account was created.
 */
export async function acceptInvitation(
  db: Db,
  token: string,
  input: { session: SessionInfo | null; name?: string; password?: string; ip?: string | null; userAgent?: string | null },
): Promise<{ merchantId: string; user: UserDto; session: SessionTokens | null }> {
  const row = await repo.getInvitationByToken(db, sha256Hex(token));
  if (!row || row.accepted_at) throw new PaymentError('resource_missing', INVALID_INVITATION, { param: 'token', status: 404 });
  if (new Date(row.expires_at).getTime() <= Date.now()) throw new PaymentError('invalid_request', 'This invitation has expired. Ask for a new one.', { param: 'token' });
  const email = row.email.toLowerCase();
  const existing = await repo.findUserByEmail(db, email);
  let passwordHash: string | null = null;
  let name = '';
  if (existing) {
    if (!input.session || input.session.user.id !== existing.id) {
      throw new PaymentError('permission_denied', `This invitation is for ${email}. Sign in as ${email} to accept it.`, { param: 'token', status: 403 });
    }
  } else {
    name = input.name?.trim() ?? '';
    if (!name) throw fieldError('name', 'Enter your name.');
    const problem = passwordProblem(input.password ?? '', [email.split('@')[0] ?? '', name]);
    if (problem) throw fieldError('password', problem, 'password_too_weak');
    passwordHash = await hashPassword(input.password ?? '');
  }
  return db.transaction().execute(async (tx) => {
    const accepted = await repo.markInvitationAccepted(tx, row.id);
    if (!accepted) throw new PaymentError('resource_missing', INVALID_INVITATION, { param: 'token', status: 404 });
    const user = existing ?? (await repo.insertUser(tx, { id: newId('user'), email, name, password_hash: passwordHash!, email_verified_at: null, last_sign_in_at: new Date() }));
    if (await repo.getMembership(tx, user.id, row.merchant_id)) throw new PaymentError('invalid_request', 'You are already a member of this account.', { param: 'token' });
    await repo.insertMembership(tx, { merchant_id: row.merchant_id, user_id: user.id, role: accepted.role });
    await recordAudit(tx, { merchantId: row.merchant_id, userId: user.id, action: 'invitation.accepted', targetId: row.id, data: { email, role: accepted.role }, ip: input.ip, userAgent: input.userAgent });
    await recordAudit(tx, { merchantId: row.merchant_id, userId: user.id, action: 'member.added', targetId: user.id, data: { email, role: accepted.role, invitationId: row.id }, ip: input.ip, userAgent: input.userAgent });
    let session: SessionTokens | null = null;
    if (existing && input.session) {
      // Straight into the account just joined, in test mode.
      await repo.updateSessionTenant(tx, input.session.tokenHash, { merchant_id: row.merchant_id, livemode: false });
    } else {
      session = await createSession(tx, user.id, row.merchant_id, { ip: input.ip ?? undefined, userAgent: input.userAgent });
    }
    return { merchantId: row.merchant_id, user: { id: user.id, email: user.email, name: user.name }, session };
  });
}
