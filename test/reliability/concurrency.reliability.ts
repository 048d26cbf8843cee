// Issue 8, checks 1–3: requests sent at once never exceed a limit or produce a second outcome — 1000 wrong codes
// on one challenge (API and SMS), 100 identical right answers (API code, `#` on the call, card submit), and 20
// concurrent starts — on memory and on MongoDB, through the real HTTP server. Each check prints its figure.
import { BACKENDS } from './support/backends';
import {
  eventually,
  figure,
  lastTextedCode,
  PERSON,
  seedPerson,
  startChallenge,
  startSignet,
  statusTally,
  type Signet,
} from './support/signetUnderTest';
import { flatten, parseXml } from '../support/twimlParser';
import { pathOf } from '../support/twilioAppHarness';
import type { HttpResult, ReceivedCall } from '../server/serverHarness';

const WRONG_CODES = 1000;
const RIGHT_ANSWERS = 100;
const STARTS = 20;
// Background work (callbacks, notices) that a duplicate would cause has had this long to show up.
const SETTLE_MS = 1500;

const wrongCodeFor = (code: string): string => [...code].map((d) => String((Number(d) + 1) % 10)).join('');
const serverErrors = (results: readonly HttpResult[]): number => results.filter((r) => r.status >= 500 && r.status !== 503).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Card = { body?: Array<{ actions?: Array<{ title: string; data: Record<string, unknown> }> }>; actions?: Array<{ title: string; data: Record<string, unknown> }> };
const cardOf = (c: ReceivedCall): Card | undefined =>
  (c.body['attachments'] as Array<{ contentType: string; content: Card }> | undefined)?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
const textsOf = (calls: readonly ReceivedCall[]): string[] => calls.filter((c) => c.method === 'POST').map((c) => String(c.body['text'] ?? ''));

/** What one challenge left behind: its outcome audit entries, callbacks, and the person's Teams messages since `since`. */
async function traces(s: Signet, id: string, since: number): Promise<{ audits: number; callbacks: number; teams: string[] }> {
  await eventually(() => s.callbacks.some((c) => c.headers['signet-delivery-id'] === id));
  await sleep(SETTLE_MS);
  const audits = (await s.stores.audit.listForUser(PERSON.id, 10_000)).filter(
    (e) => e.action.startsWith('verification:') && (e.details as Record<string, unknown> | undefined)?.['challengeId'] === id,
  ).length;
  const callbacks = s.callbacks.filter((c) => c.headers['signet-delivery-id'] === id).length;
  return { audits, callbacks, teams: textsOf(s.connector.received.slice(since)) };
}

describe.each(BACKENDS)('reliability under concurrency ($name)', (backend) => {
  let s: Signet;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    s = await startSignet({ stores: opened.stores });
    await seedPerson(s);
  });
  afterEach(async () => {
    await s.close();
    await dispose();
  });
  const maxAttempts = () => s.config.org.codes.maxAttempts;

  it(`when ${WRONG_CODES} wrong codes reach one challenge through the API at once, then exactly the attempt limit is counted and none approves`, async () => {
    const { id } = await startChallenge(s, 'sms', false);
    const wrong = wrongCodeFor(lastTextedCode(s.twilio));
    const results = await Promise.all(Array.from({ length: WRONG_CODES }, () => s.apiCall('POST', `/api/v1/verifications/${id}/code`, { code: wrong })));
    const stored = (await s.stores.challenges.get(id))!;
    const approved = results.filter((r) => r.status === 200 && r.json<{ status: string }>().status === 'approved').length;
    figure(`${backend.name}: ${WRONG_CODES} concurrent wrong codes (API) → ${stored.attempts} counted (limit ${maxAttempts()}), ${approved} approved, final status ${stored.status}, answers ${JSON.stringify(statusTally(results))}`);
    expect(serverErrors(results)).toBe(0);
    expect(approved).toBe(0);
    expect(stored.status).not.toBe('approved');
    expect(stored.attempts).toBe(maxAttempts());
  });

  it(`when ${WRONG_CODES} wrong codes arrive by SMS at once, then exactly the attempt limit is counted and none approves`, async () => {
    const { id } = await startChallenge(s, 'sms', false);
    const wrong = wrongCodeFor(lastTextedCode(s.twilio));
    const results = await Promise.all(
      Array.from({ length: WRONG_CODES }, (_, i) => s.twilioPost('/api/twilio/sms', { MessageSid: `SMwrong${i.toString(16).padStart(27, '0')}`, From: PERSON.phone, Body: wrong })),
    );
    const stored = (await s.stores.challenges.get(id))!;
    figure(`${backend.name}: ${WRONG_CODES} concurrent wrong codes (SMS webhooks) → ${stored.attempts} counted (limit ${maxAttempts()}), final status ${stored.status}, answers ${JSON.stringify(statusTally(results))}`);
    expect(serverErrors(results)).toBe(0);
    expect(stored.status).not.toBe('approved');
    expect(stored.attempts).toBe(maxAttempts());
  });

  it(`when the right code is posted ${RIGHT_ANSWERS} times at once through the API, then one outcome, one audit entry, one callback`, async () => {
    const { id } = await startChallenge(s, 'sms');
    const code = lastTextedCode(s.twilio);
    const since = s.connector.received.length;
    const results = await Promise.all(Array.from({ length: RIGHT_ANSWERS }, () => s.apiCall('POST', `/api/v1/verifications/${id}/code`, { code })));
    const stored = (await s.stores.challenges.get(id))!;
    const seen = await traces(s, id, since);
    figure(`${backend.name}: ${RIGHT_ANSWERS} concurrent right codes (API) → status ${stored.status}, ${seen.audits} audit entries, ${seen.callbacks} callbacks, ${seen.teams.length} Teams messages, answers ${JSON.stringify(statusTally(results))}`);
    expect(serverErrors(results)).toBe(0);
    expect(stored.status).toBe('approved');
    expect(seen.audits).toBe(1);
    expect(seen.callbacks).toBe(1);
    expect(seen.teams.length).toBeLessThanOrEqual(1);
  });

  it(`when # is pressed in ${RIGHT_ANSWERS} identical call webhooks at once, then one outcome, one audit entry, one callback, at most one Teams notice`, async () => {
    const { id } = await startChallenge(s, 'voice');
    const call = s.twilio.calls().at(-1)!;
    const callSid = call.sid!;
    const answer = await s.twilioPost(pathOf(call.params['Url']), { CallSid: callSid, CallStatus: 'in-progress' });
    const gather = flatten(parseXml(answer.text)).find((e) => e.name === 'Gather');
    if (!gather) throw new Error(`the answered call gathered no key: ${answer.text}`);
    const since = s.connector.received.length;
    const results = await Promise.all(Array.from({ length: RIGHT_ANSWERS }, () => s.twilioPost(pathOf(gather.attributes['action']), { CallSid: callSid, Digits: '#' })));
    const stored = (await s.stores.challenges.get(id))!;
    const seen = await traces(s, id, since);
    const empty = results.filter((r) => /<Response\s*\/>|<Response><\/Response>/.test(r.text)).length;
    figure(`${backend.name}: ${RIGHT_ANSWERS} concurrent # webhooks → status ${stored.status}, ${seen.audits} audit entries, ${seen.callbacks} callbacks, ${seen.teams.length} Teams notices, ${empty} empty TwiML answers, answers ${JSON.stringify(statusTally(results))}`);
    expect(serverErrors(results)).toBe(0);
    expect(stored.status).toBe('approved');
    expect(seen.audits).toBe(1);
    expect(seen.callbacks).toBe(1);
    expect(seen.teams.length).toBeLessThanOrEqual(1);
    // A retry that arrives while the first delivery runs waits for its answer (issue 8, Why 5): never an empty <Response/>.
    expect(empty).toBe(0);
  });

  it(`when the right number on the card is submitted ${RIGHT_ANSWERS} times at once, then one outcome, one audit entry, one callback, one "approved" notice`, async () => {
    const before = s.connector.received.length;
    const { id, numberToEnter } = await startChallenge(s, 'teams');
    const card = s.connector.received.slice(before).map(cardOf).find((c) => c !== undefined);
    const right = [...(card?.body ?? []).flatMap((el) => el.actions ?? []), ...(card?.actions ?? [])].find((b) => b.title === String(numberToEnter));
    if (!right) throw new Error('no card with the number to enter was sent');
    const since = s.connector.received.length;
    const results = await Promise.all(Array.from({ length: RIGHT_ANSWERS }, () => s.activity({ text: '', value: right.data })));
    const stored = (await s.stores.challenges.get(id))!;
    const seen = await traces(s, id, since);
    const approvedText = s.i18n.t('en-US', 'verification.approved');
    const apology = s.i18n.t('en-US', 'common.unexpectedError');
    const notices = seen.teams.filter((t) => t === approvedText).length;
    const apologies = seen.teams.filter((t) => t === apology).length;
    figure(`${backend.name}: ${RIGHT_ANSWERS} concurrent card submits → status ${stored.status}, ${seen.audits} audit entries, ${seen.callbacks} callbacks, ${notices} "approved" notices, ${apologies} "something went wrong", answers ${JSON.stringify(statusTally(results))}`);
    expect(serverErrors(results)).toBe(0);
    expect(stored.status).toBe('approved');
    expect(seen.audits).toBe(1);
    expect(seen.callbacks).toBe(1);
    expect(notices).toBe(1);
    expect(apologies).toBe(0);
  });

  it(`when ${STARTS} SMS sign-ins start at once, then exactly the 15-minute cap starts, at most one is pending and the text cap holds`, async () => {
    const results = await Promise.all(
      Array.from({ length: STARTS }, () =>
        s.apiCall('POST', '/api/v1/verifications', { user: PERSON.upn, method: 'sms', context: { ip: '203.0.113.9', application: 'Reliability' } }),
      ),
    );
    const started = results.filter((r) => r.status === 201).length;
    const pending = (await s.stores.challenges.findPendingByUser(PERSON.id, Date.now())).length;
    const texts = s.twilio.messages().length;
    const { perNumberPerHour, perUserPerHour } = s.config.org.phone.sendLimits;
    const cap = s.config.org.verification.maxChallengesPer15Minutes;
    figure(`${backend.name}: ${STARTS} concurrent SMS starts → ${started} started (cap ${cap}), ${pending} pending (cap 1), ${texts} texts (cap ${Math.min(perNumberPerHour, perUserPerHour)}/hour), answers ${JSON.stringify(statusTally(results))}`);
    expect(serverErrors(results)).toBe(0);
    expect(started).toBe(cap);
    expect(pending).toBeLessThanOrEqual(1);
    expect(texts).toBe(Math.min(perNumberPerHour, perUserPerHour, started));
  });

  it(`when ${STARTS} Teams sign-ins start at once, then exactly the 15-minute cap starts, one is pending and one card per start`, async () => {
    const since = s.connector.received.length;
    const results = await Promise.all(
      Array.from({ length: STARTS }, () =>
        s.apiCall('POST', '/api/v1/verifications', { user: PERSON.upn, method: 'teams', context: { ip: '203.0.113.9', application: 'Reliability' } }),
      ),
    );
    const started = results.filter((r) => r.status === 201).length;
    const pending = (await s.stores.challenges.findPendingByUser(PERSON.id, Date.now())).length;
    const cards = s.connector.received.slice(since).filter((c) => cardOf(c) !== undefined).length;
    const cap = s.config.org.verification.maxChallengesPer15Minutes;
    figure(`${backend.name}: ${STARTS} concurrent Teams starts → ${started} started (cap ${cap}), ${pending} pending (cap 1), ${cards} approval cards, answers ${JSON.stringify(statusTally(results))}`);
    expect(serverErrors(results)).toBe(0);
    expect(started).toBe(cap);
    expect(pending).toBe(1);
    expect(cards).toBe(started);
  });
});
