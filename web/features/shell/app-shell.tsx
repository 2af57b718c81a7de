import type { ReactNode } from 'react';
import { Link, Outlet, useRouterState } from '@tanstack/react-router';
import { useEffect, useState, type CSSProperties } from 'react';
import { Dialog } from '../../components/dialog';
import { EmptyState } from '../../components/empty-state';
import { Icon } from '../../components/icons';
import { cx } from '../../lib/format';
import { visibleNavItems } from '../../lib/nav';
import { LiveProcessorNotice } from './live-processor-notice';
import { Logo } from '../../components/logo';
import { MerchantSwitcher } from './merchant-switcher';
import { ModeSwitch } from './mode-switch';
import { TestModeBanner } from './test-mode-banner';
import { VerifyEmailNotice } from './verify-email-notice';
import { UserMenu } from './user-menu';
import { useSession, type Session } from '../../lib/use-session';

/** The signed-in frame: test banner, sidebar (a sheet on phones), top bar and the page. */
/** The signed-in layout. `palette` is the command palette, composed by the route (features do not import each other). */
export function AppShell({ palette }: { palette?: ReactNode }) {
  const session = useSession();
  const [navOpen, setNavOpen] = useState(false);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  useEffect(() => setNavOpen(false), [pathname]);
  useEffect(() => {
    // "/" jumps to the page's search box, as on GitHub or Gmail, unless you are typing somewhere.
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], dialog[open]')) return;
      const box = document.querySelector<HTMLInputElement>('#main [role="search"] input');
      if (!box) return;
      event.preventDefault();
      box.focus();
      box.select();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  // A 401 handler or sign-out can clear the session while this frame is still mounted.
  if (!session) return null;
  const testMode = !session.livemode;

  return (
    <div style={{ '--banner-h': testMode ? '2.25rem' : '0px' } as CSSProperties} className="min-h-dvh">
      <a
        href="#main"
        onClick={(event) => {
          // Moves focus (not only the scroll position) so the next Tab continues inside the page.
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-[60] focus:rounded-md focus:bg-white focus:px-4 focus:py-2 focus:text-sm focus:font-semibold focus:text-brand-700 focus:shadow-lg focus:ring-2 focus:ring-brand-500"
      >
        Skip to content
      </a>
      {testMode && <TestModeBanner />}
      <div className="flex">
        <aside className="sticky top-[var(--banner-h)] hidden h-[calc(100dvh-var(--banner-h))] w-60 shrink-0 flex-col border-r border-slate-200 bg-white md:flex">
          <Sidebar session={session} />
        </aside>

        <div className="flex min-w-0 flex-1 flex-col">
          <header className="sticky top-[var(--banner-h)] z-30 flex h-14 items-center gap-2 border-b border-slate-200 bg-white/85 px-3 backdrop-blur sm:px-6">
            <button
              type="button"
              onClick={() => setNavOpen(true)}
              aria-label="Open navigation"
              className="-ml-1 rounded-md p-2 text-slate-600 hover:bg-slate-100 md:hidden"
            >
              <Icon name="menu" />
            </button>
            <Link to="/" className="rounded-md md:hidden" aria-label="PaymentFlow home">
              <Logo compact />
            </Link>
            <div className="ml-auto flex items-center gap-1 sm:gap-3">
              <ModeSwitch livemode={session.livemode} />
              <span className="h-6 w-px bg-slate-200" aria-hidden="true" />
              <UserMenu session={session} />
            </div>
          </header>
          <main id="main" tabIndex={-1} className="mx-auto outline-none w-full max-w-6xl flex-1 px-4 py-6 sm:px-6 sm:py-8 lg:px-8">
            {session.merchant && session.livemode && !session.liveProcessor && <LiveProcessorNotice />}
            {session.merchant && !session.merchantVerified && <VerifyEmailNotice email={session.user.email} selfUnverified={!session.emailVerified} />}
            {session.merchant ? <Outlet /> : <NoAccount />}
          </main>
        </div>
      </div>

      {session.merchant && palette}

      <Dialog open={navOpen} onClose={() => setNavOpen(false)} title={<Logo />} variant="sheet">
        <div className="-mx-3 flex h-full flex-col">
          <Sidebar session={session} inSheet />
        </div>
      </Dialog>
    </div>
  );
}

function Sidebar({ session, inSheet = false }: { session: Session; inSheet?: boolean }) {
  const items = visibleNavItems(session.role);
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  return (
    <>
      {!inSheet && (
        <div className="flex h-14 shrink-0 items-center px-5">
          <Link to="/" className="rounded-md" aria-label="PaymentFlow home">
            <Logo />
          </Link>
        </div>
      )}
      <div className="px-3 pt-2 pb-3">
        <MerchantSwitcher session={session} />
      </div>
      <nav aria-label="Main" className="flex-1 overflow-y-auto px-3">
        <ul className="space-y-0.5">
          {items.map((item) => (
            <li key={item.to}>
              <Link
                to={item.to}
                activeOptions={{ exact: item.to === '/' }}
                {...(item.alsoActiveFor?.some((path) => pathname.startsWith(path)) ? { 'data-status': 'active', 'aria-current': 'page' as const } : {})}
                className={cx(
                  'group flex items-center gap-3 rounded-md px-2.5 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900',
                  'data-[status=active]:bg-brand-50 data-[status=active]:text-brand-700',
                )}
              >
                <Icon name={item.icon} className="size-[18px] text-slate-400 group-hover:text-slate-600 group-data-[status=active]:text-brand-600" />
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="border-t border-slate-100 px-5 py-4 text-xs text-slate-500">
        <p>{session.livemode ? 'Live mode' : 'Test mode'}</p>
        <p className="truncate font-mono" title={session.merchant?.id}>{session.merchant?.id}</p>
      </div>
    </>
  );
}

function NoAccount() {
  return (
    <EmptyState
      icon={<Icon name="building" />}
      title="You are not a member of any account"
      description="Ask an owner or administrator of your business to add you to their PaymentFlow account, then sign in again."
    />
  );
}
