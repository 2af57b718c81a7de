import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { can } from '../../../shared/permissions';
import { Button, buttonClass } from '../../components/button';
import { Card, CardBody, CardHeader } from '../../components/card';
import { CopyButton } from '../../components/copy-button';
import { Dialog } from '../../components/dialog';
import { FormError } from '../../components/field';
import { Icon } from '../../components/icons';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { formatDateTime, formatListDateTime } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { brandName, exactTime, money } from '../../lib/money';
import { KeyValues } from '../../components/key-values';
import { RawJson } from '../../components/raw-json';
import { PaymentStatusBadge } from '../../components/status-badge';
import { useSession } from '../../lib/use-session';
import { CustomerFormDialog } from './customer-form-dialog';
import { customerDetailQuery } from './customers-search';
import { MetadataEditor } from './metadata-editor';

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-sm [overflow-wrap:anywhere] text-slate-900">{children}</dd>
    </div>
  );
}

export function CustomerDetailPage({ customerId }: { customerId: string }) {
  const session = useSession()!;
  const zone = session.merchant!.timezone;
  const { data } = useSuspenseQuery(customerDetailQuery(customerId));
  const { customer, payments, totals } = data;
  const canEdit = can(session.role, 'customers:write');
  const [dialog, setDialog] = useState<'edit' | 'delete' | null>(null);
  const [editingMetadata, setEditingMetadata] = useState(false);

  return (
    <div className="space-y-6">
      <div>
        <Link to="/customers" className="inline-flex items-center gap-1 text-sm font-medium text-slate-500 hover:text-slate-800">
          <Icon name="chevronRight" className="size-4 rotate-180" />
          Customers
        </Link>
        <div className="mt-3 flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
          <div className="min-w-0">
            <p className="text-sm text-slate-500">Customer</p>
            <h1 className="mt-0.5 truncate text-2xl font-semibold tracking-tight text-slate-900">{customer.name ?? customer.email ?? customer.id}</h1>
            {customer.name && customer.email && <p className="mt-1 text-sm break-all text-slate-600">{customer.email}</p>}
            <p className="mt-2 flex min-w-0 items-center gap-2 font-mono text-xs text-slate-500">
              <span className="min-w-0 truncate">{customer.id}</span>
              <CopyButton value={customer.id} label="Copy customer id" variant="ghost" />
            </p>
          </div>
          {canEdit && (
            <div className="flex shrink-0 gap-2">
              <Button onClick={() => setDialog('edit')}>Edit</Button>
              <Button icon={<Icon name="trash" className="size-4" />} onClick={() => setDialog('delete')}>Delete</Button>
            </div>
          )}
        </div>
      </div>

      <Card>
        <CardHeader title="Totals" description={totals.length ? undefined : 'No successful payments yet.'} />
        {totals.length > 0 && (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Spent and refunded per currency</caption>
              <thead className="border-b border-slate-200 bg-slate-50/80 text-xs text-slate-500 uppercase sm:tracking-wide">
                <tr>
                  <th scope="col" className="py-2.5 pr-2 pl-4 font-medium sm:px-5">Currency</th>
                  <th scope="col" className="px-2 py-2.5 text-right font-medium sm:px-5">Total spent</th>
                  <th scope="col" className="px-2 py-2.5 text-right font-medium sm:px-5">Refunded</th>
                  <th scope="col" className="px-2 py-2.5 text-right font-medium sm:px-5">Payments</th>
                </tr>
              </thead>
              <tbody>
                {totals.map((t) => (
                  <tr key={t.currency} className="border-b border-slate-100 last:border-0">
                    <td className="py-3 pr-2 pl-4 font-medium text-slate-700 uppercase sm:px-5">{t.currency}</td>
                    <td className="px-2 py-3 text-right font-semibold text-slate-900 tabular-nums sm:px-5">{money(t.spent, t.currency)}</td>
                    <td className="px-2 py-3 text-right text-slate-700 tabular-nums sm:px-5">{money(t.refunded, t.currency)}</td>
                    <td className="px-2 py-3 text-right text-slate-700 tabular-nums sm:px-5">{t.payments}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-3">
        {/* min-w-0: a grid item is otherwise as wide as its widest content (raw JSON, long ids) and pushes the page sideways. */}
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <Card>
            <CardHeader
              title="Payments"
              actions={payments.items.length > 0 && (
                <Link to="/payments" search={{ customer: customer.id }} className={buttonClass('secondary', 'sm')}>View all</Link>
              )}
            />
            {payments.items.length === 0 ? (
              <CardBody><p className="text-sm text-slate-500">No payments from this customer yet.</p></CardBody>
            ) : (
              <ul className="divide-y divide-slate-100">
                {payments.items.map((p) => (
                  <li key={p.id} className="relative flex flex-wrap items-center gap-x-4 gap-y-1 px-5 py-3 hover:bg-slate-50">
                    <Link to="/payments/$paymentId" params={{ paymentId: p.id }} className="w-28 shrink-0 font-semibold text-slate-900 tabular-nums outline-none after:absolute after:inset-0 focus-visible:after:outline-2 focus-visible:after:outline-brand-500">
                      {money(p.amount, p.currency)}
                    </Link>
                    <PaymentStatusBadge status={p.displayStatus} />
                    <span className="hidden min-w-0 flex-1 truncate text-sm text-slate-600 sm:block">{p.description ?? (p.cardLast4 ? `${brandName(p.cardBrand)} •••• ${p.cardLast4}` : '')}</span>
                    <span className="relative z-10 ml-auto min-w-0 truncate text-sm whitespace-nowrap text-slate-500" title={exactTime(p.created, zone)}>{formatListDateTime(p.created, zone)}</span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card>
            <CardHeader
              title="Metadata"
              description="Key-value pairs your integration attached, like an order or account id."
              actions={canEdit && !editingMetadata && <Button size="sm" onClick={() => setEditingMetadata(true)}>Edit metadata</Button>}
            />
            <CardBody>
              {editingMetadata ? (
                <MetadataEditor customerId={customer.id} metadata={customer.metadata} onDone={() => setEditingMetadata(false)} />
              ) : (
                <KeyValues values={customer.metadata} empty="No metadata." />
              )}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Raw JSON" description="The customer as the API returns it." />
            <CardBody><RawJson value={customer} label="customer" /></CardBody>
          </Card>
        </div>
        <Card className="min-w-0">
          <CardHeader title="Details" />
          <CardBody>
            <dl className="space-y-3">
              <Detail label="Name">{customer.name ?? '—'}</Detail>
              <Detail label="Email">{customer.email ?? '—'}</Detail>
              <Detail label="Phone">{customer.phone ?? '—'}</Detail>
              <Detail label="Description">{customer.description ?? '—'}</Detail>
              <Detail label="Created"><span title={exactTime(customer.created, zone)}>{formatDateTime(customer.created, zone)}</span></Detail>
            </dl>
          </CardBody>
        </Card>
      </div>

      {canEdit && <CustomerFormDialog open={dialog === 'edit'} onClose={() => setDialog(null)} customer={customer} />}
      {canEdit && <DeleteCustomerDialog open={dialog === 'delete'} onClose={() => setDialog(null)} customerId={customer.id} label={customer.name ?? customer.email ?? customer.id} />}
    </div>
  );
}

function DeleteCustomerDialog({ open, onClose, customerId, label }: { open: boolean; onClose: () => void; customerId: string; label: string }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const remove = useMutation(trpc.customers.delete.mutationOptions({
    onSuccess: async () => {
      await navigate({ to: '/customers' });
      queryClient.removeQueries({ queryKey: trpc.customers.get.queryKey({ id: customerId }) });
      await queryClient.invalidateQueries({ queryKey: trpc.customers.list.pathKey() });
      toast.success('Customer deleted.');
    },
  }));
  return (
    <Dialog
      open={open}
      onClose={() => { remove.reset(); onClose(); }}
      busy={remove.isPending}
      size="sm"
      title={`Delete ${label}?`}
      description="The customer is removed for good. Their past payments stay, without the link to this customer."
      footer={
        <>
          <Button onClick={onClose} disabled={remove.isPending}>Cancel</Button>
          <Button variant="danger" loading={remove.isPending} onClick={() => remove.mutate({ id: customerId })}>Delete customer</Button>
        </>
      }
    >
      <FormError message={remove.error ? errorMessage(remove.error) : null} />
    </Dialog>
  );
}
