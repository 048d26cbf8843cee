// The web reset against a REAL OpenLDAP (slapd with ppolicy, started like FerretDB): after a reset the new password
// binds and the old one does not; a locked account is unlocked; ppolicy's refusals (too short, in history) reach the
// person as understandable messages. The organisation's own rules are relaxed here so the directory's show.
import { Client, InvalidCredentialsError } from 'ldapts';
import type { LdapDirectoryConfig } from '../../src/config/directoryConfig';
import { LdapDirectory } from '../../src/directory/ldapDirectory';
import { createLogger } from '../../src/logging/logger';
import { MAX_FAILURES, PEOPLE, PEOPLE_BASE, startSlapd, type RunningSlapd, slapdDirectoryConfig } from '../support/slapd';
import { csrfOn, sessionPathOn, startResetHarness, type ResetHarness } from './resetHarness';

const ADA = PEOPLE.find((p) => p.uid === 'ada')!;
let slapd: RunningSlapd;
let r: ResetHarness;

beforeAll(async () => {
  slapd = await startSlapd();
  const config: LdapDirectoryConfig = slapdDirectoryConfig(slapd.url);
  const directory = new LdapDirectory({ config, logger: createLogger({ level: 'error', sink: () => undefined }) });
  r = await startResetHarness({ directory, upn: ADA.upn, passwordReset: { minLength: 1, minStrength: 0, perPersonPerHour: 100, maxAnswersPerLock: 100 } });
}, 60_000);

afterAll(async () => {
  await r?.close();
  await r?.directory.close();
  await slapd?.stop();
});

async function canBind(password: string): Promise<boolean> {
  const client = new Client({ url: slapd.url, timeout: 3000 });
  try {
    await client.bind(`uid=${ADA.uid},${PEOPLE_BASE}`, password);
    return true;
  } catch (error) {
    if (error instanceof InvalidCredentialsError) return false;
    throw error;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** Ada starts a reset by her uid, verifies with a texted code and lands on the password (or unlock) page. */
async function verified(purpose: 'reset' | 'unlock'): Promise<{ b: ReturnType<ResetHarness['browser']>; path: string; page: string }> {
  const b = r.browser();
  const landed = await b.submit('/reset', { csrf: csrfOn((await b.get('/reset')).text), name: ADA.uid, purpose });
  const path = sessionPathOn(landed.text);
  const codePage = await b.submit(`${path}/method`, { csrf: csrfOn(landed.text), method: 'sms' });
  const sms = r.h.outbox.last('sms');
  const code = /"code":"(\d+)"/.exec(sms?.type === 'sms' ? sms.body : '')![1]!;
  const page = (await b.submit(`${path}/answer`, { csrf: csrfOn(codePage.text), code })).text;
  return { b, path, page };
}

test('when Ada resets her password, then a bind with the new one succeeds and with the old one fails', async () => {
  expect(await canBind(ADA.password)).toBe(true);
  const { b, path, page } = await verified('reset');
  expect(page).toContain('Choose a new password');
  const done = await b.submit(`${path}/password`, { csrf: csrfOn(page), password: 'Difference-Engine-2', confirmation: 'Difference-Engine-2' });
  expect(done.text).toContain('Your password has been changed');
  expect(await canBind('Difference-Engine-2')).toBe(true);
  expect(await canBind(ADA.password)).toBe(false);
}, 60_000);

test('when the directory refuses (too short, in history), then the page says why in plain words and she may try again', async () => {
  const { b, path, page } = await verified('reset');
  const short = await b.submit(`${path}/password`, { csrf: csrfOn(page), password: 'Sh0rt!', confirmation: 'Sh0rt!' });
  expect(short.text).toMatch(/That password is too short\.( It needs at least \d+ characters\.)?/);
  const reused = await b.submit(`${path}/password`, { csrf: csrfOn(page), password: 'Difference-Engine-2', confirmation: 'Difference-Engine-2' });
  expect(reused.text).toContain('You have used that password before');
  const fine = await b.submit(`${path}/password`, { csrf: csrfOn(page), password: 'Note-G-Bernoulli-1843', confirmation: 'Note-G-Bernoulli-1843' });
  expect(fine.text).toContain('Your password has been changed');
  expect(await canBind('Note-G-Bernoulli-1843')).toBe(true);
}, 60_000);

test('when Ada is locked out by wrong passwords, then the unlock-only journey unlocks her and her password works again', async () => {
  for (let i = 0; i < MAX_FAILURES; i++) expect(await canBind(`wrong-${i}`)).toBe(false);
  expect(await canBind('Note-G-Bernoulli-1843')).toBe(false);
  const { b, path, page } = await verified('unlock');
  expect(page).toContain('Unlock your account');
  const done = await b.submit(`${path}/unlock`, { csrf: csrfOn(page) });
  expect(done.text).toContain('Your account is unlocked');
  expect(await canBind('Note-G-Bernoulli-1843')).toBe(true);
}, 60_000);
