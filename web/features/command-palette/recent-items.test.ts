import { describe, expect, it } from 'vitest';
import type { LookupResult } from '../../../shared/contracts/dashboard';
import { MAX_RECENT, readRecent, recentKey, rememberRecent } from './recent-items';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

const payment = (n: number): LookupResult => ({ type: 'payment', id: `pi_${n}`, path: `/payments/pi_${n}`, label: `$${n}.00 · Succeeded`, detail: null });

describe('recent palette items', () => {
  it('keeps the newest first, without duplicates, up to the cap', () => {
    const storage = memoryStorage();
    const key = recentKey({ userId: 'usr_1', merchantId: 'acct_1', livemode: false });
    for (let n = 1; n <= MAX_RECENT + 2; n++) rememberRecent(storage, key, payment(n));
    rememberRecent(storage, key, payment(4));
    const ids = readRecent(storage, key).map((r) => r.id);
    expect(ids).toHaveLength(MAX_RECENT);
    expect(ids[0]).toBe('pi_4');
    expect(ids.filter((id) => id === 'pi_4')).toHaveLength(1);
    expect(ids).not.toContain('pi_1');
  });

  it('is kept apart per member, account and mode', () => {
    const a = recentKey({ userId: 'usr_1', merchantId: 'acct_1', livemode: false });
    expect(new Set([a, recentKey({ userId: 'usr_2', merchantId: 'acct_1', livemode: false }), recentKey({ userId: 'usr_1', merchantId: 'acct_2', livemode: false }), recentKey({ userId: 'usr_1', merchantId: 'acct_1', livemode: true })]).size).toBe(4);
  });

  it('ignores what is not a stored result, including paths off the dashboard', () => {
    const key = 'k';
    const storage = memoryStorage({ [key]: JSON.stringify([payment(1), { type: 'payment', id: 'x', path: 'https://evil.example', label: 'x', detail: null }, { type: 'payment', id: 'y', path: '//evil.example', label: 'y', detail: null }, { nope: true }, 3]) });
    expect(readRecent(storage, key).map((r) => r.id)).toEqual(['pi_1']);
    expect(readRecent(memoryStorage({ [key]: '{not json' }), key)).toEqual([]);
  });
});
