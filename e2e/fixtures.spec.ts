import { expect, test, trpcClient } from './fixtures';

// The shared fixtures are what every other spec stands on; check the promises they make.

test('account: the page starts signed in as a fresh owner in test mode', async ({ account, trpc }) => {
  const me = await trpc.query<{ user: { email: string }; merchant: { id: string; name: string }; role: string; livemode: boolean }>('auth.me');
  expect(me).toMatchObject({ user: { email: account.email }, merchant: { id: account.merchantId, name: account.businessName }, role: 'owner', livemode: false });
});

test('apiKeys: test-mode keys that the public API accepts', async ({ account: _, apiKeys, request }) => {
  expect(apiKeys.publishable).toMatch(/^pk_test_/);
  expect(apiKeys.secret).toMatch(/^sk_test_/);
  const list = await request.get('/v1/customers', { headers: { authorization: `Bearer ${apiKeys.secret}` } });
  expect(list.status()).toBe(200);
  expect(await list.json()).toMatchObject({ object: 'list', data: [] });
});

test('member: a second user with the given role, signed in on its own context', async ({ account, member }) => {
  const support = await member('support');
  const me = await trpcClient(support.context.request).query<{ user: { email: string }; merchant: { id: string }; role: string }>('auth.me');
  expect(me).toMatchObject({ user: { email: support.email }, merchant: { id: account.merchantId }, role: 'support' });
});
