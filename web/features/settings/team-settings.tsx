import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { addMemberInput } from '../../../shared/contracts/settings';
import { ROLE_LABELS, ROLES, type Role } from '../../../shared/permissions';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { Card, CardHeader } from '../../components/card';
import { Dialog } from '../../components/dialog';
import { Field, FormError } from '../../components/field';
import { Icon } from '../../components/icons';
import { Input, Select } from '../../components/input';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { formatDate, initials } from '../../lib/format';
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
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const owners = members.filter((m) => m.role === 'owner').length;
  const refresh = () => Promise.all([
    queryClient.invalidateQueries({ queryKey: trpc.settings.members.queryKey() }),
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
    <Card>
      <CardHeader
        title="Team"
        description={`${members.length} member${members.length === 1 ? '' : 's'}. Roles decide what each person can see and do.`}
        actions={<Button variant="primary" icon={<Icon name="plus" className="size-4" />} onClick={() => setAdding(true)}>Add member</Button>}
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
                </div>
              </div>
              <div className="flex items-center gap-2 sm:shrink-0">
                {ownerLocked || lastOwner ? (
                  <span className="inline-flex h-9 items-center" title={lastOwner ? 'The only owner keeps the owner role.' : 'Only owners can change an owner.'}>
                    <Badge tone="neutral">{ROLE_LABELS[member.role]}</Badge>
                  </span>
                ) : (
                  <Select
                    aria-label={`Role for ${member.name}`}
                    className="w-48"
                    value={member.role}
                    disabled={changeRole.isPending}
                    onChange={(e) => changeRole.mutate({ userId: member.userId, role: e.target.value as Role })}
                  >
                    {assignableRoles(actorRole).concat(actorRole !== 'owner' && member.role === 'owner' ? ['owner'] : []).map((r) => (
                      <option key={r} value={r}>{ROLE_LABELS[r]}</option>
                    ))}
                  </Select>
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
      <AddMemberDialog open={adding} onClose={() => setAdding(false)} actorRole={actorRole} onAdded={refresh} />
      <RemoveMemberDialog member={removing} isSelf={removing?.userId === currentUserId} onClose={() => setRemoving(null)} onRemoved={refresh} />
    </Card>
  );
}

function AddMemberDialog({ open, onClose, actorRole, onAdded }: { open: boolean; onClose: () => void; actorRole: Role | null; onAdded: () => Promise<unknown> }) {
  const form = useZodForm(addMemberInput, { name: '', email: '', role: 'viewer', temporaryPassword: '' });
  const add = useMutation(trpc.settings.addMember.mutationOptions({
    onSuccess: async (user) => {
      await onAdded();
      toast.success(`${user.name} was added to the team.`);
      form.reset();
      onClose();
    },
    onError: form.applyServerError,
  }));
  const close = () => { form.reset(); onClose(); };
  const role = form.values.role as Role;
  return (
    <Dialog
      open={open}
      onClose={close}
      busy={add.isPending}
      title="Add team member"
      description="They sign in with their email and the temporary password you set here; share it with them privately. People who already use PaymentFlow keep their own password."
      footer={<>
        <Button onClick={close} disabled={add.isPending}>Cancel</Button>
        <Button variant="primary" type="submit" form="add-member-form" loading={add.isPending}>Add member</Button>
      </>}
    >
      <form id="add-member-form" ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => add.mutate(data))} className="space-y-4">
        <FormError message={form.formError} />
        <Field label="Name" error={form.errors.name}>
          <Input autoComplete="off" autoFocus {...form.bind('name')} />
        </Field>
        <Field label="Email" error={form.errors.email}>
          <Input type="email" autoComplete="off" inputMode="email" {...form.bind('email')} />
        </Field>
        <Field label="Role" error={form.errors.role} hint={ROLE_HINTS[role]}>
          <Select {...form.bind('role')}>
            {assignableRoles(actorRole).map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
          </Select>
        </Field>
        <Field label="Temporary password" error={form.errors.temporaryPassword} hint="At least 10 characters. Ignored if they already have an account.">
          <Input type="text" autoComplete="new-password" spellCheck={false} className="font-mono" {...form.bind('temporaryPassword')} />
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
