import type { DisplayStatus } from '../../../shared/payment-display-status';
import { DISPLAY_STATUS_LABELS, DISPLAY_STATUSES } from '../../../shared/payment-display-status';
import { Button } from '../../components/button';
import { AmountFilter, CurrencyFilter, DateFilter, StatusFilter, TextFilter } from '../../components/filters';
import { statusList, type PaymentsSearch } from './payments-search';

export function PaymentFilters({
  search,
  defaultCurrency,
  onChange,
  onClear,
}: {
  search: PaymentsSearch;
  defaultCurrency: string;
  onChange: (patch: Partial<PaymentsSearch>) => void;
  onClear: () => void;
}) {
  const selected = statusList(search);
  const any = Boolean(selected.length || search.date || search.amountMin || search.amountMax || search.currency || search.last4 || search.customer || search.q);
  return (
    <div className="mb-4 flex flex-wrap items-center gap-2" aria-label="Filters" role="group">
      <StatusFilter<DisplayStatus>
        statuses={DISPLAY_STATUSES}
        labels={DISPLAY_STATUS_LABELS}
        selected={selected}
        onChange={(next) => onChange({ status: next.length ? next.join(',') : undefined })}
      />
      <DateFilter value={search} onChange={onChange} />
      <AmountFilter value={search} defaultCurrency={defaultCurrency} onChange={onChange} />
      <CurrencyFilter value={search.currency} onChange={onChange} />
      <TextFilter
        label="Card"
        fieldLabel="Card number's last 4 digits"
        value={search.last4}
        inputMode="numeric"
        placeholder="4242"
        validate={(v) => (/^\d{4}$/.test(v) ? null : 'Enter the last 4 digits of the card.')}
        onChange={(last4) => onChange({ last4 })}
      />
      <TextFilter
        label="Customer"
        fieldLabel="Customer id or email"
        value={search.customer}
        placeholder="cus_… or jane@example.com"
        onChange={(customer) => onChange({ customer })}
      />
      {any && <Button size="sm" variant="ghost" onClick={onClear}>Clear filters</Button>}
    </div>
  );
}
