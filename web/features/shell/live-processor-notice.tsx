import { Icon } from '../../components/icons';

const LIVE_DECLINED_TEXT = 'Live payments are declined until a card-processor connector is configured.';

/**
 * Live mode with no connector to a card processor: every live confirmation is refused, so the dashboard
 * says so plainly instead of promising a first live payment.
 */
export function LiveProcessorNotice() {
  return (
    <div role="note" className="mb-6 flex items-start gap-3 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200">
      <Icon name="alert" className="mt-0.5 size-4 shrink-0" />
      <div className="min-w-0">
        <p className="font-semibold">{LIVE_DECLINED_TEXT}</p>
        <p className="mt-0.5 text-amber-800">
          PaymentFlow does not ship a connector to a card network. Until your operator configures one, live cards are refused and no real
          money moves; use test mode to try payments.
        </p>
      </div>
    </div>
  );
}
