import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { balanceSettingsForm, bpsToPercentText, cardFee, PAYOUT_INTERVALS, WEEKDAYS, type BalanceSettingsDto } from '../../../shared/contracts/balance';
import { can } from '../../../shared/permissions';
import { Button } from '../../components/button';
import { Card, CardBody, CardFooter, CardHeader } from '../../components/card';
import { Field, FormError } from '../../components/field';
import { Input, Select } from '../../components/input';
import { toast } from '../../components/toast';
import { money } from '../../lib/money';
import { trpc } from '../../lib/trpc';
import { useZodForm } from '../../lib/use-form';
import { useSession } from '../../lib/use-session';

const INTERVAL_LABELS: Record<(typeof PAYOUT_INTERVALS)[number], string> = { manual: 'Manual', daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly' };

function formValues(s: BalanceSettingsDto): Record<string, string> {
  return {
    fee_percent: bpsToPercentText(s.fee_percent_bps),
    fee_fixed: String(s.fee_fixed),
    payout_interval: s.payout_interval,
    payout_weekly_anchor: s.payout_weekly_anchor,
    payout_monthly_anchor: String(s.payout_monthly_anchor),
    payout_delay_days: String(s.payout_delay_days),
  };
}

/** Settings → Payouts and fees: the card fee schedule and the payout schedule of this mode (owner and admin edit; finance reads). */
export function PayoutSettings() {
  const session = useSession()!;
  const editable = can(session.role, 'payouts:manage');
  const queryClient = useQueryClient();
  const settings = useSuspenseQuery(trpc.balances.settings.queryOptions()).data;
  const initial = formValues(settings);
  const form = useZodForm(balanceSettingsForm, initial);
  const save = useMutation(
    trpc.balances.updateSettings.mutationOptions({
      onSuccess: async (updated) => {
        queryClient.setQueryData(trpc.balances.settings.queryKey(), updated);
        form.reset(formValues(updated));
        await queryClient.invalidateQueries({ queryKey: trpc.balances.overview.queryKey() });
        toast.success('Payout and fee settings saved.');
      },
      onError: form.applyServerError,
    }),
  );
  const dirty = Object.entries(initial).some(([k, v]) => form.values[k] !== v);
  const preview = balanceSettingsForm.safeParse(form.values);
  const example = preview.success ? cardFee(10_000, 'usd', { percent_bps: preview.data.fee_percent_bps, fixed: preview.data.fee_fixed }) : null;

  return (
    <Card>
      <CardHeader
        title="Payouts and fees"
        description={`For ${session.livemode ? 'live' : 'test'} mode. Fees apply to new charges; the schedule to the next payouts.`}
      />
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => save.mutate(data))}>
        <fieldset disabled={!editable}>
          <CardBody className="grid gap-5 sm:grid-cols-2">
            {form.formError && <div className="sm:col-span-2"><FormError message={form.formError} /></div>}
            <Field label="Card fee (%)" error={form.errors.fee_percent} hint={example !== null ? `A ${money(10_000, 'usd')} payment pays ${money(example, 'usd')} in fees.` : 'Up to 2 decimals, e.g. 2.9'}>
              <Input inputMode="decimal" {...form.bind('fee_percent')} />
            </Field>
            <Field label="Fixed fee per charge (minor units)" error={form.errors.fee_fixed} hint="In the charge's currency: 30 is $0.30, ¥30, or 0.030 KWD.">
              <Input inputMode="numeric" {...form.bind('fee_fixed')} />
            </Field>
            <Field label="Payout schedule" error={form.errors.payout_interval}>
              <Select {...form.bind('payout_interval')}>
                {PAYOUT_INTERVALS.map((i) => <option key={i} value={i}>{INTERVAL_LABELS[i]}</option>)}
              </Select>
            </Field>
            <Field label="Delay (days until funds are available)" error={form.errors.payout_delay_days}>
              <Input inputMode="numeric" {...form.bind('payout_delay_days')} />
            </Field>
            {form.values.payout_interval === 'weekly' && (
              <Field label="Weekly on" error={form.errors.payout_weekly_anchor}>
                <Select {...form.bind('payout_weekly_anchor')}>
                  {WEEKDAYS.map((d) => <option key={d} value={d}>{d.charAt(0).toUpperCase() + d.slice(1)}</option>)}
                </Select>
              </Field>
            )}
            {form.values.payout_interval === 'monthly' && (
              <Field label="Monthly on day" error={form.errors.payout_monthly_anchor} hint="Past the month's end: its last day.">
                <Input inputMode="numeric" {...form.bind('payout_monthly_anchor')} />
              </Field>
            )}
          </CardBody>
        </fieldset>
        {editable && (
          <CardFooter>
            <Button onClick={() => form.reset(initial)} disabled={!dirty || save.isPending}>Discard</Button>
            <Button type="submit" variant="primary" loading={save.isPending} disabled={!dirty}>Save changes</Button>
          </CardFooter>
        )}
      </form>
    </Card>
  );
}
