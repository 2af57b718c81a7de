import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { expect, test, trpcClient } from './fixtures';

/**
 * Nothing scrolls sideways and nothing opens off-screen, on a phone (390 px) and on laptops (1280 and
 * 1440 px): every route is visited with real data in it (a refunded payment with several refunds, an
 * uncaptured one, a declined one, a customer with payments, a team member, API keys), and every dialog and
 * filter panel is opened. A failure names the elements that stick out, and a screenshot is attached.
 */

interface Seeded {
  customerId: string;
  refundedId: string;
  uncapturedId: string;
  openId: string;
  refundId: string;
}

async function seed(request: APIRequestContext, secret: string): Promise<Seeded> {
  const headers = { authorization: `Bearer ${secret}` };
  const post = async (path: string, form: Record<string, string>) => {
    const response = await request.post(path, { headers, form });
    const body = await response.json();
    if (!response.ok() && response.status() !== 402) throw new Error(`${path} failed (${response.status()}): ${JSON.stringify(body)}`);
    return body;
  };
  const customer = await post('/v1/customers', {
    name: 'Maximiliane Wolkenstein-Oberhausen',
    email: 'maximiliane.wolkenstein-oberhausen@a-rather-long-company-domain.example.com',
    'metadata[loyalty_programme_membership_identifier]': 'gold-tier-member-since-2019-with-a-long-value',
  });
  const refunded = await post('/v1/payment_intents', {
    amount: '1234567', currency: 'usd', customer: customer.id, description: 'Expedition-grade four-season mountaineering tent with vestibule and footprint',
  });
  await post(`/v1/payment_intents/${refunded.id}/confirm`, { payment_method: 'pm_card_visa' });
  const trpc = trpcClient(request);
  for (const [amount, note] of [[100000, 'Damaged pole section replaced by the customer at their own cost'], [2345, 'Late delivery'], [99, '']] as const) {
    await trpc.mutation('payments.refund', { id: refunded.id, amount, reason: 'requested_by_customer', note: note || undefined });
  }
  const uncaptured = await post('/v1/payment_intents', { amount: '8000', currency: 'eur', customer: customer.id, capture_method: 'manual', description: 'Rental deposit' });
  await post(`/v1/payment_intents/${uncaptured.id}/confirm`, { payment_method: 'pm_card_mastercard' });
  const declined = await post('/v1/payment_intents', { amount: '990000', currency: 'jpy', customer: customer.id });
  await post(`/v1/payment_intents/${declined.id}/confirm`, { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' });
  const refunds = await trpc.query<{ items: Array<{ id: string }> }>('refunds.list', {});
  return { customerId: customer.id, refundedId: refunded.id, uncapturedId: uncaptured.id, openId: declined.id, refundId: refunds.items[0].id };
}

/** Elements wider than the page, or (for dialogs and panels) outside the viewport, described for the failure message. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    const vw = root.clientWidth;
    const vh = window.innerHeight;
    const describe = (el: Element) => {
      const id = el.id ? `#${el.id}` : '';
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).slice(0, 3).join('.')}` : '';
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `<${el.tagName.toLowerCase()}${id}${cls}> "${text}"`;
    };
    /** Inside a box that scrolls sideways on purpose (a wide table in its own scroller)? */
    const inScroller = (el: Element) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const overflowX = getComputedStyle(p).overflowX;
        if (overflowX === 'auto' || overflowX === 'scroll') return true;
      }
      return false;
    };
    if (root.scrollWidth > vw) {
      const culprits = [...document.body.querySelectorAll('*')]
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.right > vw + 1 && !inScroller(el);
        })
        // The innermost ones say most.
        .filter((el, _, all) => !all.some((other) => other !== el && el.contains(other)))
        .slice(0, 5)
        .map(describe);
      problems.push(`the page is ${root.scrollWidth}px wide in a ${vw}px viewport: ${culprits.join(', ')}`);
    }
    for (const el of document.querySelectorAll('[role="dialog"], [role="alertdialog"], [data-popover], [role="menu"]')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1) {
        problems.push(`${describe(el)} is outside the ${vw}x${vh} viewport (${Math.round(r.left)},${Math.round(r.top)} – ${Math.round(r.right)},${Math.round(r.bottom)})`);
      }
      // Its buttons (Apply, Refund, Cancel) must be reachable: inside the viewport, or inside a scroller of the panel.
      for (const button of el.querySelectorAll('button')) {
        const b = button.getBoundingClientRect();
        if (b.width === 0 || inScroller(button)) continue;
        if (b.right > vw + 1 || b.bottom > vh + 1 || b.left < -1) problems.push(`${describe(button)} in ${describe(el)} is off-screen`);
      }
    }
    // A table whose header cells are cut off by a card that hides its overflow (the Refunds card's Date column).
    for (const th of document.querySelectorAll('th')) {
      const r = th.getBoundingClientRect();
      if (r.width === 0 || inScroller(th)) continue;
      for (let p = th.parentElement; p && p !== document.body; p = p.parentElement) {
        const style = getComputedStyle(p);
        if (style.overflowX === 'hidden' || style.overflowX === 'clip') {
          const box = p.getBoundingClientRect();
          if (r.right > box.right + 1 || r.left < box.left - 1) problems.push(`column ${describe(th)} is clipped by ${describe(p)}`);
          break;
        }
      }
    }
    // On laptop widths a table has room: one that scrolls sideways in its card hides columns.
    if (vw >= 1024) {
      for (const table of document.querySelectorAll('table')) {
        const scroller = table.parentElement;
        if (scroller && table.scrollWidth > scroller.clientWidth + 1) {
          problems.push(`${describe(table)} needs ${table.scrollWidth}px but its card is ${scroller.clientWidth}px: columns are cut off`);
        }
      }
    }
    return problems;
  });
}

async function expectLayoutFits(page: Page, where: string) {
  // Measured once opening animations (a sheet sliding in, a dialog fading in) have finished.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  const problems = await layoutProblems(page);
  if (problems.length) {
    await test.info().attach(`${where}.png`, { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
  }
  expect(problems, `${where} at ${page.viewportSize()?.width}px`).toEqual([]);
}

/** The page has its data: no skeleton or spinner left and its heading shown. */
async function ready(page: Page) {
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

/** Opens a dialog with `open`, checks it, then closes it with Escape. */
async function checkDialog(page: Page, where: string, open: (page: Page) => Promise<void>, step?: (dialog: Locator) => Promise<void>) {
  await open(page);
  const dialog = page.getByRole('dialog').last();
  await expect(dialog).toBeVisible();
  await expectLayoutFits(page, `${where} dialog`);
  if (step) {
    await step(dialog);
    await expectLayoutFits(page, `${where} dialog, next step`);
  }
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
}

/** Opens every filter chip and menu button of a list toolbar; Date also with its custom range fields. */
async function checkPanels(page: Page, where: string) {
  const chips = page.getByRole('group', { name: 'Filters' }).getByRole('button', { name: / filter/ });
  const count = await chips.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const chip = chips.nth(i);
    const name = (await chip.getAttribute('aria-label')) ?? `filter ${i}`;
    await chip.click();
    const panel = page.locator('[data-popover]');
    await expect(panel).toBeVisible();
    if (name.startsWith('Date')) await panel.getByRole('radio', { name: 'Custom range' }).check();
    await expectLayoutFits(page, `${where} ${name}`);
    await page.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);
  }
  for (const name of ['Views', 'Columns']) {
    const button = page.getByRole('button', { name, exact: true });
    if (!(await button.count())) continue;
    await button.click();
    await expect(page.locator('[data-popover]')).toBeVisible();
    await expectLayoutFits(page, `${where} ${name}`);
    await page.keyboard.press('Escape');
  }
}

const WIDTHS = [390, 1280, 1440];

for (const width of WIDTHS) {
  test(`every route and dialog fits at ${width}px`, async ({ page, apiKeys, member }) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width, height: width < 500 ? 844 : 800 });
    const s = await seed(page.request, apiKeys.secret);
    await member('support');

    const visit = async (path: string, where: string) => {
      await page.goto(path);
      await ready(page);
      await expectLayoutFits(page, where);
    };

    await visit('/', 'Home');
    if (width < 1024) {
      await checkDialog(page, 'Navigation', (p) => p.getByRole('button', { name: 'Open navigation' }).click());
    }
    await page.keyboard.press('ControlOrMeta+k');
    await expect(page.getByRole('dialog', { name: 'Go to' })).toBeVisible();
    await expectLayoutFits(page, 'Command palette');
    await page.keyboard.press('Escape');

    await visit('/payments', 'Payments');
    await expect(page.locator('table tbody tr')).toHaveCount(3);
    await page.screenshot({ path: test.info().outputPath('payments.png'), fullPage: true });
    await checkPanels(page, 'Payments');
    await checkDialog(page, 'Save view', async (p) => {
      await p.getByRole('button', { name: 'Views', exact: true }).click();
      await p.getByRole('button', { name: 'Save view' }).click();
    });

    await visit(`/payments/${s.refundedId}`, 'Refunded payment');
    await expect(page.getByRole('table', { name: 'Refunds of this payment' }).locator('tbody tr')).toHaveCount(3);
    await expectLayoutFits(page, 'Refunded payment with its refunds');
    // Kept beside the test results for a person to look at (layout bugs a rule cannot name).
    await page.screenshot({ path: test.info().outputPath('refunded-payment.png'), fullPage: true });
    await checkDialog(page, 'Refund', (p) => p.getByRole('button', { name: 'Refund', exact: true }).click(), async (dialog) => {
      await dialog.getByRole('radio', { name: 'Partial refund' }).check();
      await dialog.getByLabel(/Amount to refund/).fill('1.00');
      await dialog.getByRole('button', { name: 'Review refund' }).click();
      await expect(dialog.getByRole('heading', { name: /Refund .*\?/ })).toBeVisible();
      await page.screenshot({ path: test.info().outputPath('refund-dialog.png') });
    });

    await visit(`/payments/${s.uncapturedId}`, 'Uncaptured payment');
    await checkDialog(page, 'Capture', (p) => p.getByRole('button', { name: 'Capture', exact: true }).click(), async (dialog) => {
      await dialog.getByRole('button', { name: 'Review capture' }).click();
      await expect(dialog.getByRole('heading', { name: /Capture .*\?/ })).toBeVisible();
    });
    await checkDialog(page, 'Cancel payment', (p) => p.getByRole('button', { name: 'Cancel payment' }).click());

    await visit(`/payments/${s.openId}`, 'Declined payment');

    await visit('/refunds', 'Refunds');
    await expect(page.locator('table tbody tr')).toHaveCount(3);
    await checkPanels(page, 'Refunds');
    await visit(`/refunds/${s.refundId}`, 'Refund detail');

    await visit('/customers', 'Customers');
    await checkDialog(page, 'New customer', (p) => p.getByRole('button', { name: 'New customer' }).click());
    await visit(`/customers/${s.customerId}`, 'Customer detail');
    await checkDialog(page, 'Edit customer', (p) => p.getByRole('button', { name: 'Edit', exact: true }).click());
    await checkDialog(page, 'Delete customer', (p) => p.getByRole('button', { name: 'Delete', exact: true }).click());

    await visit('/developers', 'Developers');
    await checkDialog(page, 'Create secret key', (p) => p.getByRole('button', { name: 'Create secret key' }).click());
    await page.getByRole('button', { name: /^Actions for / }).first().click();
    await expect(page.getByRole('menu')).toBeVisible();
    await expectLayoutFits(page, 'API key menu');
    await page.getByRole('menuitem', { name: 'Roll key…' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await expectLayoutFits(page, 'Roll key dialog');
    await page.keyboard.press('Escape');

    await visit('/reports', 'Reports');
    await checkDialog(page, 'New scheduled export', (p) => p.getByRole('button', { name: 'New schedule' }).click());
    for (const tab of ['business', 'team', 'audit', 'account', 'security']) await visit(`/settings?tab=${tab}`, `Settings (${tab})`);
    await page.goto('/settings?tab=team');
    await ready(page);
    await checkDialog(page, 'Invite member', (p) => p.getByRole('button', { name: 'Invite member' }).click());
    await checkDialog(page, 'Remove member', (p) => p.getByRole('button', { name: /^Remove / }).last().click());

  });
}

test('the sign-in and sign-up pages fit a phone', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/signin', '/signup']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expectLayoutFits(page, path);
  }
});
