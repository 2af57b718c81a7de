export function Logo({ compact = false }: { compact?: boolean }) {
  return (
    <span className="inline-flex items-center gap-2.5">
      <svg viewBox="0 0 32 32" className="size-8 shrink-0" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="#4f46e5" />
        <path d="M9 22V10h8a4 4 0 0 1 0 8h-5" stroke="white" strokeWidth="3" fill="none" strokeLinecap="round" />
      </svg>
      {!compact && <span className="text-[17px] font-semibold tracking-tight text-slate-900">PaymentFlow</span>}
    </span>
  );
}
