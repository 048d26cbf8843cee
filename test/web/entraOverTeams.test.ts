// The Entra sign-in approved or denied in Teams, end to end through HTTP: the card reaches the local Bot Connector
// proactively, and the person's button press is a real activity posted to /api/messages.
import { randomUUID } from 'node:crypto';
import { ACR_POSSESSION, formFields, STAND_IN_CLIENT_ID, TENANT } from '../support/entraStandIn';
import { adaptiveCardOf, cardButtons, postJson, teamsMessage, type CardAction, type CardJson } from '../server/serverHarness';
import { BrowserClient, csrfOf, OID, startEntraHarness, type EntraHarness } from './entraHarness';

let h: EntraHarness;

/** An activity from the test person (authentication off: the bot knows them by from.id). */
const fromJane = (overrides: Record<string, unknown>) =>
  teamsMessage(h.connector!.url, {
    id: `m-${randomUUID()}`,
    from: { id: OID, aadObjectId: OID, name: 'Jane Doe' },
    conversation: { id: 'a:jane-conv', conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    ...overrides,
  });

beforeAll(async () => {
  h = await startEntraHarness({ bot: true });
  // The person has chatted with Signet before: the bot saved where to reach them.
  expect((await postJson(h.url, '/api/messages', fromJane({ text: 'hello' }))).status).toBe(200);
});
afterAll(async () => {
  await h.close();
});

const cardOf = adaptiveCardOf;
const buttons = cardButtons;

/** Authorize, pick Teams on the page; returns the waiting page, the nonce, the number shown and the card delivered. */
async function startTeamsSignIn(browser: BrowserClient): Promise<{ waiting: string; nonce: string; number: string; card: CardJson }> {
  const nonce = `nonce-${randomUUID()}`;
  const choice = await browser.post('/entra/authorize', h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID }), redirectUri: h.standIn.redirectUri, nonce }));
  const path = /action="(\/entra\/sign-in\/[^"]+\/method)"/.exec(choice.text)?.[1];
  if (!path) throw new Error(`no method form on the page: ${choice.text.slice(0, 400)}`);
  const before = h.connector!.received.length;
  const waiting = await browser.submit(path, { csrf: csrfOf(choice.text), method: 'teams' });
  expect(waiting.status).toBe(200);
  const number = /Choose the number (\d+)/.exec(waiting.text)?.[1];
  if (!number) throw new Error('no number to match on the page');
  const cards = h.connector!.received.slice(before).filter((c) => c.method === 'POST').map(cardOf).filter((c): c is CardJson => c !== undefined);
  expect(cards).toHaveLength(1);
  return { waiting: waiting.text, nonce, number, card: cards[0]! };
}

function signInPath(page: string): string {
  const path = /data-poll="(\/entra\/sign-in\/[A-Za-z0-9_-]+)\//.exec(page)?.[1] ?? /action="(\/entra\/sign-in\/[A-Za-z0-9_-]+)\//.exec(page)?.[1];
  if (!path) throw new Error('no sign-in path on the page');
  return path;
}

describe('the Entra sign-in answered in Teams', () => {
  test('when the person presses the matching number on the card, then the answer has amr pop', async () => {
    const browser = new BrowserClient(h.url);
    const { waiting, nonce, number, card } = await startTeamsSignIn(browser);
    const right = buttons(card).find((b) => b.title === number);
    if (!right) throw new Error('the card does not offer the number on the page');
    expect((await postJson(h.url, '/api/messages', fromJane({ text: '', value: right.data }))).status).toBe(200);
    const done = await browser.get(signInPath(waiting));
    const checked = await h.standIn.checkAnswer(formFields(done.text, h.standIn.redirectUri)!, {
      discoveryUrl: `${h.url}/.well-known/openid-configuration`,
      clientId: STAND_IN_CLIENT_ID,
      sub: `pairwise-${OID}`,
      nonce,
      acrValues: [ACR_POSSESSION],
      state: 'state-opaque-77',
    });
    expect(checked.claims['amr']).toEqual(['pop']);
  });

  test('when the person presses Deny on the card, then Entra is told access_denied', async () => {
    const browser = new BrowserClient(h.url);
    const { waiting, card } = await startTeamsSignIn(browser);
    // The card's one top-level action, drawn as the destructive button.
    const deny = (card.actions as Array<CardAction & { style?: string }> | undefined)?.find((a) => a.style === 'destructive');
    if (!deny) throw new Error('no deny button on the card');
    expect((await postJson(h.url, '/api/messages', fromJane({ text: '', value: deny.data }))).status).toBe(200);
    const ended = await browser.get(signInPath(waiting));
    expect(formFields(ended.text, h.standIn.redirectUri)).toEqual({ error: 'access_denied', state: 'state-opaque-77' });
  });
});
