import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const dialog = (page: Page) => page.getByRole('dialog');

test('create, find, edit and delete a customer', async ({ page, account: _ }) => {
  await page.goto('/customers');
  await expect(page.getByText('No customers yet')).toBeVisible();

  await page.getByRole('button', { name: 'New customer' }).first().click();
  await dialog(page).getByLabel('Name').fill('Jane Walker');
  await dialog(page).getByLabel('Email').fill('not-an-email');
  await dialog(page).getByRole('button', { name: 'Create customer' }).click();
  await expect(dialog(page).getByText('Enter a valid email address')).toBeVisible();
  await dialog(page).getByLabel('Email').fill('jane.walker@example.com');
  await dialog(page).getByRole('button', { name: 'Create customer' }).click();

  await expect(page).toHaveURL(/\/customers\/cus_/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Jane Walker');
  const customerUrl = page.url();

  // Metadata rows: add two, then remove one.
  await page.getByRole('button', { name: 'Edit metadata' }).click();
  await page.getByLabel('Key 1').fill('plan');
  await page.getByLabel('Value 1').fill('gold');
  await page.getByRole('button', { name: 'Add row' }).click();
  await page.getByLabel('Key 2').fill('crm_id');
  await page.getByLabel('Value 2').fill('A-77');
  await page.getByRole('button', { name: 'Save metadata' }).click();
  await expect(page.getByText('crm_id')).toBeVisible();
  await page.getByRole('button', { name: 'Edit metadata' }).click();
  await page.getByRole('button', { name: 'Remove plan' }).click();
  await page.getByRole('button', { name: 'Save metadata' }).click();
  await expect(page.getByText('crm_id')).toBeVisible();
  await expect(page.getByText('plan', { exact: true })).toHaveCount(0);

  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await dialog(page).getByLabel('Name').fill('Jane Walker-Smith');
  await dialog(page).getByLabel('Phone').fill('+1 555 0100');
  await dialog(page).getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Jane Walker-Smith');
  await expect(page.getByText('+1 555 0100')).toBeVisible();

  // The list finds her by part of her email, and the search is in the URL.
  await page.goto('/customers');
  await page.getByRole('searchbox', { name: 'Search customers' }).fill('jane.walker');
  await page.getByRole('searchbox', { name: 'Search customers' }).press('Enter');
  await expect(page).toHaveURL(/q=jane\.walker/);
  await expect(page.locator('table tbody tr')).toHaveCount(1);
  await page.getByRole('link', { name: 'Jane Walker-Smith' }).click();
  await expect(page).toHaveURL(customerUrl);

  await page.getByRole('button', { name: 'Delete' }).click();
  await dialog(page).getByRole('button', { name: 'Delete customer' }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await expect(page.getByText('No customers yet')).toBeVisible();
  await page.goto(customerUrl);
  await expect(page.getByText('No such customer')).toBeVisible();
});

test('a viewer can look at customers but not create one', async ({ trpc, member }) => {
  await trpc.mutation('customers.create', { name: 'Read Only', email: 'read.only@example.com' });
  const viewer = await member('viewer');
  await viewer.page.goto('/customers');
  await expect(viewer.page.getByRole('link', { name: 'Read Only' })).toBeVisible();
  await expect(viewer.page.getByRole('button', { name: 'New customer' })).toHaveCount(0);
  await viewer.page.getByRole('link', { name: 'Read Only' }).click();
  await expect(viewer.page.getByRole('heading', { level: 1 })).toHaveText('Read Only');
  await expect(viewer.page.getByRole('button', { name: 'Edit', exact: true })).toHaveCount(0);
  await expect(viewer.page.getByRole('button', { name: 'Delete' })).toHaveCount(0);
});

test('a new customer needs a name or an email; a changed form asks before it is discarded', async ({ page, trpc, account: _ }) => {
  await page.goto('/customers');
  await page.getByRole('button', { name: 'New customer' }).first().click();
  // The dialog opens on its first field, not on the Close button.
  await expect(dialog(page).getByLabel('Name')).toBeFocused();

  await dialog(page).getByRole('button', { name: 'Create customer' }).click();
  await expect(dialog(page).getByText('Enter a name or an email address.')).toBeVisible();
  await expect(dialog(page).getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog(page).getByLabel('Name')).toBeFocused();
  // The server holds the same rule for any other client of the procedure.
  const refused = await page.request.post('/trpc/customers.create', { headers: { 'content-type': 'application/json', 'x-paymentflow-csrf': '1' }, data: { phone: '+1 555 0100' } });
  expect(refused.status()).toBe(400);
  expect((await trpc.query<{ items: unknown[] }>('customers.list', {})).items).toEqual([]);

  // Escape on a changed form asks first; "Keep editing" keeps what was typed.
  await dialog(page).getByLabel('Phone').fill('+1 555 0100');
  await page.keyboard.press('Escape');
  await expect(dialog(page).getByText('Discard your changes?')).toBeVisible();
  await expect(dialog(page).getByRole('button', { name: 'Keep editing' })).toBeFocused();
  await dialog(page).getByRole('button', { name: 'Keep editing' }).click();
  await expect(dialog(page).getByLabel('Phone')).toHaveValue('+1 555 0100');
  // The Close button asks too; discarding closes without saving.
  await dialog(page).getByRole('button', { name: 'Close' }).click();
  await dialog(page).getByRole('button', { name: 'Discard changes' }).click();
  await expect(dialog(page)).toBeHidden();
  expect((await trpc.query<{ items: unknown[] }>('customers.list', {})).items).toEqual([]);

  // An untouched form closes on Escape without a question.
  await page.getByRole('button', { name: 'New customer' }).first().click();
  await expect(dialog(page).getByLabel('Name')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog(page)).toBeHidden();

  await page.getByRole('button', { name: 'New customer' }).first().click();
  await dialog(page).getByLabel('Email').fill('only.email@example.com');
  await dialog(page).getByRole('button', { name: 'Create customer' }).click();
  await expect(page).toHaveURL(/\/customers\/cus_/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('only.email@example.com');
});

test('a too long metadata value is marked on the value, not the key', async ({ page, trpc, account: _ }) => {
  const customer = await trpc.mutation<{ id: string }>('customers.create', { name: 'Meta Data' });
  await page.goto(`/customers/${customer.id}`);
  await page.getByRole('button', { name: 'Edit metadata' }).click();
  await page.getByLabel('Key 1').fill('notes');
  await page.getByLabel('Value 1').fill('x'.repeat(501));
  await page.getByRole('button', { name: 'Save metadata' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Values can be at most 500 characters' })).toBeVisible();
  await expect(page.getByLabel('Value 1')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Value 1')).toBeFocused();
  await expect(page.getByLabel('Key 1')).not.toHaveAttribute('aria-invalid', 'true');

  // Leaving the changed editor (Escape or Cancel) asks first.
  await page.keyboard.press('Escape');
  await expect(page.getByText('Discard your changes?')).toBeVisible();
  await page.getByRole('button', { name: 'Keep editing' }).click();
  await expect(page.getByLabel('Value 1')).toHaveValue('x'.repeat(501));
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByText('No metadata.')).toBeVisible();
  // Unchanged, it closes straight away.
  await page.getByRole('button', { name: 'Edit metadata' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Edit metadata' })).toBeVisible();
});

test('the customer detail fits a 390 px phone without sideways scrolling', async ({ page, trpc, apiKeys }) => {
  const customer = await trpc.mutation<{ id: string }>('customers.create', {
    name: 'Maximiliana Wolfeschlegelsteinhausen-Bergerdorff',
    email: 'maximiliana.wolfeschlegelsteinhausenbergerdorff@very-long-domain-name.example',
    description: 'Wholesale account with a long description that has to wrap on a small screen',
    metadata: { crm_account_reference_identifier: 'ACCT-000000000000000000000000000000000000000001' },
  });
  const headers = { authorization: `Bearer ${apiKeys.secret}` };
  for (const amount of ['123456', '990']) {
    const intent = await (await page.request.post('/v1/payment_intents', { headers, form: { amount, currency: 'usd', customer: customer.id, description: 'A fairly long order description' } })).json();
    await page.request.post(`/v1/payment_intents/${intent.id}/confirm`, { headers, form: { payment_method: 'pm_card_visa' } });
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/customers/${customer.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByText('$1,234.56').first()).toBeVisible();
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  // Names what sticks out (outside any scroll container of its own), so a failure says where to look.
  const wide = () => page.evaluate(() => {
    const edge = document.documentElement.clientWidth + 0.5;
    const inScroller = (el: Element) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') return true;
      return false;
    };
    return [...document.querySelectorAll('#main *')].filter((el) => el.getBoundingClientRect().right > edge && !inScroller(el)).slice(0, 8).map((el) => `${el.tagName}.${el.className}`.slice(0, 140));
  });
  expect(await wide(), 'elements reaching past the right edge').toEqual([]);
  expect(await overflow()).toBe(0);
  // Nor does the totals table need its own sideways scrolling.
  const totals = page.locator('table', { has: page.locator('caption', { hasText: 'Spent and refunded per currency' }) });
  expect(await totals.evaluate((el) => el.parentElement!.scrollWidth - el.parentElement!.clientWidth)).toBe(0);
  await page.getByRole('button', { name: 'Edit metadata' }).click();
  await expect(page.getByLabel('Value 1')).toBeVisible();
  expect(await wide(), 'elements reaching past the right edge').toEqual([]);
  expect(await overflow()).toBe(0);
});
