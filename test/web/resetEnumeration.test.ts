// No answer of the web reset says whether a name exists, also for a known person the core will not send to now:
// after repeated failures locked their verifications, and when they are over the challenge limit. Their pages are
// the ones a name that matches nobody gets, nothing is sent, and the help desk's look-up shows why.
import { OID } from './entraHarness';
import { JANE_UPN, csrfOn, sessionPathOn, startResetHarness, type ResetHarness } from './resetHarness';

let r: ResetHarness;
const NOBODY = 'nobody.here@signet-demo.example';

beforeAll(async () => {
  r = await startResetHarness({ passwordReset: { perPersonPerHour: 100, perAddressPerHour: 1000, maxAnswersPerLock: 100 } });
}, 30_000);
afterAll(async () => r?.close());

async function begin(name: string) {
  const b = r.browser();
  const landed = await b.submit('/reset', { csrf: csrfOn((await b.get('/reset')).text), name, purpose: 'reset' });
  return { b, path: sessionPathOn(landed.text), page: landed.text };
}

/** Chooses a texted code; the page and its status. */
async function chooseSms(name: string) {
  const { b, path, page } = await begin(name);
  const chosen = await b.submit(`${path}/method`, { csrf: csrfOn(page), method: 'sms' });
  return { b, path, status: chosen.status, page: chosen.text };
}

const strip = (page: string): string => page.replace(/\/reset\/s\/[A-Za-z0-9_-]+/g, '/reset/s/ID').replace(/value="[A-Za-z0-9_-]{20,}"/g, 'value="X"');
/** The newest text's id: unchanged when nothing was sent. */
const textsSent = (): string | undefined => r.h.outbox.last('sms')?.ref;

test('when a known person\'s verifications are locked after failures, then choosing a method answers exactly as for a name that matches nobody', async () => {
  // Someone fails Jane's texted codes session after session until the core locks her verifications.
  const { maxConsecutiveFailures } = r.h.config.org.verification;
  for (let i = 0; i < maxConsecutiveFailures; i++) {
    const { b, path, page } = await chooseSms(JANE_UPN);
    let current = page;
    for (let a = 0; a < r.h.config.org.codes.maxAttempts; a++) current = (await b.submit(`${path}/answer`, { csrf: csrfOn(current), code: '000000' })).text;
  }
  const sent = textsSent();
  const known = await chooseSms(JANE_UPN);
  const unknown = await chooseSms(NOBODY);
  expect(known.status).toBe(unknown.status);
  expect(strip(known.page)).toBe(strip(unknown.page));
  expect(known.page).not.toContain('locked');
  expect(textsSent()).toBe(sent);
  // A code typed then is simply wrong, for both.
  for (const s of [known, unknown]) expect((await s.b.submit(`${s.path}/answer`, { csrf: csrfOn(s.page), code: '123456' })).text).toContain('That isn&#39;t right');
  const withheld = (await r.h.stores.audit.listForUser(OID, 80)).find((e) => e.action === 'reset:challengeWithheld');
  expect(withheld?.details).toMatchObject({ method: 'sms', reason: 'verificationsLocked' });
}, 60_000);

test('when a known person is over the challenge limit, then the page is again the one a name that matches nobody gets', async () => {
  // The help desk forgives the failures; the challenges started in this window still count against the limit.
  await r.h.verificationStores.unlocks.unlock(OID, 'agent-1', Date.now());
  const sent = textsSent();
  const known = await chooseSms(JANE_UPN);
  const unknown = await chooseSms(NOBODY);
  expect(known.status).toBe(unknown.status);
  expect(strip(known.page)).toBe(strip(unknown.page));
  expect(textsSent()).toBe(sent);
  const [latest] = (await r.h.stores.audit.listForUser(OID, 80)).filter((e) => e.action === 'reset:challengeWithheld');
  expect(latest?.details).toMatchObject({ method: 'sms', reason: 'rateLimited' });
}, 60_000);
