import { cx } from '../../lib/format';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { useTenantSwitches } from '../../lib/use-session';

/** The test/live switch: on means test mode. */
export function ModeSwitch({ livemode }: { livemode: boolean }) {
  const { setMode } = useTenantSwitches();
  const testMode = setMode.isPending ? !(setMode.variables?.livemode ?? livemode) : !livemode;
  return (
    <button
      type="button"
      role="switch"
      aria-checked={testMode}
      disabled={setMode.isPending}
      onClick={() => setMode.mutate({ livemode: testMode }, { onError: (e) => toast.error(errorMessage(e)) })}
      className="group inline-flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-70"
    >
      <span>Test mode</span>
      <span
        aria-hidden="true"
        className={cx('relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition-colors', testMode ? 'bg-orange-500' : 'bg-slate-300')}
      >
        <span className={cx('inline-block size-4 rounded-full bg-white shadow-sm transition-transform', testMode ? 'translate-x-[18px]' : 'translate-x-0.5')} />
      </span>
    </button>
  );
}
