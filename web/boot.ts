import { z } from 'zod';

/**
 * The page's entry. The dashboard's CSP allows no eval (server/http/security-headers.ts), and zod probes
 * for eval (`new Function`) whenever an object schema is built, which a strict CSP reports as a violation
 * even though zod copes. jitless turns the probe off; it must be set before any schema module runs, so the
 * app (main.tsx and everything it imports) is loaded only afterwards.
 */
z.config({ jitless: true });
void import('./main');
