import { describe, expect, it } from 'vitest';
import { safeEqual as clientSecretMatches } from '../shared/crypto.js';
import { appendPaymentIntent, safeHttpUrl } from './checkout.service.js';

describe('return URLs', () => {
  it('appends payment_intent with ? or &, before any fragment', () => {
    expect(appendPaymentIntent('https://s.example/ok', 'pi_1')).toBe('https://s.example/ok?payment_intent=pi_1');
    expect(appendPaymentIntent('https://s.example/ok?x=1', 'pi_1')).toBe('https://s.example/ok?x=1&payment_intent=pi_1');
    expect(appendPaymentIntent('https://s.example/ok?', 'pi_1')).toBe('https://s.example/ok?payment_intent=pi_1');
    expect(appendPaymentIntent('https://s.example/ok?x=1#top', 'pi_1')).toBe('https://s.example/ok?x=1&payment_intent=pi_1#top');
  });
  it('only lets http(s) URLs become links', () => {
    expect(safeHttpUrl('https://s.example/ok')).toBe('https://s.example/ok');
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('data:text/html,hi')).toBeNull();
    expect(safeHttpUrl('not a url')).toBeNull();
    expect(safeHttpUrl(null)).toBeNull();
  });
});

describe('client secret', () => {
  it('matches only the exact secret', () => {
    expect(clientSecretMatches('pi_1_secret_abc', 'pi_1_secret_abc')).toBe(true);
    expect(clientSecretMatches('pi_1_secret_abc', 'pi_1_secret_abd')).toBe(false);
    expect(clientSecretMatches('pi_1_secret_abc', 'pi_1_secret_ab')).toBe(false);
    expect(clientSecretMatches('pi_1_secret_abc', '')).toBe(false);
  });
});
