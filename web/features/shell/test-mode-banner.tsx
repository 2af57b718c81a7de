/** Shown across the top whenever the session is in test mode, so test data is never mistaken for real money. */
export function TestModeBanner() {
  return (
    <div role="status" className="sticky top-0 z-40 flex h-9 items-center justify-center gap-2 bg-orange-500 px-4 text-[13px] font-semibold text-orange-950 shadow-[inset_0_-1px_0_rgb(0_0_0/0.08)]">
      <svg viewBox="0 0 24 24" className="size-4 shrink-0" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
        <path d="M9 3h6M10 3v6L4.5 18.5A2 2 0 0 0 6.2 21.5h11.6a2 2 0 0 0 1.7-3L14 9V3" />
      </svg>
      <span className="truncate">Test mode — you are viewing test data</span>
    </div>
  );
}
