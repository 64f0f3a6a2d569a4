import { expect, test } from '../fixtures';

// browser-*.spec.ts run in browser mode only (see playwright.config.ts): the desktop app has no token to get wrong.
test.describe('browser mode access', () => {
  test('a page opened without the token says which link to open', async ({ page, serve }) => {
    await page.goto(serve.origin + '/');
    await expect(page.getByRole('alert')).toContainText('Open the full link that `berth serve` printed');
    await expect(page.getByRole('article', { name: 'This computer' })).toHaveCount(0);
  });

  test('a page with a wrong token is refused and says what to do', async ({ page, serve }) => {
    await page.goto(`${serve.origin}/#token=not-the-token`);
    await expect(page.getByRole('alert')).toContainText('refused this page');
    await expect(page.getByRole('article', { name: 'This computer' })).toHaveCount(0);
  });

  test('the token leaves the address bar but survives a reload', async ({ page, serve }) => {
    await page.goto(serve.url);
    await expect(page.getByRole('article', { name: 'This computer' })).toBeVisible();
    expect(page.url()).not.toContain('token');
    await page.reload();
    await expect(page.getByRole('article', { name: 'This computer' })).toBeVisible();
  });
});
