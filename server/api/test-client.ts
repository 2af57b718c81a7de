/** Test helper: raw HTTP calls to /v1 the way a Stripe SDK (form) or a JSON client makes them. */

export type Params = Record<string, unknown>;

/** Stripe's form encoding: nested hashes in brackets, arrays with indexes. */
export function encodeForm(params: Params, prefix = ''): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (item && typeof item === 'object') parts.push(encodeForm(item as Params, `${name}[${i}]`));
        else parts.push(`${encodeURIComponent(`${name}[${i}]`)}=${encodeURIComponent(String(item))}`);
      });
    } else if (value && typeof value === 'object') {
      parts.push(encodeForm(value as Params, name));
    } else {
      parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(value === null ? '' : String(value))}`);
    }
  }
  return parts.filter(Boolean).join('&');
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  key?: string | null;
  params?: Params;
  json?: boolean;
  headers?: Record<string, string>;
  /** Sent as is (overrides params). */
  rawBody?: string;
}

export function apiClient(baseUrl: string, defaultKey: string) {
  return async function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
    const key = options.key === undefined ? defaultKey : options.key;
    const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...options.headers };
    let url = `${baseUrl}/v1${path}`;
    let body: string | undefined = options.rawBody;
    if (body === undefined && options.params) {
      if (method === 'GET' || method === 'DELETE') {
        const qs = encodeForm(options.params);
        if (qs) url += (url.includes('?') ? '&' : '?') + qs;
      } else if (options.json) {
        body = JSON.stringify(options.params);
        headers['content-type'] ??= 'application/json';
      } else {
        body = encodeForm(options.params);
        headers['content-type'] ??= 'application/x-www-form-urlencoded';
      }
    }
    const response = await fetch(url, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  };
}
