import { expect, test } from './fixtures';

/** Home tells each role what it can do here, and live mode tells the truth about processing. */

test('support sees finding and refunding payments, not API steps; developers see keys and curl; finance sees reports', async ({ member }) => {
  const support = await member('support');
  await support.page.goto('/');
  const tasks = (page: typeof support.page) => page.getByRole('region', { name: /What you can do/ });
  await expect(tasks(support.page).getByRole('link', { name: /Find a payment/ })).toBeVisible();
  await expect(tasks(support.page).getByRole('link', { name: /Refund a payment/ })).toBeVisible();
  await expect(tasks(support.page).getByRole('link', { name: /API keys/ })).toHaveCount(0);
  await expect(support.page.getByText('curl', { exact: false })).toHaveCount(0);
  await expect(support.page.getByRole('heading', { name: 'Integrate the API' })).toHaveCount(0);

  const developer = await member('developer');
  await developer.page.goto('/');
  await expect(tasks(developer.page).getByRole('link', { name: /API keys/ })).toBeVisible();
  await expect(developer.page.getByRole('heading', { name: 'Integrate the API' })).toBeVisible();
  await expect(developer.page.locator('pre code')).toContainText('curl');
  await expect(tasks(developer.page).getByRole('link', { name: /Refund a payment/ })).toHaveCount(0);

  const finance = await member('finance');
  await finance.page.goto('/');
  await expect(tasks(finance.page).getByRole('link', { name: /Reports and balance/ })).toBeVisible();
  await expect(tasks(finance.page).getByRole('link', { name: /Refund a payment/ })).toHaveCount(0);
  await expect(finance.page.locator('pre code')).toHaveCount(0);
  await tasks(finance.page).getByRole('link', { name: /Reports and balance/ }).click();
  await expect(finance.page).toHaveURL(/\/reports$/);
});

test('live mode says live payments are declined until a processor connector is configured', async ({ page, trpc, account: _ }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByText('Live payments are declined', { exact: false })).toHaveCount(0);

  await trpc.mutation('auth.setMode', { livemode: true });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('note').filter({ hasText: 'Live payments are declined until a card-processor connector is configured.' })).toBeVisible();
  await expect(page.getByText(/first live payment in a few minutes/)).toHaveCount(0);
  await expect(page.getByText(/Accept your first live payment/)).toHaveCount(0);
  // Every page of the live dashboard carries the notice, not only Home.
  await page.goto('/payments');
  await expect(page.getByRole('note').filter({ hasText: 'Live payments are declined' })).toBeVisible();
});

test('a 60-character API key name stays in its column and never draws over the token', async ({ page, trpc, account: _ }) => {
  // No spaces or hyphens: nothing lets the browser wrap it.
  const name = 'ProductionWebserverEuWest1PrimaryClusterNode0000000000000001';
  expect(name).toHaveLength(60);
  await trpc.mutation('developers.createSecretKey', { name });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/developers');
    const cell = page.locator('[data-testid^="api-key-name-"]', { hasText: name.slice(0, 10) });
    await expect(cell).toBeVisible();
    await expect(cell).toHaveAttribute('title', name);
    const row = cell.locator('xpath=ancestor::tr[1]');
    const token = row.locator('[data-testid^="api-key-token-"]');
    const tokenBox = await token.boundingBox();
    expect(tokenBox).toBeTruthy();
    // Where the name's text visibly ends: the text itself, cut at the cell's edge when the cell clips it.
    const nameRight = await cell.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const text = range.getBoundingClientRect().right;
      const clips = getComputedStyle(el).overflowX !== 'visible';
      return clips ? Math.min(text, el.getBoundingClientRect().right) : text;
    });
    expect(nameRight, `at ${width}px`).toBeLessThanOrEqual(tokenBox!.x);
  }
});
