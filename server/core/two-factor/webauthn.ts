/**
 * The WebAuthn relying party is the dashboard's own host (APP_URL). Browsers refuse an IP address as an RP
 * ID, so an app reached on a loopback address offers passkeys on http://localhost:<port> instead (the same
 * server; development and the end-to-end tests).
 */
export function relyingParty(appUrl: string): { id: string; origins: string[] } {
  const url = new URL(appUrl);
  if (url.hostname === '127.0.0.1' || url.hostname === '[::1]') {
    url.hostname = 'localhost';
  }
  return { id: url.hostname, origins: [url.origin] };
}

export const RP_NAME = 'PaymentFlow';
