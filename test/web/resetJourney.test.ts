// Self-service reset over HTTP, as a browser does it (cookies, CSRF, 303s), on the memory directory: each way of
// verifying, the 1- and 2-method policies, wrong answers and lockout, unlock only, single-use links and sessions,
// and no user enumeration (the same pages and the same work for a name that matches nobody).
import { generateTotp } from '../../src/security/totp';
import { resetLinkTokenHash } from '../../src/security/resetLinkTokens';
import type { Directory } from '../../src/ports/directory';
import type { BrowserClient } from './entraHarness';
import { OID } from './entraHarness';
import { ANSWERS, JANE_PASSWORD, JANE_UPN, csrfOn, sessionPathOn, startResetHarness, type ResetHarness } from './resetHarness';

let r: ResetHarness;

beforeAll(async () => {
  r = await startResetHarness({ passwordReset: { perPersonPerHour: 100, perAddressPerHour: 1000, maxAnswersPerLock: 100 } });
}, 30_000);
afterAll(async () => r?.close());

/** Starts a reset for `name` and returns the browser, the session path and the page it landed on. */
async function begin(name: string, purpose: 'reset' | 'unlock' = 'reset', on: ResetHarness = r): Promise<{ b: BrowserClient; path: string; page: string }> {
  const b = on.browser();
  const first = await b.get('/reset');
  expect(first.status).toBe(200);
  const landed = await b.submit('/reset', { csrf: csrfOn(first.text), name, purpose });
  expect(landed.status).toBe(200);
  return { b, path: sessionPathOn(landed.text), page: landed.text };
}

async function choose(b: BrowserClient, path: string, page: string, method: string): Promise<string> {
  return (await b.submit(`${path}/method`, { csrf: csrfOn(page), method })).text;
}

async function answer(b: BrowserClient, path: string, page: string, fields: Record<string, string>): Promise<string> {
  return (await b.submit(`${path}/answer`, { csrf: csrfOn(page), ...fields })).text;
}

function lastTextedCode(): string {
  const sms = r.h.outbox.last('sms');
  const match = sms?.type === 'sms' ? /"code":"(\d+)"/.exec(sms.body) : null;
  if (!match) throw new Error('no code texted');
  return match[1]!;
}

function lastMailedCode(): string {
  const mail = r.h.outbox.last('mail');
  const match = mail?.type === 'mail' ? /"code":"(\d+)"/.exec(mail.text) : null;
  if (!match) throw new Error('no code mailed');
  return match[1]!;
}

async function pendingChallenge() {
  const [latest] = await r.h.stores.challenges.listRecentByUser(OID, 1);
  if (!latest || latest.status !== 'pending') throw new Error('no pending challenge');
  return latest;
}

const NEW_PASSWORD = 'Quartz-Lantern-Orbit-77';

describe('one verification (the default policy)', () => {
  test('when Jane verifies with a texted code and sets a strong password, then the directory has it, it is audited and announced', async () => {
    const { b, path, page } = await begin(JANE_UPN);
    expect(page).toContain('Check it');
    const codePage = await choose(b, path, page, 'sms');
    expect(codePage).toContain('we&#39;ve texted a code');
    const passwordPage = await answer(b, path, codePage, { code: lastTextedCode() });
    expect(passwordPage).toContain('Choose a new password');

    const mismatch = await b.submit(`${path}/password`, { csrf: csrfOn(passwordPage), password: NEW_PASSWORD, confirmation: `${NEW_PASSWORD}x` });
    expect(mismatch.text).toContain('The two passwords are different');
    const weak = await b.submit(`${path}/password`, { csrf: csrfOn(passwordPage), password: 'JaneDoe2024!', confirmation: 'JaneDoe2024!' });
    expect(weak.text).toContain('your own name');

    const done = await b.submit(`${path}/password`, { csrf: csrfOn(passwordPage), password: NEW_PASSWORD, confirmation: NEW_PASSWORD });
    expect(done.text).toContain('Your password has been changed');
    expect(r.memory!.signIn({ by: 'upn', value: JANE_UPN }, NEW_PASSWORD)).toBe(true);
    expect(r.memory!.signIn({ by: 'upn', value: JANE_UPN }, JANE_PASSWORD)).toBe(false);

    const audit = await r.h.stores.audit.listForUser(OID, 20);
    const changed = audit.find((e) => e.action === 'reset:passwordChanged');
    expect(changed?.details).toMatchObject({ verifiedBy: 'sms', via: 'web', ip: '127.0.0.1' });
    // Not you? — a text to the mobile, an email to the personal address, a Teams message.
    expect(r.h.outbox.items.some((i) => i.type === 'sms' && i.to === '+14255550123' && i.body.startsWith('passwordReset.notice.passwordChanged'))).toBe(true);
    expect(r.h.outbox.items.some((i) => i.type === 'mail' && i.to === 'jane.personal@mail.example' && i.subject.startsWith('passwordReset.notice.passwordChangedSubject'))).toBe(true);
    expect(r.h.notifications.items.some((n) => n.userId === OID && n.channel === 'teams' && n.message.key === 'passwordReset.notice.passwordChanged')).toBe(true);

    // The session is used up: posting again changes nothing.
    const again = await b.submit(`${path}/password`, { csrf: csrfOn(passwordPage), password: 'Another-Quartz-Orbit-88', confirmation: 'Another-Quartz-Orbit-88' });
    expect(again.status).toBe(409);
    expect(r.memory!.signIn({ by: 'upn', value: JANE_UPN }, NEW_PASSWORD)).toBe(true);
  }, 30_000);

  test('when the password is changed, then a newly looked-up session for another browser is not the same one (sessions are bound to the browser)', async () => {
    const { path } = await begin(JANE_UPN);
    const stranger = r.browser();
    const seen = await stranger.get(path);
    expect(seen.status).toBe(404);
    expect(seen.text).toContain('expired or was opened in another browser');
  }, 30_000);

  test.each([
    ['an email code', 'email'],
    ['an authenticator code', 'app'],
  ])('when Jane verifies with %s, then she may choose a new password', async (_label, method) => {
    const { b, path, page } = await begin(JANE_UPN);
    const codePage = await choose(b, path, page, method);
    const code = method === 'email' ? lastMailedCode() : generateTotp(r.h.appSecret, Date.now());
    expect(await answer(b, path, codePage, { code })).toContain('Choose a new password');
  }, 30_000);

  test('when Jane answers her security questions, then she may go on; one wrong answer fails them all without saying which', async () => {
    const { b, path, page } = await begin(JANE_UPN);
    const questionsPage = await choose(b, path, page, 'questions');
    const asked = [...questionsPage.matchAll(/<label for="answer(\d)">([^<]+)<\/label>/g)].map((m) => m[2]!);
    expect(asked).toHaveLength(2);
    const ids = asked.map(questionId);
    const wrong = await answer(b, path, questionsPage, { answer0: ANSWERS[ids[0]!]!, answer1: 'not it' });
    expect(wrong).toContain('That isn&#39;t right. You have 4 more tries.');
    expect(wrong).not.toMatch(/second|first question/i);
    const right = await answer(b, path, wrong, { answer0: ` ${ANSWERS[ids[0]!]!.toUpperCase()} `, answer1: ANSWERS[ids[1]!]! });
    expect(right).toContain('Choose a new password');
  }, 30_000);

  test('when Jane approves in Teams, or presses # on the call, then the waiting page moves on', async () => {
    for (const method of ['teams', 'voice'] as const) {
      const { b, path, page } = await begin(JANE_UPN);
      const waiting = await choose(b, path, page, method);
      expect(waiting).toContain('Waiting for your answer');
      expect((await b.get(`${path}/status`)).text).toBe('{"state":"waiting"}');
      const challenge = await pendingChallenge();
      if (method === 'teams') {
        expect(waiting).toContain(`Choose ${challenge.numberToMatch} in the card`);
        await r.h.core.verification.apply(challenge.id, { type: 'cardAnswered', answer: { kind: 'number', value: challenge.numberToMatch! } }, 'teams');
      } else {
        expect(r.h.outbox.last('call')?.to).toBe('+14255550123');
        await r.h.core.verification.apply(challenge.id, { type: 'callKeyPressed', key: '#' }, 'voice');
      }
      expect((await b.get(`${path}/status`)).text).toBe('{"state":"changed"}');
      expect((await b.get(path)).text).toContain('Choose a new password');
    }
  }, 30_000);
});

/** The question id whose English wording is `text`. */
function questionId(text: string): string {
  const wording: Record<string, string> = { firstPetName: 'What was the name of your first pet?', birthCity: 'In what city were you born?', firstSchool: 'What was the name of your first school?' };
  const found = Object.entries(wording).find(([, w]) => w === text.replace(/&#39;/g, "'"));
  if (!found) throw new Error(`an unexpected question: ${text}`);
  return found[0];
}

describe('two verifications (staff)', () => {
  let staff: ResetHarness;
  beforeAll(async () => {
    staff = await startResetHarness({ passwordReset: { byDomain: [{ domain: 'signet-demo.example', methodsRequired: 2 }] } });
  }, 30_000);
  afterAll(async () => staff?.close());

  test('when the policy asks for two, then one is not enough, a text and a call count as one phone, and a second kind lets her in', async () => {
    const { b, path, page } = await begin(JANE_UPN, 'reset', staff);
    // Before a first proof the total is not said (with per-domain rules it would tell which names exist).
    expect(page).toContain('Step 1: choose a way');
    expect(page).not.toContain('of 2');
    const codePage = (await b.submit(`${path}/method`, { csrf: csrfOn(page), method: 'sms' })).text;
    const sms = staff.h.outbox.last('sms');
    const code = /"code":"(\d+)"/.exec(sms?.type === 'sms' ? sms.body : '')![1]!;
    const second = (await b.submit(`${path}/answer`, { csrf: csrfOn(codePage), code })).text;
    expect(second).toContain('Step 2 of 2');
    expect(second).not.toContain('value="voice"');
    expect(second).not.toContain('value="sms"');
    const refused = await b.submit(`${path}/password`, { csrf: csrfOn(second), password: NEW_PASSWORD, confirmation: NEW_PASSWORD });
    expect(refused.status).toBe(409);
    const appPage = (await b.submit(`${path}/method`, { csrf: csrfOn(second), method: 'app' })).text;
    const passwordPage = (await b.submit(`${path}/answer`, { csrf: csrfOn(appPage), code: generateTotp(staff.h.appSecret, Date.now()) })).text;
    expect(passwordPage).toContain('Choose a new password');
    const done = await b.submit(`${path}/password`, { csrf: csrfOn(passwordPage), password: NEW_PASSWORD, confirmation: NEW_PASSWORD });
    expect(done.text).toContain('Your password has been changed');
    const changed = (await staff.h.stores.audit.listForUser(OID, 30)).find((e) => e.action === 'reset:passwordChanged');
    expect(changed?.details?.['verifiedBy']).toBe('sms,app');
  }, 30_000);

  test('when a link from a texted RESET is opened by someone needing two, then its one proof counts and the page asks for a second method', async () => {
    const token = 'link-token-two-methods-0123456789abcdef';
    const now = Date.now();
    // The grant the SMS journey issues: one proof (the texted phone), nothing about the policy.
    await staff.links.issue(resetLinkTokenHash(token), { userId: OID, purpose: 'reset', proofs: ['sms'], issuedVia: 'sms', issuedAt: now, expiresAt: now + 15 * 60_000 });
    const b = staff.browser();
    const second = (await b.submit('/reset/link', { token })).text;
    expect(second).toContain('Step 2 of 2');
    expect(second).not.toContain('Choose a new password');
    expect(second).not.toContain('value="sms"');
    const path = sessionPathOn(second);
    const refused = await b.submit(`${path}/password`, { csrf: csrfOn(second), password: NEW_PASSWORD, confirmation: NEW_PASSWORD });
    expect(refused.status).toBe(409);
    const appPage = (await b.submit(`${path}/method`, { csrf: csrfOn(second), method: 'app' })).text;
    const passwordPage = (await b.submit(`${path}/answer`, { csrf: csrfOn(appPage), code: generateTotp(staff.h.appSecret, Date.now() + 30_000) })).text;
    expect(passwordPage).toContain('Choose a new password');
  }, 30_000);
});

describe('rate limits', () => {
  test('when one name is started more often than allowed, then it is refused for that name only (and the same for a name that matches nobody)', async () => {
    const small = await startResetHarness({ passwordReset: { perPersonPerHour: 2 } });
    try {
      for (const name of [JANE_UPN, 'nobody.here@signet-demo.example']) {
        await begin(name, 'reset', small);
        await begin(name, 'reset', small);
        const b = small.browser();
        const refused = await b.submit('/reset', { csrf: csrfOn((await b.get('/reset')).text), name, purpose: 'reset' });
        expect(refused.status).toBe(429);
        expect(refused.text).toContain('Too many attempts');
      }
      await begin('someone.else@signet-demo.example', 'reset', small);
    } finally {
      await small.close();
    }
  }, 30_000);
});

describe('wrong answers and lockout', () => {
  test('when wrong codes reach the limit, then the reset locks and says so, and nothing more can be tried in it', async () => {
    const { b, path, page } = await begin(JANE_UPN);
    let current = await choose(b, path, page, 'email');
    for (let i = 0; i < r.h.config.org.codes.maxAttempts - 1; i++) {
      current = await answer(b, path, current, { code: '000000' });
      expect(current).toContain('That isn&#39;t right');
    }
    const locked = await answer(b, path, current, { code: '000000' });
    expect(locked).toContain('password reset is locked for a while');
    expect((await b.submit(`${path}/method`, { csrf: csrfOn(current), method: 'sms' })).text).toContain('locked for a while');
    const audit = await r.h.stores.audit.listForUser(OID, 50);
    expect(audit.some((e) => e.action === 'reset:locked')).toBe(true);
  }, 30_000);
});

describe('unlock only', () => {
  test('when a locked-out person verifies and asks only to unlock, then the account is unlocked and the password kept', async () => {
    for (let i = 0; i < 3; i++) r.memory!.signIn({ by: 'upn', value: JANE_UPN }, `wrong-${i}`);
    const entry = await r.directory.find({ by: 'upn', value: JANE_UPN });
    expect(entry.ok && entry.value.locked).toBe(true);
    const { b, path, page } = await begin(JANE_UPN, 'unlock');
    const codePage = await choose(b, path, page, 'sms');
    const confirm = await answer(b, path, codePage, { code: lastTextedCode() });
    expect(confirm).toContain('Unlock your account');
    const done = await b.submit(`${path}/unlock`, { csrf: csrfOn(confirm) });
    expect(done.text).toContain('Your account is unlocked');
    const after = await r.directory.find({ by: 'upn', value: JANE_UPN });
    expect(after.ok && after.value.locked).toBe(false);
    expect((await r.h.stores.audit.listForUser(OID, 80)).some((e) => e.action === 'reset:unlocked')).toBe(true);
  }, 30_000);
});

describe('single-use links', () => {
  test('when a link issued after a texted RESET is opened, then its proof counts; opened again, it is refused', async () => {
    const token = 'link-token-0123456789abcdefghijklmnop';
    const now = Date.now();
    await r.links.issue(resetLinkTokenHash(token), { userId: OID, purpose: 'reset', proofs: ['sms'], issuedVia: 'sms', issuedAt: now, expiresAt: now + 15 * 60_000 });
    const b = r.browser();
    const landing = await b.get(`/reset/link/${token}`);
    expect(landing.text).toContain('This link works once');
    // Opening the page (e.g. a link preview) does not use the link; pressing Continue does.
    const passwordPage = await b.submit('/reset/link', { token });
    expect(passwordPage.text).toContain('Choose a new password');
    const replay = await r.browser().submit('/reset/link', { token });
    expect(replay.status).toBe(410);
    expect(replay.text).toContain('already been used or has expired');
  }, 30_000);
});

describe('no user enumeration', () => {
  test('when the strength endpoint is asked before the person is verified, then it answers nothing (her names are banned words)', async () => {
    for (const name of [JANE_UPN, 'nobody.here@signet-demo.example']) {
      const { b, path, page } = await begin(name);
      const asked = await b.submit(`${path}/strength`, { csrf: csrfOn(page), password: 'jane-doe' });
      expect(asked.status).toBe(404);
    }
    const { b, path, page } = await begin(JANE_UPN);
    const codePage = await choose(b, path, page, 'sms');
    const passwordPage = await answer(b, path, codePage, { code: lastTextedCode() });
    const verdict = (await b.submit(`${path}/strength`, { csrf: csrfOn(passwordPage), password: 'jane-doe' })).json<{ ok: boolean; problems: string[] }>();
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.join(' ')).toContain('your own name');
  }, 30_000);

  /** Counts the directory and user look-ups a start makes. */
  function counting(directory: Directory): { directory: Directory; finds: () => number } {
    let finds = 0;
    return {
      directory: { ...directory, find: async (lookup) => (finds++, directory.find(lookup)), setPassword: (id, p) => directory.setPassword(id, p), unlock: (id) => directory.unlock(id), verifyConfiguration: () => directory.verifyConfiguration(), close: () => directory.close() },
      finds: () => finds,
    };
  }

  test('when a name matches nobody, then every page is the same as for a real person and the same work is done', async () => {
    const spy = counting(r.directory);
    const deps = r.reset.deps as { directory: Directory };
    const original = deps.directory;
    (deps as { directory: Directory }).directory = spy.directory;
    let upnLookups = 0;
    const findByUpn = r.h.stores.users.findByUpn.bind(r.h.stores.users);
    r.h.stores.users.findByUpn = async (upn) => (upnLookups++, findByUpn(upn));
    try {
      const strip = (page: string): string => page.replace(/\/reset\/s\/[A-Za-z0-9_-]+/g, '/reset/s/ID').replace(/value="[A-Za-z0-9_-]{20,}"/g, 'value="X"');
      const known = await begin(JANE_UPN);
      const work = { finds: spy.finds(), upns: upnLookups, sessions: 1 };
      const unknown = await begin('nobody.here@signet-demo.example');
      expect({ finds: spy.finds() - work.finds, upns: upnLookups - work.upns, sessions: 1 }).toEqual(work);
      expect(strip(unknown.page)).toBe(strip(known.page));
      // The next pages are the same too, and a code typed for the unknown name is simply wrong.
      for (const method of ['sms', 'email', 'questions'] as const) {
        const a = await begin(JANE_UPN);
        const u = await begin('nobody.here@signet-demo.example');
        const pageA = await choose(a.b, a.path, a.page, method);
        const pageU = await choose(u.b, u.path, u.page, method);
        if (method === 'questions') expect([...pageU.matchAll(/<label for="answer/g)].length).toBe([...pageA.matchAll(/<label for="answer/g)].length);
        else expect(strip(pageU)).toBe(strip(pageA));
        if (method !== 'questions') expect(await answer(u.b, u.path, pageU, { code: '123456' })).toContain('That isn&#39;t right');
      }
      // The stand-in questions of a name are the same every time (a changing set would give it away).
      const q1 = await choose(...Object.values(await begin('ghost@signet-demo.example')) as [BrowserClient, string, string], 'questions');
      const q2 = await choose(...Object.values(await begin('ghost@signet-demo.example')) as [BrowserClient, string, string], 'questions');
      const labels = (p: string): string[] => [...p.matchAll(/<label for="answer\d">([^<]+)</g)].map((m) => m[1]!);
      expect(labels(q2)).toEqual(labels(q1));
    } finally {
      (deps as { directory: Directory }).directory = original;
      r.h.stores.users.findByUpn = findByUpn;
    }
  }, 60_000);
});
