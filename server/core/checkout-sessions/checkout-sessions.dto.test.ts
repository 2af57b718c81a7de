import { describe, expect, it } from 'vitest';
import { sessionPath, sessionSuccessUrl } from './checkout-sessions.dto.js';

describe('session URLs', () => {
  it('replaces every {CHECKOUT_SESSION_ID} in success_url and nothing else', () => {
    expect(sessionSuccessUrl('https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}', 'cs_abc')).toBe('https://shop.example/ok?session_id=cs_abc');
    expect(sessionSuccessUrl('https://shop.example/{CHECKOUT_SESSION_ID}/done?s={CHECKOUT_SESSION_ID}#top', 'cs_1')).toBe('https://shop.example/cs_1/done?s=cs_1#top');
    expect(sessionSuccessUrl('https://shop.example/ok?x=1', 'cs_1')).toBe('https://shop.example/ok?x=1');
    // Only the exact placeholder: other braces are the merchant's own.
    expect(sessionSuccessUrl('https://shop.example/ok?a={SESSION_ID}', 'cs_1')).toBe('https://shop.example/ok?a={SESSION_ID}');
  });

  it('puts the session page under /checkout', () => {
    expect(sessionPath('cs_Ab12')).toBe('/checkout/cs_Ab12');
  });
});
