// The per-group reset policy against a REAL OpenLDAP (slapd): the directory adapter reads group membership (here by
// a member / uniqueMember search under the groups base) and the web journey asks a "staff" member for two
// verifications and a student for one, as `passwordReset.byGroup` says.
import type { LdapDirectoryConfig } from '../../src/config/directoryConfig';
import { LdapDirectory } from '../../src/directory/ldapDirectory';
import { createLogger } from '../../src/logging/logger';
import { resetLinkTokenHash } from '../../src/security/resetLinkTokens';
import { generateTotp } from '../../src/security/totp';
import { GROUPS_BASE, PEOPLE, startSlapd, type RunningSlapd, type TestPerson, slapdDirectoryConfig } from '../support/slapd';
import { OID } from './entraHarness';
import { csrfOn, sessionPathOn, startResetHarness, type ResetHarness } from './resetHarness';

const person = (uid: string): TestPerson => PEOPLE.find((p) => p.uid === uid)!;
let slapd: RunningSlapd;
let r: ResetHarness;

beforeAll(async () => {
  slapd = await startSlapd();
  const config: LdapDirectoryConfig = slapdDirectoryConfig(slapd.url, { groups: { kind: 'search', base: GROUPS_BASE } });
  const directory = new LdapDirectory({ config, logger: createLogger({ level: 'error', sink: () => undefined }) });
  r = await startResetHarness({
    directory,
    upn: person('ada').upn,
    // The policy names the group as people write it; the directory's cn is "staff".
    passwordReset: { methodsRequired: 1, byGroup: [{ group: 'Staff', methodsRequired: 2 }], minLength: 1, minStrength: 0, perPersonPerHour: 100, maxAnswersPerLock: 100 },
  });
}, 60_000);

afterAll(async () => {
  await r?.close();
  await r?.directory.close();
  await slapd?.stop();
});

/** The one Signet person of the harness becomes `p` (same phone, app and email; the directory decides the groups). */
async function signetPersonIs(p: TestPerson): Promise<void> {
  const current = (await r.h.stores.users.get(OID))!;
  await r.h.stores.users.replace({ ...current, upn: p.upn });
}

async function start(p: TestPerson) {
  await signetPersonIs(p);
  const b = r.browser();
  const landed = await b.submit('/reset', { csrf: csrfOn((await b.get('/reset')).text), name: p.uid, purpose: 'reset' });
  return { b, path: sessionPathOn(landed.text), page: landed.text };
}

async function textedCodeStep(b: ReturnType<ResetHarness['browser']>, path: string, page: string): Promise<string> {
  const codePage = await b.submit(`${path}/method`, { csrf: csrfOn(page), method: 'sms' });
  const sms = r.h.outbox.last('sms');
  const code = /"code":"(\d+)"/.exec(sms?.type === 'sms' ? sms.body : '')![1]!;
  return (await b.submit(`${path}/answer`, { csrf: csrfOn(codePage.text), code })).text;
}

test('when a member of the "staff" group resets, then one texted code is not enough and a second method lets her in', async () => {
  const grace = person('grace');
  const { b, path, page } = await start(grace);
  expect(page).toContain('Step 1: choose a way');
  const second = await textedCodeStep(b, path, page);
  expect(second).toContain('Step 2 of 2');
  expect(second).not.toContain('Choose a new password');
  const appPage = (await b.submit(`${path}/method`, { csrf: csrfOn(second), method: 'app' })).text;
  const passwordPage = (await b.submit(`${path}/answer`, { csrf: csrfOn(appPage), code: generateTotp(r.h.appSecret, Date.now()) })).text;
  expect(passwordPage).toContain('Choose a new password');
  const done = await b.submit(`${path}/password`, { csrf: csrfOn(passwordPage), password: 'Nanosecond-Wire-1985', confirmation: 'Nanosecond-Wire-1985' });
  expect(done.text).toContain('Your password has been changed');
}, 60_000);

test('when a staff member, a student and a name that matches nobody start, then their first pages are the same (groups say nothing before a proof)', async () => {
  const strip = (page: string): string => page.replace(/\/reset\/s\/[A-Za-z0-9_-]+/g, '/reset/s/ID').replace(/value="[A-Za-z0-9_-]{20,}"/g, 'value="X"');
  const staff = await start(person('grace'));
  const student = await start(person('ada'));
  const b = r.browser();
  const nobody = await b.submit('/reset', { csrf: csrfOn((await b.get('/reset')).text), name: 'nobody-here', purpose: 'reset' });
  expect(strip(staff.page)).toBe(strip(nobody.text));
  expect(strip(student.page)).toBe(strip(nobody.text));
}, 60_000);

test('when a student (groupOfUniqueNames) resets, then one texted code is enough', async () => {
  const { b, path, page } = await start(person('ada'));
  expect(page).not.toContain('of 2');
  const passwordPage = await textedCodeStep(b, path, page);
  expect(passwordPage).toContain('Choose a new password');
}, 60_000);

test('when a staff member opens a link from a texted RESET, then the directory\'s groups apply there too: a second method is asked', async () => {
  const grace = person('grace');
  await signetPersonIs(grace);
  const token = 'link-token-staff-member-0123456789abcdef';
  const now = Date.now();
  await r.links.issue(resetLinkTokenHash(token), { userId: OID, purpose: 'reset', proofs: ['sms'], issuedVia: 'sms', issuedAt: now, expiresAt: now + 15 * 60_000 });
  const page = (await r.browser().submit('/reset/link', { token })).text;
  expect(page).toContain('Step 2 of 2');
  expect(page).not.toContain('Choose a new password');
}, 60_000);
