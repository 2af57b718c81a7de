import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { inviteMemberInput } from '../../../shared/contracts/settings';
import { ROLE_LABELS, ROLES, type Role } from '../../../shared/permissions';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { Card, CardHeader } from '../../components/card';
import { CopyButton } from '../../components/copy-button';
import { Dialog } from '../../components/dialog';
import { Field, FormError } from '../../components/field';
import { Icon } from '../../components/icons';
import { Input, Select } from '../../components/input';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { formatDate, formatRelative, initials } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { useZodForm } from '../../lib/use-form';

const ROLE_HINTS: Record<Role, string> = {
  owner: 'Everything, including managing owners.',
  admin: 'Everything except managing owners.',
  developer: 'API keys, webhooks and payments data.',
  support: 'Payments and customers; refunds.',
  finance: 'Payments, analytics and exports.',
  viewer: 'Read-only access to payments and analytics.',
};

type Member = ReturnType<typeof useMembers>['members'][number];

function useMembers() {
  return useSuspenseQuery(trpc.settings.members.queryOptions()).data;
}

/** Which roles the current member may hand out: only owners grant the owner role. */
function assignableRoles(actorRole: Role | null): Role[] {
  return ROLES.filter((r) => r !== 'owner' || actorRole === 'owner');
}

export function TeamSettings({ actorRole }: { actorRole: Role | null }) {
  const { members, currentUserId } = useMembers();
  const queryClient = useQueryClient();
  const [inviting, setInviting] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [transferring, setTransferring] = useState<Member | null>(null);
  const owners = members.filter((m) => m.role === 'owner').length;
  const refresh = () => Promise.all([
    queryClient.invalidateQueries({ queryKey: trpc.settings.members.queryKey() }),
    queryClient.invalidateQueries({ queryKey: trpc.invitations.list.queryKey() }),
    queryClient.invalidateQueries({ queryKey: trpc.settings.auditLog.pathKey() }),
  ]);

  const changeRole = useMutation(trpc.settings.changeRole.mutationOptions({
    onSuccess: async (_r, input) => {
      await refresh();
      if (input.userId === currentUserId) await queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
      toast.success('Role updated.');
    },
    onError: (e) => toast.error(errorMessage(e)),
  }));

  return (
    <div className="space-y-6">
    <Card>
      <CardHeader
        title="Team"
        description={`${members.length} member${members.length === 1 ? '' : 's'}. Roles decide what each person can see and do.`}
        actions={<Button variant="primary" icon={<Icon name="plus" className="size-4" />} onClick={() => setInviting(true)}>Invite member</Button>}
      />
      <ul className="divide-y divide-slate-100">
        {members.map((member) => {
          const isSelf = member.userId === currentUserId;
          const ownerLocked = member.role === 'owner' && actorRole !== 'owner';
          const lastOwner = member.role === 'owner' && owners <= 1;
          return (
            <li key={member.userId} className="flex flex-col gap-3 px-5 py-4 sm:flex-row sm:items-center">
              <div className="flex min-w-0 flex-1 items-center gap-3">
                <span className="flex size-9 shrink-0 items-center justify-center rounded-full bg-slate-100 text-xs font-semibold text-slate-600" aria-hidden="true">{initials(member.name)}</span>
                <div className="min-w-0">
                  <p className="flex items-center gap-2 truncate text-sm font-medium text-slate-900">
                    {member.name}
                    {isSelf && <Badge tone="brand">You</Badge>}
                  </p>
                  <p className="truncate text-[13px] text-slate-500">{member.email} · joined {formatDate(member.since)}</p>
                  <p className="truncate text-[13px] text-slate-500">{member.lastSignIn ? `Last signed in ${formatRelative(member.lastSignIn)}` : 'Never signed in'}</p>
                </div>
              </div>
              <div className="flex flex-wrap items-center gap-2 sm:shrink-0 sm:flex-nowrap">
                {ownerLocked || lastOwner ? (
                  <span className="inline-flex h-9 items-center" title={lastOwner ? 'The only owner keeps the owner role.' : 'Only owners can change an owner.'}>
                    <Badge tone="neutral">{ROLE_LABELS[member.role]}</Badge>
                  </span>
                ) : (
                  <Select
                    aria-label={`Role for ${member.name}`}
                    className="sm:w-48"
                    value={member.role}
                    disabled={changeRole.isPending}
                    onChange={(e) => changeRole.mutate({ userId: member.userId, role: e.target.value as Role })}
                  >
                    {assignableRoles(actorRole).concat(actorRole !== 'owner' && member.role === 'owner' ? ['owner'] : []).map((r) => (
                      <option key={r} value={r}>{ROLE_LABELS[r]}</option>
                    ))}
                  </Select>
                )}
                {actorRole === 'owner' && !isSelf && member.role !== 'owner' && (
                  <Button variant="ghost" size="sm" onClick={() => setTransferring(member)} aria-label={`Transfer ownership to ${member.name}`}>Make owner</Button>
                )}
                <Button
                  variant="ghost"
                  aria-label={`Remove ${member.name}`}
                  disabled={ownerLocked || lastOwner}
                  onClick={() => setRemoving(member)}
                  icon={<Icon name="trash" className="size-4" />}
                />
              </div>
            </li>
          );
        })}
      </ul>
      <InviteMemberDialog open={inviting} onClose={() => setInviting(false)} actorRole={actorRole} onInvited={refresh} />
      <RemoveMemberDialog member={removing} isSelf={removing?.userId === currentUserId} onClose={() => setRemoving(null)} onRemoved={refresh} />
      <TransferOwnershipDialog member={transferring} onClose={() => setTransferring(null)} />
    </Card>
    <PendingInvitations actorRole={actorRole} onChanged={refresh} />
    </div>
  );
}

type Invitation = ReturnType<typeof useInvitations>[number];

function useInvitations() {
  return useSuspenseQuery(trpc.invitations.list.queryOptions()).data;
}

/** Invitations not accepted yet: copy the link again (after a resend), resend, revoke. */
function PendingInvitations({ actorRole, onChanged }: { actorRole: Role | null; onChanged: () => Promise<unknown> }) {
  const invitations = useInvitations();
  const [links, setLinks] = useState<Record<string, string>>({});
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const resend = useMutation(trpc.invitations.resend.mutationOptions({
    onSuccess: async ({ url }, input) => {
      setLinks((l) => ({ ...l, [input.invitationId]: url }));
      await onChanged();
      toast.success('Invitation sent again with a new link, valid for 10 days.');
    },
    onError: (e) => toast.error(errorMessage(e)),
  }));
  if (!invitations.length) return null;
  return (
    <Card>
      <CardHeader title="Pending invitations" description="Invitations expire after 10 days. Resending makes a new link; the old one stops working." />
      <ul className="divide-y divide-slate-100" aria-label="Pending invitations">
        {invitations.map((invitation) => {
          const ownerLocked = invitation.role === 'owner' && actorRole !== 'owner';
          return (
            <li key={invitation.id} className="flex flex-col gap-3 px-5 py-4 sm:flex-row sm:items-center">
              <div className="min-w-0 flex-1">
                <p className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1 text-sm font-medium text-slate-900">
                  <span className="min-w-0 max-w-full truncate">{invitation.email}</span>
                  <Badge tone="neutral">{ROLE_LABELS[invitation.role]}</Badge>
                  {invitation.expired ? <Badge tone="warning">Expired</Badge> : <Badge tone="info">Invited</Badge>}
                </p>
                <p className="truncate text-[13px] text-slate-500">
                  Sent {formatRelative(invitation.sent)}{invitation.invitedBy ? ` by ${invitation.invitedBy}` : ''} · {invitation.expired ? `expired ${formatDate(invitation.expires)}` : `expires ${formatDate(invitation.expires)}`}
                </p>
                {links[invitation.id] && (
                  <div className="mt-2 flex items-center gap-2">
                    <Input readOnly value={links[invitation.id]} aria-label={`Invitation link for ${invitation.email}`} className="font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
                    <CopyButton value={links[invitation.id]!} label="Copy invitation link" />
                  </div>
                )}
              </div>
              <div className="flex items-center gap-2 sm:shrink-0">
                <Button size="sm" disabled={ownerLocked} loading={resend.isPending && resend.variables?.invitationId === invitation.id} onClick={() => resend.mutate({ invitationId: invitation.id })} aria-label={`Resend invitation to ${invitation.email}`}>Resend</Button>
                <Button size="sm" variant="ghost" disabled={ownerLocked} onClick={() => setRevoking(invitation)} aria-label={`Revoke invitation to ${invitation.email}`}>Revoke</Button>
              </div>
            </li>
          );
        })}
      </ul>
      <RevokeInvitationDialog invitation={revoking} onClose={() => setRevoking(null)} onRevoked={onChanged} />
    </Card>
  );
}

function RevokeInvitationDialog({ invitation, onClose, onRevoked }: { invitation: Invitation | null; onClose: () => void; onRevoked: () => Promise<unknown> }) {
  const revoke = useMutation(trpc.invitations.revoke.mutationOptions({
    onSuccess: async () => {
      await onRevoked();
      toast.success('Invitation revoked.');
      onClose();
    },
  }));
  const close = () => { revoke.reset(); onClose(); };
  return (
    <Dialog
      open={invitation !== null}
      onClose={close}
      busy={revoke.isPending}
      size="sm"
      title="Revoke invitation?"
      description={`The link sent to ${invitation?.email ?? 'them'} stops working. You can invite them again later.`}
      footer={<>
        <Button onClick={close} disabled={revoke.isPending}>Cancel</Button>
        <Button variant="danger" loading={revoke.isPending} onClick={() => invitation && revoke.mutate({ invitationId: invitation.id })}>Revoke invitation</Button>
      </>}
    >
      <FormError message={revoke.error ? errorMessage(revoke.error) : null} />
    </Dialog>
  );
}

function TransferOwnershipDialog({ member, onClose }: { member: Member | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const transfer = useMutation(trpc.settings.transferOwnership.mutationOptions({
    onSuccess: async () => {
      // The actor is an administrator now: the session, the team and the audit log all change.
      await queryClient.invalidateQueries();
      toast.success(`${member?.name ?? 'They'} now own${member ? 's' : ''} this account. You are an administrator.`);
      onClose();
    },
  }));
  const close = () => { transfer.reset(); onClose(); };
  return (
    <Dialog
      open={member !== null}
      onClose={close}
      busy={transfer.isPending}
      size="sm"
      title={`Transfer ownership to ${member?.name ?? 'member'}?`}
      description="They become an owner and you become an administrator. Only an owner can give the owner role back."
      footer={<>
        <Button onClick={close} disabled={transfer.isPending}>Cancel</Button>
        <Button variant="danger" loading={transfer.isPending} onClick={() => member && transfer.mutate({ userId: member.userId })}>Transfer ownership</Button>
      </>}
    >
      <FormError message={transfer.error ? errorMessage(transfer.error) : null} />
    </Dialog>
  );
}

function InviteMemberDialog({ open, onClose, actorRole, onInvited }: { open: boolean; onClose: () => void; actorRole: Role | null; onInvited: () => Promise<unknown> }) {
  const form = useZodForm(inviteMemberInput, { email: '', role: 'viewer' });
  const [sent, setSent] = useState<{ email: string; url: string } | null>(null);
  const invite = useMutation(trpc.invitations.create.mutationOptions({
    onSuccess: async ({ invitation, url }) => {
      await onInvited();
      setSent({ email: invitation.email, url });
      form.reset();
    },
    onError: form.applyServerError,
  }));
  const close = () => { form.reset(); setSent(null); invite.reset(); onClose(); };
  const role = form.values.role as Role;
  if (sent) {
    return (
      <Dialog
        open={open}
        onClose={close}
        title="Invitation sent"
        description={`We emailed ${sent.email} a link to join. You can also send them this link yourself; it works once, for 10 days.`}
        footer={<Button variant="primary" onClick={close}>Done</Button>}
      >
        <div className="flex items-center gap-2">
          <Input readOnly value={sent.url} aria-label="Invitation link" className="font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
          <CopyButton value={sent.url} label="Copy invitation link" />
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog
      open={open}
      onClose={close}
      busy={invite.isPending}
      title="Invite team member"
      description="They get an email with a link to join. New people choose their own password; people who already use PaymentFlow join with their account."
      footer={<>
        <Button onClick={close} disabled={invite.isPending}>Cancel</Button>
        <Button variant="primary" type="submit" form="invite-member-form" loading={invite.isPending}>Send invitation</Button>
      </>}
    >
      <form id="invite-member-form" ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => invite.mutate(data))} className="space-y-4">
        <FormError message={form.formError} />
        <Field label="Email" error={form.errors.email}>
          <Input type="email" autoComplete="off" inputMode="email" autoFocus {...form.bind('email')} />
        </Field>
        <Field label="Role" error={form.errors.role} hint={ROLE_HINTS[role]}>
          <Select {...form.bind('role')}>
            {assignableRoles(actorRole).map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
          </Select>
        </Field>
      </form>
    </Dialog>
  );
}

function RemoveMemberDialog({ member, isSelf, onClose, onRemoved }: { member: Member | null; isSelf: boolean; onClose: () => void; onRemoved: () => Promise<unknown> }) {
  const queryClient = useQueryClient();
  const remove = useMutation(trpc.settings.removeMember.mutationOptions({
    onSuccess: async () => {
      if (isSelf) {
        // Leaving the account: the session falls back to another membership (or none).
        await queryClient.invalidateQueries();
        onClose();
        return;
      }
      await onRemoved();
      toast.success(`${member?.name ?? 'The member'} was removed.`);
      onClose();
    },
  }));
  const close = () => { remove.reset(); onClose(); };
  return (
    <Dialog
      open={member !== null}
      onClose={close}
      busy={remove.isPending}
      size="sm"
      title={isSelf ? 'Leave this account?' : `Remove ${member?.name ?? 'member'}?`}
      description={isSelf ? 'You will lose access to this account straight away.' : 'They lose access to this account straight away. Their user account and other memberships are kept.'}
      footer={<>
        <Button onClick={close} disabled={remove.isPending}>Cancel</Button>
        <Button variant="danger" loading={remove.isPending} onClick={() => member && remove.mutate({ userId: member.userId })}>{isSelf ? 'Leave account' : 'Remove member'}</Button>
      </>}
    >
      <FormError message={remove.error ? errorMessage(remove.error) : null} />
    </Dialog>
  );
}
