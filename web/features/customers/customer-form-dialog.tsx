import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect } from 'react';
import { z } from 'zod';
import type { CustomerDto } from '../../../shared/contracts/customers';
import { CUSTOMER_NEEDS_NAME_OR_EMAIL, hasNameOrEmail } from '../../../shared/contracts/dashboard';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { Field, FormError } from '../../components/field';
import { Input } from '../../components/input';
import { toast } from '../../components/toast';
import { trpc } from '../../lib/trpc';
import { useZodForm } from '../../lib/use-form';
import { useDiscardGuard } from './discard-guard';

const customerFormSchema = z.object({
  name: z.string().trim().max(256, 'Keep the name under 256 characters.'),
  email: z.union([z.literal(''), z.string().trim().email('Enter a valid email address, like jane@example.com.').max(512)]),
  phone: z.string().trim().max(64, 'Keep the phone number under 64 characters.'),
  description: z.string().trim().max(1000, 'Keep the description under 1000 characters.'),
});
/** A new customer needs someone to identify: the same rule as customers.create on the server. */
const newCustomerSchema = customerFormSchema.refine(hasNameOrEmail, { message: CUSTOMER_NEEDS_NAME_OR_EMAIL, path: ['name'] });

function initialValues(customer?: CustomerDto | null) {
  return { name: customer?.name ?? '', email: customer?.email ?? '', phone: customer?.phone ?? '', description: customer?.description ?? '' };
}

/** Create a customer, or edit one's contact details ("" clears a field, as in the API). */
export function CustomerFormDialog({ open, onClose, customer }: { open: boolean; onClose: () => void; customer?: CustomerDto | null }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const editing = Boolean(customer);
  const form = useZodForm(editing ? customerFormSchema : newCustomerSchema, initialValues(customer));
  const initial = initialValues(customer);
  const dirty = Object.entries(initial).some(([key, value]) => (form.values[key] ?? '') !== value);
  const guard = useDiscardGuard(dirty, onClose);

  useEffect(() => {
    if (open) {
      form.reset(initialValues(customer));
      guard.reset();
    }
    // Reset only when the dialog opens.
  }, [open]);

  const create = useMutation(trpc.customers.create.mutationOptions({
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: trpc.customers.list.pathKey() });
      toast.success('Customer created.');
      onClose();
      await navigate({ to: '/customers/$customerId', params: { customerId: created.id } });
    },
    onError: (e) => form.applyServerError(e),
  }));
  const update = useMutation(trpc.customers.update.mutationOptions({
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.customers.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.payments.pathKey() }),
      ]);
      toast.success('Customer updated.');
      onClose();
    },
    onError: (e) => form.applyServerError(e),
  }));
  const busy = create.isPending || update.isPending;

  return (
    <Dialog
      open={open}
      onClose={guard.requestClose}
      busy={busy}
      title={editing ? 'Edit customer' : 'New customer'}
      description={editing ? undefined : 'Customers keep a person’s details and payments together.'}
      footer={guard.prompt ?? (
        <>
          <Button onClick={guard.requestClose} disabled={busy}>Cancel</Button>
          <Button variant="primary" type="submit" form="customer-form" loading={busy}>{editing ? 'Save changes' : 'Create customer'}</Button>
        </>
      )}
    >
      <form
        id="customer-form"
        ref={form.formRef}
        noValidate
        className="space-y-4"
        onSubmit={form.handleSubmit((values) => {
          if (customer) update.mutate({ id: customer.id, ...values });
          else create.mutate(Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')));
        })}
      >
        <FormError message={form.formError} />
        {!editing && <p className="text-sm text-slate-600">Give a name, an email address, or both.</p>}
        <Field label="Name" optional={editing} error={form.errors.name}><Input autoComplete="off" {...form.bind('name')} /></Field>
        <Field label="Email" optional={editing} error={form.errors.email}><Input type="email" autoComplete="off" {...form.bind('email')} /></Field>
        <Field label="Phone" optional error={form.errors.phone}><Input type="tel" autoComplete="off" {...form.bind('phone')} /></Field>
        <Field label="Description" optional error={form.errors.description}><Input {...form.bind('description')} /></Field>
      </form>
    </Dialog>
  );
}
