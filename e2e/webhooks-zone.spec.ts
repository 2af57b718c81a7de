import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures';

/** A wall-clock time of a zone as a datetime-local value ("2026-03-10T14:00"). */
function wallClock(unixSeconds: number, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(unixSeconds * 1000)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

// The person's browser is in Los Angeles; the account's time zone (Settings) is Kathmandu, 13 h 45 min ahead.
test.use({ timezoneId: 'America/Los_Angeles' });
const ZONE = 'Asia/Kathmandu';

test('"Recover failed since" reads and shows times in the account\'s zone, not the browser\'s; the endpoint page with a failed and a recovered delivery fits 1440 and 390 px', async ({ page, apiKeys, trpc }) => {
  await trpc.mutation('settings.updateBusiness', { name: 'Himalaya Goods', timezone: ZONE, supportEmail: '', statementDescriptor: '' });
  let status = 410;
  // The receiver answers once both events exist, so both have a delivery before the 410 disables the endpoint.
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const received: string[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => void gate.then(() => {
      if (status === 200) received.push(body);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'thanks' : 'gone');
    }));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/a-rather-long-path/that-should-truncate-on-a-phone/webhooks/payments-and-customers`;
  const api = async (method: 'get' | 'post', path: string, form?: Record<string, string>) =>
    (await page.request[method](path, { headers: { Authorization: `Bearer ${apiKeys.secret}` }, form })).json();
  try {
    const endpoint = await api('post', '/v1/webhook_endpoints', { url, 'enabled_events[0]': 'customer.created', 'enabled_events[1]': 'customer.updated', description: 'CRM sync' });
    const customer = await api('post', '/v1/customers', { name: 'Ada' });
    await api('post', `/v1/customers/${customer.id}`, { name: 'Ada Lovelace' });
    open();
    await expect.poll(async () => (await api('get', `/v1/webhook_endpoints/${endpoint.id}`)).status, { timeout: 30_000 }).toBe('disabled');

    await page.goto(`/developers/webhooks?endpoint=${endpoint.id}`);
    // Both failed: the first answered 410, the second too or was not sent to the endpoint the 410 disabled.
    const failedBadges = page.getByRole('table', { name: 'Deliveries' }).getByText(/^Failed( · 410)?$/);
    await expect(failedBadges).toHaveCount(2, { timeout: 30_000 });
    // The page says which zone its times are in; the default "since" is an hour ago on the account's clock.
    await expect(page.getByTestId('times-zone')).toHaveText('Times are in Asia/Kathmandu (GMT+05:45), the account\'s time zone.');
    const since = page.getByLabel('Recover failed since');
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    expect([wallClock(hourAgo, ZONE), wallClock(hourAgo + 60, ZONE)]).toContain(await since.inputValue());
    // The delivery rows are in that zone too.
    await expect(page.getByRole('table', { name: 'Deliveries' }).locator('td[title*="GMT+5:45"]')).toHaveCount(2);

    status = 200;
    await page.getByRole('button', { name: 'Enable' }).click();
    await expect(page.getByText('This endpoint is disabled')).toBeHidden();
    // Ten minutes ago in Kathmandu. Read in the browser's zone it would be 13 h 45 min from now: nothing to recover.
    await since.fill(wallClock(Math.floor(Date.now() / 1000) - 600, ZONE));
    await page.getByLabel('Filter by event type').selectOption('customer.updated');
    await page.getByRole('button', { name: 'Recover failed customer.updated' }).click();
    const progress = page.getByTestId('recovery-progress');
    await expect(progress).toContainText('1 sent again, 1 delivered', { timeout: 30_000 });
    await expect(progress).toContainText(/since \w+ \d+, \d{4}, \d+:\d\d [AP]M/);
    expect(received.map((b) => JSON.parse(b).type)).toEqual(['customer.updated']);

    // One failed delivery, one recovered: the page as a merchant sees it, wide and on a phone.
    await page.getByLabel('Filter by event type').selectOption('');
    await expect(page.getByText('Succeeded · 200')).toHaveCount(1);
    await expect(failedBadges).toHaveCount(1);
    await page.getByRole('button', { name: /customer\.created/ }).click();
    await expect(page.getByTestId('delivery-attempt')).toHaveCount(1);
    for (const [width, name] of [[1440, 'desktop'], [390, 'phone']] as const) {
      await page.setViewportSize({ width, height: 900 });
      await expect(page.getByTestId('delivery-attempt')).toBeVisible();
      // Nothing pushes the page sideways: long URLs and payloads truncate or scroll inside their own box.
      const overflow = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        // The outermost elements reaching past the right edge, to say what pushes the page.
        const wide = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > width + 1);
        const outermost = wide.filter((el) => !wide.includes(el.parentElement!)).map((el) => `${el.tagName.toLowerCase()}.${el.className}`.slice(0, 120));
        return { by: document.documentElement.scrollWidth - width, outermost };
      });
      expect(overflow, JSON.stringify(overflow.outermost)).toMatchObject({ by: 0 });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `test-results/webhooks-endpoint-${name}.png`, fullPage: true });
    }
  } finally {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  }
});
