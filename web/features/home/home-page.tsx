import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { can, ROLE_LABELS, type Permission } from '../../../shared/permissions';
import { Badge } from '../../components/badge';
import { Card, CardBody, CardHeader } from '../../components/card';
import { CopyButton } from '../../components/copy-button';
import { Icon, type IconName } from '../../components/icons';
import { Skeleton } from '../../components/spinner';
import { formatDate } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { useSession } from '../../lib/use-session';

function greeting(hour: number) {
  return hour < 5 ? 'Good evening' : hour < 12 ? 'Good morning' : hour < 18 ? 'Good afternoon' : 'Good evening';
}

/**
 * What each role does here, read from the one permission table: a task shows only to roles that hold its
 * permission, so support staff see finding and refunding payments, developers keys and API steps, finance
 * reports, and nobody sees steps they cannot take.
 */
const TASKS: { permission: Permission; to: ShortcutPath; icon: IconName; title: string; text: string }[] = [
  { permission: 'payments:read', to: '/payments', icon: 'search', title: 'Find a payment', text: 'Search by email, card last 4, amount or id. Press / on a list, or Ctrl K anywhere.' },
  { permission: 'payments:write', to: '/payments', icon: 'refresh', title: 'Refund a payment', text: 'Open the payment and choose Refund: all of it or part, with a reason.' },
  { permission: 'customers:write', to: '/customers', icon: 'customers', title: 'Help a customer', text: 'See what a customer paid and was refunded; edit their details.' },
  { permission: 'exports:manage', to: '/reports', icon: 'reports', title: 'Reports and balance', text: 'Export payments and refunds as CSV for your books.' },
  { permission: 'analytics:read', to: '/refunds', icon: 'payments', title: 'Review refunds', text: 'Every refund with its status, reason and who issued it.' },
  { permission: 'developers:manage', to: '/developers', icon: 'key', title: 'API keys', text: 'Create, roll and revoke the keys your servers use.' },
  { permission: 'settings:manage', to: '/settings', icon: 'users', title: 'Team & settings', text: 'Business details, members and their roles.' },
];

/** Home. `analytics` is the business overview, composed by the route (features do not import each other). */
export function HomePage({ analytics }: { analytics?: ReactNode }) {
  const session = useSession()!;
  const merchant = session.merchant!;
  const role = session.role;
  const mode = session.livemode ? 'live' : 'test';
  const firstName = session.user.name.split(/\s+/)[0];
  const liveDeclined = session.livemode && !session.liveProcessor;
  const tasks = TASKS.filter((t) => can(role, t.permission));
  const developer = can(role, 'developers:manage');

  return (
    <div className="space-y-8">
      <div>
        <p className="text-sm font-medium text-slate-500">{merchant.name}</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight text-slate-900">{greeting(new Date().getHours())}, {firstName}</h1>
        <p className="mt-1 text-sm text-slate-500">
          {liveDeclined
            ? 'You are in live mode, without a card processor yet (see above).'
            : session.livemode
              ? 'You are in live mode: everything here is real money.'
              : 'You are in test mode: try things freely, no real money moves. Switch to live mode at the top when you are ready.'}
        </p>
      </div>

      {analytics}

      <section aria-labelledby="home-tasks">
        <h2 id="home-tasks" className="mb-3 text-sm font-semibold text-slate-900">What you can do{role ? ` as ${ROLE_LABELS[role].toLowerCase()}` : ''}</h2>
        <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
          {tasks.map((t) => <Shortcut key={t.title} to={t.to} icon={t.icon} title={t.title} text={t.text} />)}
        </div>
      </section>

      <div className="grid gap-6 xl:grid-cols-3">
        {developer && (
          <Card className="min-w-0 xl:col-span-2">
            <CardHeader
              title="Integrate the API"
              description={liveDeclined ? 'Live payments need a processor connector first; try these steps in test mode.' : `Create your first ${mode} payment from your server.`}
            />
            <CardBody className="space-y-5">
              <Step n={1} title="Get your API keys">
                Your server uses the secret key; the browser uses the publishable key. <Link to="/developers" className="font-medium text-brand-600 hover:text-brand-700">Manage API keys</Link>
              </Step>
              <Step n={2} title="Create a PaymentIntent from your server">
                <pre className="mt-2 overflow-x-auto rounded-lg bg-slate-900 px-4 py-3 font-mono text-[12.5px] leading-relaxed text-slate-100">
                  <code>{`curl ${location.origin}/v1/payment_intents \\\n  -u sk_${mode}_…: \\\n  -d amount=2000 \\\n  -d currency=${merchant.defaultCurrency}`}</code>
                </pre>
              </Step>
              <Step n={3} title="Watch it arrive">
                Every payment appears under <Link to="/payments" className="font-medium text-brand-600 hover:text-brand-700">Payments</Link> with its full timeline.
              </Step>
            </CardBody>
          </Card>
        )}

        <Card className="min-w-0">
          <CardHeader title="Account" />
          <CardBody>
            <dl className="space-y-3 text-sm">
              <Detail label="Business name">{merchant.name}</Detail>
              <Detail label="Account ID"><span className="font-mono text-[13px]">{merchant.id}</span></Detail>
              <Detail label="Mode">{session.livemode ? <Badge tone="success">Live</Badge> : <Badge tone="warning">Test</Badge>}</Detail>
              <Detail label="Your role">{role ? ROLE_LABELS[role] : '—'}</Detail>
              <Detail label="Time zone">{merchant.timezone}</Detail>
              <Detail label="Default currency">{merchant.defaultCurrency.toUpperCase()}</Detail>
              <Detail label="Created">{formatDate(merchant.created, merchant.timezone)}</Detail>
            </dl>
          </CardBody>
        </Card>
      </div>

      {developer && <PublishableKey />}
    </div>
  );
}

function PublishableKey() {
  const keys = useQuery(trpc.developers.keys.queryOptions());
  const publishable = keys.data?.keys.find((k) => k.type === 'publishable');
  return (
    <Card>
      <CardHeader
        title="Publishable key"
        description="Safe to use in your checkout page and mobile app."
        actions={<Link to="/developers" className="text-sm font-medium text-brand-600 hover:text-brand-700">All keys →</Link>}
      />
      <CardBody className="flex flex-wrap items-center gap-3">
        {keys.isPending ? (
          <Skeleton className="h-9 w-full max-w-md" />
        ) : publishable?.token ? (
          <>
            <code className="min-w-0 flex-1 truncate rounded-md bg-slate-50 px-3 py-2 font-mono text-[13px] text-slate-800 ring-1 ring-slate-200">{publishable.token}</code>
            <CopyButton value={publishable.token} label="Copy publishable key" />
          </>
        ) : (
          <p className="text-sm text-slate-500">No publishable key in this mode. Create one under Developers.</p>
        )}
      </CardBody>
    </Card>
  );
}

function Step({ n, title, children }: { n: number; title: string; children: ReactNode }) {
  return (
    <div className="flex gap-4">
      <span className="flex size-7 shrink-0 items-center justify-center rounded-full bg-brand-50 text-[13px] font-semibold text-brand-700 ring-1 ring-brand-100">{n}</span>
      <div className="min-w-0 flex-1 pt-0.5">
        <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
        <div className="mt-0.5 text-sm text-slate-600">{children}</div>
      </div>
    </div>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-center justify-between gap-4">
      <dt className="shrink-0 whitespace-nowrap text-slate-500">{label}</dt>
      <dd className="min-w-0 truncate text-right font-medium text-slate-900">{children}</dd>
    </div>
  );
}

type ShortcutPath = '/payments' | '/refunds' | '/customers' | '/reports' | '/developers' | '/settings';

function Shortcut({ to, icon, title, text }: { to: ShortcutPath; icon: IconName; title: string; text: string }) {
  return (
    <Link to={to} className="group flex items-start gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-xs transition hover:border-brand-200 hover:shadow-sm">
      <span className="flex size-9 shrink-0 items-center justify-center rounded-lg bg-slate-50 text-slate-500 ring-1 ring-slate-200 group-hover:bg-brand-50 group-hover:text-brand-600 group-hover:ring-brand-100">
        <Icon name={icon} className="size-[18px]" />
      </span>
      <span className="min-w-0">
        <span className="block text-sm font-semibold text-slate-900">{title}</span>
        <span className="mt-0.5 block text-[13px] text-slate-500">{text}</span>
      </span>
    </Link>
  );
}
