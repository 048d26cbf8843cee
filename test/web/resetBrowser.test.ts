// The web reset in a real browser (Debian's Chromium via playwright-core, nothing downloaded), keyboard only: name,
// method, texted code, new password with the live strength feedback, done; no CSP violation on any page; axe-core
// finds no serious or critical accessibility problem on each page.
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { JANE_UPN, startResetHarness, type ResetHarness } from './resetHarness';

const CHROMIUM = process.env['SIGNET_CHROMIUM'] ?? '/usr/bin/chromium';
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let r: ResetHarness;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set SIGNET_CHROMIUM to its path).`);
  r = await startResetHarness({ passwordReset: { perPersonPerHour: 100 } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await r?.close();
});

async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate('axe.run().then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact })))')) as Array<{ id: string; impact: string | null }>;
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
}

function focused(page: Page, property: 'className' | 'name' | 'value' | 'textContent' | 'id'): Promise<unknown> {
  return page.evaluate(`document.activeElement ? document.activeElement.${property} : null`);
}

test('when Jane resets her password with the keyboard only, then every page is accessible and the new password is set', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(`${r.h.url}/reset`);
  await expectAccessible(page);
  await page.keyboard.press('Tab'); // the skip link
  expect(await focused(page, 'className')).toBe('skip');
  await page.keyboard.press('Tab');
  expect(await focused(page, 'id')).toBe('name');
  await page.keyboard.type(JANE_UPN);
  await page.keyboard.press('Tab'); // the checked purpose: "I forgot my password"
  expect(await focused(page, 'value')).toBe('reset');
  await Promise.all([page.waitForURL(/\/reset\/s\//), page.keyboard.press('Enter')]);

  await page.waitForSelector('h1:has-text("Check it")');
  await expectAccessible(page);
  await page.keyboard.press('Tab'); // skip link
  await page.keyboard.press('Tab'); // the first way: a text
  expect(await focused(page, 'value')).toBe('sms');
  await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
  await page.waitForSelector('#code');
  expect(await focused(page, 'id')).toBe('code');
  await expectAccessible(page);
  const sms = r.h.outbox.last('sms');
  const code = /"code":"(\d+)"/.exec(sms?.type === 'sms' ? sms.body : '')![1]!;
  await page.keyboard.type(code);
  await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);

  await page.waitForSelector('h1:has-text("Choose a new password")');
  expect(await focused(page, 'id')).toBe('password');
  await page.keyboard.type('password1');
  // The live feedback comes from our own script and endpoint (strict CSP), into a polite live region.
  await page.waitForSelector('#strength p:has-text("too easy to guess")');
  await expectAccessible(page);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Quartz-Lantern-Orbit-77');
  await page.waitForSelector('#strength p:has-text("Strength: strong")');
  await page.keyboard.press('Tab');
  expect(await focused(page, 'id')).toBe('confirmation');
  await page.keyboard.type('Quartz-Lantern-Orbit-77');
  await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
  await page.waitForSelector('h1:has-text("Your password has been changed")');
  await expectAccessible(page);
  expect(r.memory!.signIn({ by: 'upn', value: JANE_UPN }, 'Quartz-Lantern-Orbit-77')).toBe(true);
  expect(cspViolations).toEqual([]);
  await context.close();
}, 90_000);
