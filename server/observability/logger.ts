import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * What never reaches a log line: credentials, session material, card data and passwords, wherever they sit
 * in a logged object (headers, bodies, params), plus anything in a string that looks like a card number or
 * an API key or webhook secret.
 */
const SECRET_KEYS = /^(authorization|cookie|set-cookie|x-api-key|password|new_?password|current_?password|token|secret|client_secret|card|number|cvc|cvv|exp_month|exp_year|otp|totp|recovery_?codes?|api_?key|private_?key|webhook_?secret|stripe-signature|pf-signature|webhook-signature)$/i;
const SECRET_TEXT = [
  /\b(?:\d[ -]?){12,18}\d\b/g, // card numbers (13–19 digits, spaced or not)
  /\b(?:sk|rk|pk)_(?:test|live)_[A-Za-z0-9]{8,}\b/g, // API keys
  /\bwhsec_[A-Za-z0-9+/=_-]{8,}/g, // webhook secrets
  /\bpi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+\b/g, // client secrets
];
const REDACTED = '[redacted]';

function scrubText(text: string): string {
  let out = text;
  for (const pattern of SECRET_TEXT) out = out.replace(pattern, REDACTED);
  return out;
}

/** A copy of `value` with secrets removed (keys by name, strings by shape); errors keep type, message and stack. */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { type: value.name, message: scrubText(value.message), stack: value.stack ? scrubText(value.stack) : undefined, ...(typeof code === 'string' ? { code } : {}) };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = SECRET_KEYS.test(key) ? REDACTED : scrub(v, depth + 1);
  return out;
}

export interface LoggerOptions {
  level?: string;
  /** JSON lines (production, log shippers) or coloured one-line text (development). */
  format?: 'json' | 'pretty';
  /** Where lines go (tests capture them); default stdout. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const pretty = options.format === 'pretty' && !options.destination;
  return pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: (object) => scrub(object) as Record<string, unknown> },
      hooks: {
        // The message itself (and printf-style arguments) is scrubbed too.
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    pretty ? pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } }) : options.destination,
  );
}

/**
 * The process's logger. Quiet (warnings and errors) until server/main.ts configures it from LOG_LEVEL and
 * LOG_FORMAT, so tests that build the app directly do not flood their output.
 */
export let logger: Logger = createLogger({ level: 'warn' });

export function configureLogger(options: LoggerOptions): Logger {
  logger = createLogger(options);
  return logger;
}
