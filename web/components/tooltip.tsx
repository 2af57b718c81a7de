import * as RadixTooltip from '@radix-ui/react-tooltip';
import { type ReactNode } from 'react';

/** Extra words on hover and keyboard focus (an exact time, a truncated value); never the only way to read something. */
export function Tooltip({ content, children }: { content: ReactNode; children: ReactNode }) {
  return (
    <RadixTooltip.Provider delayDuration={300}>
      <RadixTooltip.Root>
        <RadixTooltip.Trigger asChild>{children}</RadixTooltip.Trigger>
        <RadixTooltip.Portal>
          <RadixTooltip.Content sideOffset={6} collisionPadding={8} className="z-50 max-w-[min(20rem,calc(100vw-1rem))] animate-fade-in rounded-md bg-slate-900 px-2.5 py-1.5 text-xs text-white shadow-lg">
            {content}
            <RadixTooltip.Arrow className="fill-slate-900" />
          </RadixTooltip.Content>
        </RadixTooltip.Portal>
      </RadixTooltip.Root>
    </RadixTooltip.Provider>
  );
}
