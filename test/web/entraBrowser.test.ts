// The Entra sign-in in a real browser (Debian's Chromium driven by playwright-core, nothing downloaded): texted
// code, press-# call and Teams approval, each ending in the auto-post to the Entra stand-in, operated with the
// keyboard only; no CSP violation on any page; axe-core finds no serious or critical accessibility problem.
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ACR_POSSESSION, STAND_IN_CLIENT_ID } from '../support/entraStandIn';
import { OID, startEntraHarness, type EntraHarness } from './entraHarness';

const CHROMIUM = process.env['SIGNET_CHROMIUM'] ?? '/usr/bin/chromium';
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let h: EntraHarness;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set SIGNET_CHROMIUM to its path).`);
  }
  h = await startEntraHarness();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

interface Session {
  readonly page: Page;
  readonly cspViolations: string[];
  readonly nonce: string;
}

/** Plays Entra's part: the browser posts the authorize form (as Entra's page makes it do) and lands on Signet. */
async function startSignIn(): Promise<Session> {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  const nonce = `nonce-${Math.random().toString(36).slice(2)}`;
  const body = new URLSearchParams(h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID }), redirectUri: h.standIn.redirectUri, nonce }));
  const inputs = [...body.entries()].map(([name, value]) => `<input type="hidden" name="${name}" value="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">`).join('');
  await page.setContent(`<form method="post" action="${h.url}/entra/authorize">${inputs}<button>go</button></form>`);
  await Promise.all([page.waitForURL(/\/entra\/sign-in\//), page.click('button')]);
  return { page, cspViolations, nonce };
}

/** Picks a method on the choice page with the keyboard only: Tab into the radio group, arrows, Enter. */
async function chooseByKeyboard(page: Page, method: string): Promise<void> {
  // Expressions as strings: they run in the page, whose DOM types this Node project does not compile against.
  const values = (await page.evaluate(`[...document.querySelectorAll('input[name=method]')].map((r) => r.value)`)) as string[];
  const target = values.indexOf(method);
  expect(target).toBeGreaterThanOrEqual(0);
  await page.keyboard.press('Tab'); // the skip link
  expect(await focused(page, 'className')).toBe('skip');
  await page.keyboard.press('Tab'); // the checked radio (the default method)
  expect(await focused(page, 'name')).toBe('method');
  for (let i = 0; i < target; i++) await page.keyboard.press('ArrowDown');
  expect(await focused(page, 'value')).toBe(method);
  await page.keyboard.press('Tab'); // Continue
  expect(await focused(page, 'textContent')).toBe('Continue');
  await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
  await page.waitForSelector('h1:has-text("Waiting for you")');
}

/** A property of the element that has keyboard focus. */
function focused(page: Page, property: 'className' | 'name' | 'value' | 'textContent' | 'id'): Promise<unknown> {
  return page.evaluate(`document.activeElement ? document.activeElement.${property} : null`);
}

async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate('axe.run().then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact })))')) as Array<{ id: string; impact: string | null }>;
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
}

/** Waits for the auto-post to land at the stand-in, then checks the answer as Entra does. */
async function expectAnswered(session: Session, amr: string): Promise<void> {
  const before = h.standIn.received.length;
  await session.page.waitForURL(h.standIn.redirectUri, { timeout: 15_000 });
  expect(h.standIn.received.length).toBe(before + 1);
  const checked = await h.standIn.checkAnswer(h.standIn.received.at(-1)!, {
    discoveryUrl: `${h.url}/.well-known/openid-configuration`,
    clientId: STAND_IN_CLIENT_ID,
    sub: `pairwise-${OID}`,
    nonce: session.nonce,
    acrValues: [ACR_POSSESSION],
    state: 'state-opaque-77',
  });
  expect(checked.claims['amr']).toEqual([amr]);
  expect(session.cspViolations).toEqual([]);
}

function lastSmsCode(): string {
  const sms = h.outbox.last('sms');
  const match = sms?.type === 'sms' ? /"code":"(\d+)"/.exec(sms.body) : null;
  if (!match) throw new Error('no code texted');
  return match[1]!;
}

async function pendingChallenge() {
  const [latest] = await h.stores.challenges.listRecentByUser(OID, 1);
  if (!latest || latest.status !== 'pending') throw new Error('no pending challenge');
  return latest;
}

test('when the person chooses a text by keyboard and types the code, then the answer is posted to Entra', async () => {
  const session = await startSignIn();
  await expectAccessible(session.page);
  await chooseByKeyboard(session.page, 'sms');
  // The code box has focus on arrival.
  expect(await focused(session.page, 'id')).toBe('code');
  await expectAccessible(session.page);
  await session.page.keyboard.type(lastSmsCode());
  await session.page.keyboard.press('Enter');
  await expectAnswered(session, 'sms');
}, 60_000);

test('when the person chooses a call and presses # on the phone, then the waiting page moves on by itself', async () => {
  const session = await startSignIn();
  await chooseByKeyboard(session.page, 'voice');
  await expectAccessible(session.page);
  await h.core.verification.apply((await pendingChallenge()).id, { type: 'callKeyPressed', key: '#' }, 'voice');
  await expectAnswered(session, 'tel');
}, 60_000);

test('when the person approves in Teams with the number shown, then the waiting page moves on by itself', async () => {
  const session = await startSignIn();
  await chooseByKeyboard(session.page, 'teams');
  const challenge = await pendingChallenge();
  expect(await session.page.textContent('main')).toContain(String(challenge.numberToMatch));
  await h.core.verification.apply(challenge.id, { type: 'cardAnswered', answer: { kind: 'number', value: challenge.numberToMatch! } }, 'teams');
  await expectAnswered(session, 'pop');
}, 60_000);

test('when the request is refused, then the error page is accessible and its button returns access_denied', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const body = new URLSearchParams(h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID, aud: 'someone-else' }), redirectUri: h.standIn.redirectUri }));
  const inputs = [...body.entries()].map(([name, value]) => `<input type="hidden" name="${name}" value="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">`).join('');
  await page.setContent(`<form method="post" action="${h.url}/entra/authorize">${inputs}<button>go</button></form>`);
  await Promise.all([page.waitForURL(`${h.url}/entra/authorize`), page.click('button')]);
  await expectAccessible(page);
  await Promise.all([page.waitForURL(h.standIn.redirectUri), page.click('button')]);
  expect(h.standIn.received.at(-1)).toEqual({ error: 'access_denied', state: 'state-opaque-77' });
}, 60_000);
