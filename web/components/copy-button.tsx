import { useEffect, useState } from 'react';
import { Button } from './button';
import { Icon } from './icons';

async function copyText(text: string) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API unavailable (insecure origin, denied permission): fall back to a selection copy.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

/** Copies a value; the accessible name says what ("Copy secret key") and the label confirms "Copied". */
export function CopyButton({ value, label = 'Copy', size = 'sm', variant = 'secondary', compact = false }: { value: string; label?: string; size?: 'sm' | 'md'; variant?: 'secondary' | 'primary' | 'ghost'; /** Icon only on phones. */ compact?: boolean }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <Button size={size} variant={variant} aria-label={copied ? 'Copied' : label} icon={<Icon name={copied ? 'check' : 'copy'} className="size-4" />} onClick={async () => setCopied(await copyText(value))}>
      <span className={compact ? 'max-sm:sr-only' : undefined}>{copied ? 'Copied' : 'Copy'}</span>
    </Button>
  );
}
