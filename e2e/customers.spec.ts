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
