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

test('when Twilio reports the status of the "password changed" notice, then it is recorded as a notice: no challenge looked up or touched, no warning', async () => {
  const { b, path, page } = await choose('sms');
  const passwordPage = (await b.submit(`${path}/answer`, { csrf: csrfOn(page), code: lastTextedCode(r.h.twilio!) })).text;
  const logBefore = r.h.logText().length;
  const done = await b.submit(`${path}/password`, { csrf: csrfOn(passwordPage), password: 'Tidewater-Lantern-Quay-58', confirmation: 'Tidewater-Lantern-Quay-58' });
  expect(done.text).toContain('Your password has been changed');
  const notice = r.h.twilio!.messages().at(-1)!;
  expect(String(notice.params['Body'])).toContain('password was just changed');
  const statusUrl = notice.params['StatusCallback'] as string;
  expect(new URL(statusUrl).searchParams.get('kind')).toBe('notice');

  const challengeGets: string[] = [];
  const get = r.h.stores.challenges.get.bind(r.h.stores.challenges);
  r.h.stores.challenges.get = async (id) => (challengeGets.push(id), get(id));
  try {
    for (const [status, errorCode] of [['sent', null], ['undelivered', '30003']] as const) {
      const posted = await r.h.postTwilio(pathOf(statusUrl), { MessageSid: notice.sid!, MessageStatus: status, To: '+14255550123', ...(errorCode ? { ErrorCode: errorCode } : {}) });
      expect(posted.status).toBe(200);
    }
  } finally {
    r.h.stores.challenges.get = get;
  }
  expect(challengeGets).toEqual([]);
  const audit = await r.h.stores.audit.listForUser(r.user.id, 5);
  expect(audit.find((e) => e.action === 'sms:deliveryFailed')).toBeUndefined();
  const sessionId = audit.find((e) => e.action === 'reset:passwordChanged')!.details!['sessionId'];
  expect(audit[0]).toMatchObject({ action: 'notice:deliveryFailed', actor: 'twilio', channel: 'sms', details: { ref: notice.sid, errorCode: 30003, reason: 'unreachable', refId: sessionId } });
  expect((await r.h.stores.deliveryStatuses.listForRef(notice.sid!)).map((s) => s.status)).toEqual(['sent', 'undelivered']);
  const logged = r.h.logText().slice(logBefore);
  expect(logged).not.toMatch(/"level":"(warn|error)"/);
}, 30_000);
