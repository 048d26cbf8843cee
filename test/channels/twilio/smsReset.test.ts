// Texting RESET (or UNLOCK, in English or Spanish) end to end over signed Twilio webhooks: a registered mobile gets a
// single-use link whose grant proves 'sms', lives 15 minutes and is taken once; an unknown number gets the neutral
// answer any unknown number gets; the limits, the policy and a missing directory entry each get a clear refusal.
import { parseXml } from '../../support/twimlParser';
import { enrollPhone, lastTextedCode, OTHER_PHONE, PHONE, PUBLIC_BASE_URL, profile, startTwilioApp, type TwilioApp } from '../../support/twilioAppHarness';
import { resetLinkTokenHash } from '../../../src/security/resetLinkTokens';
import type { NewUser } from '../../../src/domain/user';
import type { OrgConfigInput } from '../../../src/config/orgConfigSchema';
import { DEFAULT_METHOD_USAGE } from '../../../src/domain/methodKinds';
import { T0 } from '../../support/fixtures';

const SMS_PATH = '/api/twilio/sms';
const FIFTEEN_MINUTES = 15 * 60_000;
let sidCounter = 0;
const inbound = (body: string, from = PHONE): Record<string, string> => ({
  MessageSid: `SMrs${String(++sidCounter).padStart(30, '0')}`,
  AccountSid: 'AC0123456789abcdef0123456789abcdef',
  From: from,
  To: '+12065550100',
  Body: body,
  NumMedia: '0',
});

function messageOf(xml: string): string {
  const message = parseXml(xml).children.find((c) => c.name === 'Message');
  if (!message) throw new Error(`no <Message> in ${xml}`);
  return message.text;
}

/** The token of the one reset link in a text. */
function tokenIn(text: string): string {
  const prefix = `${PUBLIC_BASE_URL}/reset/link/`;
  const start = text.indexOf(prefix);
  if (start < 0) throw new Error(`no reset link in: ${text}`);
  const token = text.slice(start + prefix.length, start + prefix.length + 43);
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return token;
}

/** The help-desk contact as HELP answers it. */
function contactOf(app: TwilioApp): string {
  const { phone, email, url } = app.config.org.helpDesk;
  return [phone, email, url].filter((v): v is string => v !== undefined).join(', ');
}

/** A person with a verified mobile, linked (or not) to a directory entry by UPN. */
async function registered(app: TwilioApp, options: { user?: NewUser; linked?: boolean } = {}): Promise<NewUser> {
  const user = await enrollPhone(app, 'sms', options.user ? { user: options.user } : {});
  await app.post(SMS_PATH, inbound(lastTextedCode(app.api)));
  expect((await app.stores.users.get(user.id))?.methods.map((m) => m.kind)).toEqual(['mobilePhone']);
  if (options.linked ?? true) app.directory.add({ upn: user.upn, displayName: user.displayName, password: 'Old-password-1' });
  return user;
}

describe('texting RESET', () => {
  let app: TwilioApp;
  const start = async (org?: Partial<OrgConfigInput>) => {
    app = await startTwilioApp(org ? { org } : {});
  };
  afterEach(async () => {
    await app.close();
  });

  it('when RESET comes from a registered mobile, then the reply is a single-use link whose grant proves sms, lasts 15 min and is taken once', async () => {
    await start();
    const user = await registered(app);
    const res = await app.post(SMS_PATH, inbound('Reset'));
    expect(res.status).toBe(200);
    const text = messageOf(res.text);
    const token = tokenIn(text);
    expect(text).toBe(app.render('en-US', { key: 'sms.reset.link', params: { org: app.config.org.organisation.name, url: `${PUBLIC_BASE_URL}/reset/link/${token}`, minutes: 15 } }));

    const grant = await app.resetLinks.take(resetLinkTokenHash(token), app.clock.now());
    expect(grant).toEqual({ userId: user.id, purpose: 'reset', proofs: ['sms'], issuedVia: 'sms', issuedAt: T0, expiresAt: T0 + FIFTEEN_MINUTES });
    expect(await app.resetLinks.take(resetLinkTokenHash(token), app.clock.now())).toBeNull();

    const audit = await app.stores.audit.listForUser(user.id, 20);
    expect(audit.find((e) => e.action === 'reset:linkIssued')).toMatchObject({ channel: 'sms', details: { purpose: 'reset', proofs: 'sms' } });
    // Neither the token nor the phone number is kept in the audit trail or the log.
    expect(JSON.stringify(audit)).not.toContain(token);
    expect(JSON.stringify(audit)).not.toContain(PHONE);
    expect(app.logText()).not.toContain(token);
  });

  it('when the link is used at its expiry, then it no longer works', async () => {
    await start();
    await registered(app);
    const token = tokenIn(messageOf((await app.post(SMS_PATH, inbound('RESET'))).text));
    expect(await app.resetLinks.take(resetLinkTokenHash(token), T0 + FIFTEEN_MINUTES)).toBeNull();
  });

  it('when a Spanish speaker texts "desbloquear", then the answer is in Spanish and the link only unlocks', async () => {
    await start({ locales: { offered: ['en-US', 'es-US'], default: 'en-US' } });
    const user = await registered(app, { user: profile({ locale: 'es-US' }) });
    const text = messageOf((await app.post(SMS_PATH, inbound(' Desbloquear '))).text);
    const token = tokenIn(text);
    expect(text).toBe(app.render('es-US', { key: 'sms.reset.unlockLink', params: { org: app.config.org.organisation.name, url: `${PUBLIC_BASE_URL}/reset/link/${token}`, minutes: 15 } }));
    expect(text).toContain('desbloquee');
    expect(await app.resetLinks.take(resetLinkTokenHash(token), T0)).toMatchObject({ userId: user.id, purpose: 'unlock', proofs: ['sms'] });
  });

  it('when "Olvidé mi contraseña" is texted, then it asks for a reset link like RESET', async () => {
    await start();
    await registered(app);
    const token = tokenIn(messageOf((await app.post(SMS_PATH, inbound('Olvidé mi contraseña.'))).text));
    expect(await app.resetLinks.take(resetLinkTokenHash(token), T0)).toMatchObject({ purpose: 'reset' });
  });

  it('when RESET comes from a number nobody registered, then the answer is the neutral one any unknown text gets', async () => {
    await start();
    await registered(app);
    const reset = messageOf((await app.post(SMS_PATH, inbound('RESET', OTHER_PHONE))).text);
    const other = messageOf((await app.post(SMS_PATH, inbound('hello', OTHER_PHONE))).text);
    expect(reset).toBe(other);
    expect(reset).toBe(app.render('en-US', { key: 'sms.inbound.unknown', params: { org: app.config.org.organisation.name } }));
  });

  it('when a number texts RESET more often than the limit, then the fourth is refused with the wait and issues nothing', async () => {
    await start();
    const user = await registered(app);
    for (let i = 0; i < 3; i += 1) tokenIn(messageOf((await app.post(SMS_PATH, inbound('RESET'))).text));
    const refused = messageOf((await app.post(SMS_PATH, inbound('RESET'))).text);
    expect(refused).toBe(app.render('en-US', { key: 'sms.reset.limited', params: { org: app.config.org.organisation.name, minutes: 60 } }));
    const actions = (await app.stores.audit.listForUser(user.id, 50)).map((e) => e.action);
    expect(actions.filter((a) => a === 'reset:linkIssued')).toHaveLength(3);
    expect(actions).toContain('reset:linkRefused');
  });

  it('when the policy does not count texted codes for password reset, then RESET is refused and no link is issued', async () => {
    await start({ methods: { usage: { ...DEFAULT_METHOD_USAGE, mobilePhone: { mfa: true, passwordReset: false } } } as OrgConfigInput['methods'] });
    const user = await registered(app);
    const text = messageOf((await app.post(SMS_PATH, inbound('RESET'))).text);
    expect(text).toBe(app.render('en-US', { key: 'sms.reset.notByText', params: { org: app.config.org.organisation.name, contact: contactOf(app) } }));
    expect(text).not.toContain('/reset/link/');
    expect((await app.stores.audit.listForUser(user.id, 20)).find((e) => e.action === 'reset:linkRefused')?.details).toMatchObject({ reason: 'notAllowed' });
  });

  it('when the person has no directory entry, then RESET is refused and no link is issued', async () => {
    await start();
    const user = await registered(app, { linked: false });
    const text = messageOf((await app.post(SMS_PATH, inbound('RESET'))).text);
    expect(text).toBe(app.render('en-US', { key: 'sms.reset.notLinked', params: { org: app.config.org.organisation.name, contact: contactOf(app) } }));
    expect((await app.stores.audit.listForUser(user.id, 20)).find((e) => e.action === 'reset:linkRefused')?.details).toMatchObject({ reason: 'notLinked' });
  });
});
