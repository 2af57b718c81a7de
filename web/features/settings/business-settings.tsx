import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { updateBusinessSettingsInput } from '../../../shared/contracts/settings';
import { Button } from '../../components/button';
import { Card, CardBody, CardFooter, CardHeader } from '../../components/card';
import { Field, FormError } from '../../components/field';
import { Input, Select } from '../../components/input';
import { toast } from '../../components/toast';
import { timeZoneOptions } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { useZodForm } from '../../lib/use-form';

export function BusinessSettings() {
  const queryClient = useQueryClient();
  const merchant = useSuspenseQuery(trpc.settings.business.queryOptions()).data;
  const zones = useMemo(() => timeZoneOptions(), []);
  const initial = {
    name: merchant.name,
    timezone: merchant.timezone,
    supportEmail: merchant.supportEmail ?? '',
    statementDescriptor: merchant.statementDescriptor ?? '',
  };
  const form = useZodForm(updateBusinessSettingsInput, initial);
  const save = useMutation(trpc.settings.updateBusiness.mutationOptions({
    onSuccess: async (updated) => {
      queryClient.setQueryData(trpc.settings.business.queryKey(), updated);
      form.reset({ name: updated.name, timezone: updated.timezone, supportEmail: updated.supportEmail ?? '', statementDescriptor: updated.statementDescriptor ?? '' });
      // The account name and time zone also show in the shell.
      await queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
      toast.success('Business settings saved.');
    },
    onError: form.applyServerError,
  }));
  const dirty = Object.entries(initial).some(([k, v]) => form.values[k] !== v);
  const zoneKnown = zones.some((z) => z.value === form.values.timezone);

  return (
    <Card>
      <CardHeader title="Business details" description="How your business appears to customers, and the time zone your reports use." />
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => save.mutate(data))}>
        <CardBody className="grid gap-5 sm:grid-cols-2">
          {form.formError && <div className="sm:col-span-2"><FormError message={form.formError} /></div>}
          <Field label="Business name" error={form.errors.name}>
            <Input autoComplete="organization" {...form.bind('name')} />
          </Field>
          <Field label="Time zone" error={form.errors.timezone} hint="Used for dates, daily totals and report ranges.">
            <Select {...form.bind('timezone')}>
              {!zoneKnown && <option value={form.values.timezone}>{form.values.timezone}</option>}
              {zones.map((z) => <option key={z.value} value={z.value}>{z.label}</option>)}
            </Select>
          </Field>
          <Field label="Support email" optional error={form.errors.supportEmail} hint="Shown on receipts and the checkout page.">
            <Input type="email" autoComplete="email" inputMode="email" placeholder="support@example.com" {...form.bind('supportEmail')} />
          </Field>
          <Field label="Statement descriptor" optional error={form.errors.statementDescriptor} hint="What customers see on their card statement: 5–22 characters.">
            <Input maxLength={22} placeholder="EXAMPLE SHOP" {...form.bind('statementDescriptor')} />
          </Field>
        </CardBody>
        <CardFooter>
          <Button onClick={() => form.reset(initial)} disabled={!dirty || save.isPending}>Discard</Button>
          <Button type="submit" variant="primary" loading={save.isPending} disabled={!dirty}>Save changes</Button>
        </CardFooter>
      </form>
    </Card>
  );
}
