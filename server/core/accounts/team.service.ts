import { PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import type { Role } from '../../../shared/permissions.js';
import type { Db, Executor } from '../../db/database.js';
import * as repo from './accounts.repository.js';
import { recordAudit } from './audit.service.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { fieldError, type UserDto } from './users.service.js';

// Team management. Admins manage the team, but only an owner may grant, change or take away the owner
// role, and an account always keeps at least one owner.

interface TeamActor { userId: string; role: Role; ip?: string | null }

/**
 * Until invitations exist, the team page only creates new users. An address that already has a user
 * elsewhere gets this answer: it names no merchant and returns nothing about that user (no name), and the
 * user is never attached without their consent. (That the address has a sign-in is no more than sign-up
 * already tells.)
 */
export const EXISTING_USER_REFUSAL = 'This email address cannot be added. Until invitations are available, only people without a PaymentFlow sign-in can be added here.';

export async function findMembers(db: Db, merchantId: string) {
  const rows = await repo.findMembers(db, merchantId);
  return rows.map((r) => ({ userId: r.id, email: r.email, name: r.name, role: r.role as Role, since: Math.floor(new Date(r.created_at).getTime() / 1000) }));
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

/** Adds a new user to the team with the temporary password; an email that already has a user is refused. */
export async function addTeamMember(db: Db, merchantId: string, actor: TeamActor, input: { email: string; name: string; role: Role; temporaryPassword: string }): Promise<UserDto> {
  if (input.role === 'owner') assertMayTouchOwner(actor);
  const email = input.email.trim().toLowerCase();
  const existing = await repo.findUserByEmail(db, email);
  if (existing) {
    // Someone already on this team is listed on the team page, so saying so tells nothing new.
    const here = await repo.getMembership(db, existing.id, merchantId);
    throw fieldError('email', here ? 'This person is already a member of the account.' : EXISTING_USER_REFUSAL);
  }
  const problem = passwordProblem(input.temporaryPassword, [email.split('@')[0], input.name]);
  if (problem) throw fieldError('temporaryPassword', problem, 'password_too_weak');
  const passwordHash = await hashPassword(input.temporaryPassword);
  return db.transaction().execute(async (tx) => {
    const user = await repo.insertUser(tx, { id: newId('user'), email, name: input.name.trim(), password_hash: passwordHash });
    await repo.insertMembership(tx, { merchant_id: merchantId, user_id: user.id, role: input.role });
    await recordAudit(tx, { merchantId, userId: actor.userId, action: 'member.added', targetId: user.id, data: { email, role: input.role }, ip: actor.ip });
    return { id: user.id, email: user.email, name: user.name };
  }).catch((error: unknown) => {
    // The same address added twice at once: the unique index on users decides, with the same answer.
    if ((error as { code?: string }).code === '23505') throw fieldError('email', EXISTING_USER_REFUSAL);
    throw error;
  });
}

export async function changeMemberRole(db: Db, merchantId: string, actor: TeamActor, userId: string, role: Role): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const membership = await repo.getMembership(tx, userId, merchantId);
    if (!membership) throw new PaymentError('resource_missing', 'No such member.', { param: 'userId' });
    if (membership.role === role) return;
    if (membership.role === 'owner' || role === 'owner') assertMayTouchOwner(actor);
    if (membership.role === 'owner') await assertNotLastOwner(tx, merchantId, userId, 'The account needs at least one owner. Make someone else an owner first.');
    await repo.setMemberRole(tx, merchantId, userId, role);
    await recordAudit(tx, { merchantId, userId: actor.userId, action: 'member.role_changed', targetId: userId, data: { from: membership.role, to: role }, ip: actor.ip });
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
    await recordAudit(tx, { merchantId, userId: actor.userId, action: 'member.removed', targetId: userId, data: { role: membership.role }, ip: actor.ip });
  });
}
