// The web reset approved in Teams, end to end through HTTP: the card reaches the local Bot Connector proactively,
// the person's button press is a real activity posted to /api/messages, and the "password changed" notice is a
// proactive Teams message through the same connector.
import { randomUUID } from 'node:crypto';
import { TENANT } from '../support/entraStandIn';
import { adaptiveCardOf, cardButtons, postJson, teamsMessage, type CardJson } from '../server/serverHarness';
import { OID } from './entraHarness';
import { JANE_UPN, csrfOn, sessionPathOn, startResetHarness, type ResetHarness } from './resetHarness';

let r: ResetHarness;

const fromJane = (overrides: Record<string, unknown>) =>
  teamsMessage(r.h.connector!.url, {
    id: `m-${randomUUID()}`,
    from: { id: OID, aadObjectId: OID, name: 'Jane Doe' },
    conversation: { id: 'a:jane-conv', conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    ...overrides,
  });

beforeAll(async () => {
  r = await startResetHarness({ bot: true });
  expect((await postJson(r.h.url, '/api/messages', fromJane({ text: 'hello' }))).status).toBe(200);
}, 30_000);
afterAll(async () => r?.close());

const cardOf = adaptiveCardOf;
const buttons = cardButtons;

test('when Jane presses the number shown on the page in the Teams card, then she sets a new password and is told in Teams', async () => {
  const b = r.browser();
  const landed = await b.submit('/reset', { csrf: csrfOn((await b.get('/reset')).text), name: JANE_UPN, purpose: 'reset' });
  const path = sessionPathOn(landed.text);
  const before = r.h.connector!.received.length;
  const waiting = (await b.submit(`${path}/method`, { csrf: csrfOn(landed.text), method: 'teams' })).text;
  const number = /Choose (\d+) in the card/.exec(waiting)?.[1];
  if (!number) throw new Error(`no number on the page: ${waiting.slice(0, 600)}`);
  const cards = r.h.connector!.received.slice(before).filter((c) => c.method === 'POST').map(cardOf).filter((c): c is CardJson => c !== undefined);
  expect(cards).toHaveLength(1);
  const right = buttons(cards[0]!).find((x) => x.title === number);
  if (!right) throw new Error('the card does not offer the number on the page');
  expect((await postJson(r.h.url, '/api/messages', fromJane({ text: '', value: right.data }))).status).toBe(200);
  expect((await b.get(`${path}/status`)).json()).toEqual({ state: 'changed' });
  const passwordPage = (await b.get(path)).text;
  expect(passwordPage).toContain('Choose a new password');
  const sent = r.h.connector!.received.length;
  const done = await b.submit(`${path}/password`, { csrf: csrfOn(passwordPage), password: 'Quartz-Lantern-Orbit-77', confirmation: 'Quartz-Lantern-Orbit-77' });
  expect(done.text).toContain('Your password has been changed');
  const notices = r.h.connector!.received.slice(sent).filter((c) => c.method === 'POST').map((c) => String(c.body['text'] ?? ''));
  expect(notices.some((t) => t.includes('password was just changed') && t.includes('Not you?'))).toBe(true);
}, 30_000);
