import { useQueryErrorResetBoundary } from '@tanstack/react-query';
import { Link, useRouter, type ErrorComponentProps } from '@tanstack/react-router';
import { buttonClass, Button } from './button';
import { Icon } from './icons';
import { errorMessage, isForbidden } from '../lib/errors';

export function NotFoundPage() {
  return (
    <div className="flex min-h-[60dvh] flex-col items-center justify-center px-6 py-16 text-center">
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">Page not found</h1>
      <p className="mt-2 max-w-sm text-sm text-slate-500">The page you are looking for does not exist or has moved. Check the address, or head back to your dashboard.</p>
      <Link to="/" className={buttonClass('primary', 'md', 'mt-6')}>Back to Home</Link>
    </div>
  );
}

/** The root error boundary: says what happened and offers a retry that refetches the failed data. */
export function ErrorPage({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  const queryReset = useQueryErrorResetBoundary();
  const forbidden = isForbidden(error);
  return (
    <div role="alert" className="flex min-h-[60dvh] flex-col items-center justify-center px-6 py-16 text-center">
      <div className="mb-4 flex size-12 items-center justify-center rounded-xl bg-red-50 text-red-600 ring-1 ring-red-100">
        <Icon name={forbidden ? 'shield' : 'alert'} />
      </div>
      <h1 className="text-xl font-semibold tracking-tight text-slate-900">{forbidden ? 'You do not have access to this page' : 'Something went wrong'}</h1>
      <p className="mt-2 max-w-md text-sm text-slate-500">{errorMessage(error)}</p>
      <div className="mt-6 flex gap-2">
        {!forbidden && (
          <Button
            variant="primary"
            icon={<Icon name="refresh" className="size-4" />}
            onClick={() => {
              queryReset.reset();
              reset();
              void router.invalidate();
            }}
          >
            Try again
          </Button>
        )}
        <Link to="/" className={buttonClass('secondary')}>Back to Home</Link>
      </div>
    </div>
  );
}
