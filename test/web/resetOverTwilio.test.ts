// The web reset verified over the phone, end to end through HTTP: the text and the call go out through the twilio
// SDK to the local Twilio REST stand-in; the key press on the call comes back as a really signed webhook.
import { lastTextedCode, pathOf } from '../support/twilioAppHarness';
import { flatten, parseXml } from '../support/twimlParser';
import { JANE_UPN, csrfOn, sessionPathOn, startResetHarness, type ResetHarness } from './resetHarness';

let r: ResetHarness;

beforeAll(async () => {
  r = await startResetHarness({ twilio: true });
}, 30_000);
afterAll(async () => r?.close());

async function choose(method: 'sms' | 'voice') {
  const b = r.browser();
  const landed = await b.submit('/reset', { csrf: csrfOn((await b.get('/reset')).text), name: JANE_UPN, purpose: 'reset' });
  const path = sessionPathOn(landed.text);
  const page = await b.submit(`${path}/method`, { csrf: csrfOn(landed.text), method });
  return { b, path, page: page.text };
}

test('when Jane types the code Twilio texted her, then she may choose a new password', async () => {
  const { b, path, page } = await choose('sms');
  const text = r.h.twilio!.messages().at(-1)!;
  expect(text.params['To']).toBe('+14255550123');
  const next = await b.submit(`${path}/answer`, { csrf: csrfOn(page), code: lastTextedCode(r.h.twilio!) });
  expect(next.text).toContain('Choose a new password');
}, 30_000);

test('when Jane answers the call and presses #, then the waiting page moves on to the new password', async () => {
  const { b, path, page } = await choose('voice');
  expect(page).toContain('press # to confirm');
  const call = r.h.twilio!.calls().at(-1)!;
  expect(call.params['To']).toBe('+14255550123');
  const answer = await r.h.postTwilio(pathOf(call.params['Url'] as string), { CallSid: call.sid!, CallStatus: 'in-progress' });
  const gather = flatten(parseXml(answer.text)).find((e) => e.name === 'Gather');
  if (!gather) throw new Error(`no Gather in the call's answer: ${answer.text}`);
  expect((await r.h.postTwilio(pathOf(gather.attributes['action']!), { CallSid: call.sid!, Digits: '#' })).status).toBe(200);
  expect((await b.get(`${path}/status`)).json()).toEqual({ state: 'changed' });
  expect((await b.get(path)).text).toContain('Choose a new password');
}, 30_000);
