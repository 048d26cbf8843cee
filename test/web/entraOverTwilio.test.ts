// The Entra sign-in finished over the phone, end to end through HTTP: the text and the call go out through the
// twilio SDK to the local Twilio REST stand-in, and the reply or key press comes back as a really signed webhook.
import { randomUUID } from 'node:crypto';
import { ACR_POSSESSION, formFields, STAND_IN_CLIENT_ID } from '../support/entraStandIn';
import { lastTextedCode, pathOf } from '../support/twilioAppHarness';
import { flatten, parseXml } from '../support/twimlParser';
import { BrowserClient, csrfOf, OID, startEntraHarness, type EntraHarness } from './entraHarness';

let h: EntraHarness;

beforeAll(async () => {
  h = await startEntraHarness({ twilio: true });
});
afterAll(async () => {
  await h.close();
});

/** Posts Entra's authorize form, picks the method on the page and answers the waiting page. */
async function startSignIn(browser: BrowserClient, method: 'sms' | 'voice'): Promise<{ waiting: string; nonce: string }> {
  const nonce = `nonce-${randomUUID()}`;
  const choice = await browser.post('/entra/authorize', h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID }), redirectUri: h.standIn.redirectUri, nonce }));
  const path = /action="(\/entra\/sign-in\/[^"]+\/method)"/.exec(choice.text)?.[1];
  if (!path) throw new Error(`no method form on the page: ${choice.text.slice(0, 400)}`);
  const waiting = await browser.submit(path, { csrf: csrfOf(choice.text), method });
  expect(waiting.status).toBe(200);
  return { waiting: waiting.text, nonce };
}

function signInPath(page: string): string {
  const path = /action="(\/entra\/sign-in\/[A-Za-z0-9_-]+)\//.exec(page)?.[1] ?? /data-poll="(\/entra\/sign-in\/[A-Za-z0-9_-]+)\//.exec(page)?.[1];
  if (!path) throw new Error('no sign-in path on the page');
  return path;
}

function expected(nonce: string) {
  return { discoveryUrl: `${h.url}/.well-known/openid-configuration`, clientId: STAND_IN_CLIENT_ID, sub: `pairwise-${OID}`, nonce, acrValues: [ACR_POSSESSION], state: 'state-opaque-77' };
}

/** Twilio fetches the call's answer URL, then posts the pressed key to the Gather's action. */
async function pressOnTheCall(digit: string): Promise<void> {
  const call = h.twilio!.calls().at(-1)!;
  expect(call.params['To']).toBe('+14255550123');
  const answer = await h.postTwilio(pathOf(call.params['Url']), { CallSid: call.sid!, CallStatus: 'in-progress' });
  expect(answer.status).toBe(200);
  const gather = flatten(parseXml(answer.text)).find((e) => e.name === 'Gather');
  if (!gather) throw new Error(`no Gather in the call's answer: ${answer.text}`);
  const pressed = await h.postTwilio(pathOf(gather.attributes['action']), { CallSid: call.sid!, Digits: digit });
  expect(pressed.status).toBe(200);
}

describe('the Entra sign-in over Twilio', () => {
  test('when the person replies to the text with the code, then the code page moves on and answers with amr sms', async () => {
    const browser = new BrowserClient(h.url);
    const { waiting, nonce } = await startSignIn(browser, 'sms');
    const text = h.twilio!.messages().at(-1)!;
    expect(text.params['To']).toBe('+14255550123');
    const statusUrl = /data-poll="([^"]+)"/.exec(waiting)![1]!;
    expect((await browser.get(statusUrl)).json()).toEqual({ state: 'waiting' });
    const reply = await h.postTwilio('/api/twilio/sms', { MessageSid: `SM${randomUUID().replace(/-/g, '')}`, From: '+14255550123', Body: lastTextedCode(h.twilio!) });
    expect(reply.status).toBe(200);
    expect((await browser.get(statusUrl)).json()).toEqual({ state: 'changed' });
    const done = await browser.get(signInPath(waiting));
    expect((await h.standIn.checkAnswer(formFields(done.text, h.standIn.redirectUri)!, expected(nonce))).claims['amr']).toEqual(['sms']);
  });

  test('when the person answers the call and presses #, then the answer has amr tel', async () => {
    const browser = new BrowserClient(h.url);
    const { waiting, nonce } = await startSignIn(browser, 'voice');
    await pressOnTheCall('#');
    const done = await browser.get(signInPath(waiting));
    expect((await h.standIn.checkAnswer(formFields(done.text, h.standIn.redirectUri)!, expected(nonce))).claims['amr']).toEqual(['tel']);
  });

  test('when the person presses 0 on the call, then Entra is told access_denied', async () => {
    const browser = new BrowserClient(h.url);
    const { waiting } = await startSignIn(browser, 'voice');
    await pressOnTheCall('0');
    const ended = await browser.get(signInPath(waiting));
    expect(formFields(ended.text, h.standIn.redirectUri)).toEqual({ error: 'access_denied', state: 'state-opaque-77' });
  });
});
