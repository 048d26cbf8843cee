// Database round trips per state change on the single-conditional-write path, counted with the driver's command
// monitoring (every command the stores, the bot state and the ledger send). Targets from issue 9; the measured
// counts are printed so a regression shows its size.
import type { CommandStartedEvent } from 'mongodb';
import { createMongoStores, type MongoStores } from '../../src/stores/mongoStores';
import { createMongoBotStorage } from '../../src/stores/mongoBotStorage';
import { createCoreHarness } from '../support/coreHarness';
import { freshDbName, mongoTestUri, recordingLogger } from '../support/mongo';
import { enrollPhone, lastTextedCode, pathOf, PHONE, startTwilioApp } from '../support/twilioAppHarness';
import { allText, createTeamsHarness } from '../teams/teamsHarness';
import { RequestSignIn } from '../../src/app/requestSignIn';
import { CheckSignInCode } from '../../src/app/checkSignInCode';
import { ReadSignIn } from '../../src/app/readSignIn';
import { createCore } from '../../src/core';
import type { SecurityMethod } from '../../src/domain/user';
import { NotificationOutbox, Outbox } from '../../src/telephony/outboxes';
import { seededRandom } from '../../src/security/random';
import { FixedClock } from '../../src/ports/clock';
import { createMongoVerificationStores } from '../../src/stores/mongoVerificationStores';
import { RuleCheckedTelephony } from '../../src/telephony/sendingRules';
import { abusePolicyFrom } from '../../src/verification/abusePolicy';
import { keyRenderer, PROFILE, T0, testOrg } from '../support/coreHarness';

const HANDSHAKES = new Set(['hello', 'isMaster', 'ismaster', 'ping', 'buildInfo', 'endSessions']);
const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify']);

/** The stores on a fresh database, recording each data command (handshakes and detection left out). */
async function countingStores(prefix: string): Promise<{ stores: MongoStores; commands: string[] }> {
  const commands: string[] = [];
  const record = (event: CommandStartedEvent): void => {
    if (HANDSHAKES.has(event.commandName)) return;
    const target = event.command[event.commandName];
    commands.push(`${event.commandName} ${typeof target === 'string' ? target : ''}`.trim());
  };
  const stores = await createMongoStores({ uri: mongoTestUri(), dbName: freshDbName(prefix), logger: recordingLogger(), indexes: 'manual', compareAndSet: 'conditional', onCommandStarted: record });
  await stores.ensureIndexes();
  return { stores, commands };
}

async function measured<T>(label: string, commands: string[], action: () => Promise<T>): Promise<{ result: T; seen: string[] }> {
  commands.length = 0;
  const result = await action();
  const seen = [...commands];
  process.stdout.write(`${label}: ${seen.length} commands [${seen.join(', ')}]\n`);
  return { result, seen };
}

describe('MongoDB commands per state change (one conditional write per save)', () => {
  const opened: MongoStores[] = [];
  afterAll(async () => {
    for (const stores of opened.splice(0)) {
      try {
        await stores.db.dropDatabase();
      } finally {
        await stores.close();
      }
    }
  });

  it('Teams turn mid-enrollment ("text me": the code is sent and the step saved)', async () => {
    const { stores, commands } = await countingStores('cmdteams');
    opened.push(stores);
    const teams = await createTeamsHarness({ core: createCoreHarness({ stores, seed: 'count' }), storage: createMongoBotStorage(stores.db) });
    const chat = teams.chat('en-US');
    await chat.say('set up MFA');
    await chat.say('cell phone');
    await chat.say('+1 425 555 0123');
    const { result, seen } = await measured('Teams turn mid-enrollment', commands, () => chat.say('text me'));
    expect(allText(result)).toContain(teams.i18n.t('en-US', 'enrollment.phone.enterCode'));
    expect(seen.length).toBeLessThanOrEqual(TARGETS.teamsTurn);
  });

  it('SMS code reply (webhook ledger included)', async () => {
    const { stores, commands } = await countingStores('cmdsms');
    opened.push(stores);
    const app = await startTwilioApp({ stores });
    try {
      const user = await enrollPhone(app, 'sms');
      // A first webhook in the process also prunes the ledger (once a while): not the steady state counted here.
      await app.post('/api/twilio/sms', { MessageSid: 'SMwarm', From: '+12065550999', Body: 'hello' });
      const params = { MessageSid: 'SMcount1', From: PHONE, Body: lastTextedCode(app.api) };
      const { result, seen } = await measured('SMS code reply', commands, () => app.post('/api/twilio/sms', params));
      expect(result.status).toBe(200);
      expect((await stores.users.get(user.id))?.enrollment?.step.name).toBe('verified');
      const ledgerWrites = seen.filter((c) => c.endsWith('processedWebhooks') && WRITES.has(c.split(' ')[0]!));
      process.stdout.write(`webhook ledger writes per webhook: ${ledgerWrites.length}\n`);
      expect(ledgerWrites.length).toBeLessThanOrEqual(TARGETS.ledgerWrites);
      expect(seen.length).toBeLessThanOrEqual(TARGETS.smsCodeReply);
    } finally {
      await app.close();
    }
  });
});

describe('webhook ledger writes per Twilio status callback (the claim only)', () => {
  const ledgerWritesOf = (seen: readonly string[]): number => seen.filter((c) => c.endsWith('processedWebhooks') && WRITES.has(c.split(' ')[0]!)).length;

  it.each(['sms', 'voice'] as const)('a %s status callback, and its retry (answered from the status record, not processed again)', async (delivery) => {
    const { stores, commands } = await countingStores(`cmdstatus${delivery}`);
    const app = await startTwilioApp({ stores });
    try {
      await enrollPhone(app, delivery);
      await app.post('/api/twilio/sms', { MessageSid: 'SMwarm', From: '+12065550999', Body: 'hello' });
      const sent = delivery === 'sms' ? app.api.messages().at(-1)! : app.api.calls().at(-1)!;
      const params: Record<string, string> = delivery === 'sms' ? { MessageSid: sent.sid!, MessageStatus: 'delivered', To: PHONE } : { CallSid: sent.sid!, CallStatus: 'ringing', To: PHONE };
      const path = pathOf(sent.params['StatusCallback']);
      const first = await measured(`${delivery} status callback`, commands, () => app.post(path, params));
      expect(first.result.status).toBe(200);
      expect(ledgerWritesOf(first.seen)).toBe(TARGETS.ledgerWrites);
      const retry = await measured(`${delivery} status callback retry`, commands, () => app.post(path, params));
      expect(retry.result.text).toBe(first.result.text);
      // Its only write is the claim it loses; it finds the status record and neither processes nor completes.
      expect(ledgerWritesOf(retry.seen)).toBe(1);
      expect(retry.seen).not.toContain('insert deliveryStatuses');
      expect(await stores.deliveryStatuses.listForRef(sent.sid!)).toHaveLength(1);
    } finally {
      await app.close();
      await stores.db.dropDatabase();
      await stores.close();
    }
  });
});

describe('MongoDB commands per API sign-in verification (the use case; the per-client request limit excluded)', () => {
  let stores: MongoStores;
  afterAll(async () => {
    try {
      await stores.db.dropDatabase();
    } finally {
      await stores.close();
    }
  });

  it('API start (a text) and API code check', async () => {
    const counted = await countingStores('cmdapi');
    stores = counted.stores;
    const { commands } = counted;
    const key = Buffer.alloc(32, 7);
    const org = testOrg();
    const clock = new FixedClock(T0);
    const outbox = new Outbox();
    const phone = '+14255550123';
    const methods: SecurityMethod[] = [{ kind: 'mobilePhone', id: 'm1', number: phone, createdAt: T0 }];
    const user = await stores.users.create(PROFILE, T0);
    await stores.users.replace({ ...user, methods, defaultMethodId: 'm1' });
    const { perNumberPerHour, perUserPerHour } = org.phone.sendLimits;
    const telephony = new RuleCheckedTelephony(outbox, { stores, clock, rules: { allowedCountries: [], perNumberPerHour, perUserPerHour } });
    const core = createCore({ config: { org, encryptionKey: key }, stores, telephony, mailer: outbox, notifier: new NotificationOutbox(), render: keyRenderer, clock, random: seededRandom('api') });
    const verificationStores = createMongoVerificationStores(stores.db);
    const requestSignIn = new RequestSignIn({ stores, verificationStores, verification: core.verification, org, clock, abuse: abusePolicyFrom(org.verification), sendReservations: telephony });
    const checkSignInCode = new CheckSignInCode({ verification: core.verification, readSignIn: new ReadSignIn(core.verification), verificationStores, clock, passKey: key });
    const client = { id: 'portal', name: 'Portal', secretHash: '', createdAt: T0, revokedAt: null } as never;

    const start = await measured('API start', commands, () => requestSignIn.start(client, { user: PROFILE.upn, method: 'sms', context: { ip: null, application: 'Portal', location: null } }));
    expect(start.result.kind).toBe('started');
    const challengeId = start.result.kind === 'started' ? start.result.challenge.id : '';
    const sent = outbox.last();
    // keyRenderer writes the message key and its parameters, the code among them.
    const code = /"code":"(\d+)"/.exec(sent?.type === 'sms' ? sent.body : '')?.[1] ?? 'none';
    const check = await measured('API code check', commands, () => checkSignInCode.check(client, challengeId, code));
    expect(check.result?.challenge.status).toBe('approved');
    expect(start.seen.length).toBeLessThanOrEqual(TARGETS.apiStart);
    expect(check.seen.length).toBeLessThanOrEqual(TARGETS.apiCodeCheck);
  });
});

/**
 * The best reached so far, asserted so it cannot regress (never loosen). Issue 9's targets, all met:
 * - Teams turn ≤ 4 (4): one user read, one bot-state read, the step saved, the bot state written (the
 *   conversation reference only when it changed). A send needs no second save: its callbacks find the attempt by
 *   the record id and the enrollment's send number in their signed URL (src/config/callbackUrls.ts).
 * - API code check ≤ 3 (3): the challenge read, saved, audited.
 * - API start ≤ 5 (5): the user and the person's challenges read; the opt-out read before a text; the three
 *   limits — the person's challenge allowance and the text's hourly sends per person and per number — taken in one
 *   bulk of counter updates (takeAll, reserved by the sending rules and carried to the send as its permit); the
 *   challenge inserted. That insert is also the turn's claim (one pending challenge per person): challenges carry
 *   a unique key of [person, turn] (sparse, so challenges from before turns are left out; FerretDB 1.24 drops the
 *   flag but lets missing fields repeat in a unique index all the same), so of two starters after the same turn
 *   exactly one inserts, on FerretDB too; the other collides, reads the latest turn, supersedes it and takes the
 *   next. A turn can no longer be claimed without its challenge, so no start waits for an abandoned one. The pass
 *   and the help-desk unlock are read only when they can change the answer, the latest turn only when the history
 *   cannot name it.
 * - SMS code reply ≤ 4 (4) with one ledger write: the ledger claim (a unique insert: exactly one copy of a
 *   webhook processes it, racing copies and retries included), the user found, the user saved, the audit entry.
 *   The answer is not written to the ledger afterwards: it is saved on the enrollment record in the same
 *   compare-and-set save (a short bounded list of webhook ids with their replies), and a retry that loses the
 *   claim finds it there by the webhook id (users.findByAnsweredWebhook, a declared multikey index) and renders it
 *   byte for byte. Sound because the claim, not the answer, decides who processes: a copy that loses the claim
 *   never applies the event, so a wrong code counts once. A crash before the save leaves a claim with no answer
 *   anywhere, which a retry takes over once stale (as before); a crash after it leaves the answer on the record,
 *   which the retry repeats. One difference: a first delivery still alive past the takeover delay (30 s) that
 *   saves just after a retry looked for its answer is rerun, where a ledger answer would have stopped the
 *   takeover; the takeover presumes such a delivery dead in both schemes. Status callbacks write the ledger once too: their
 *   answer is always empty TwiML, and the status record, written last by the use case, tells a retry the report
 *   was dealt with (RecordDeliveryStatus/RecordCallStatus.recorded). What still writes the ledger twice: webhooks
 *   that save no record (STOP/START/HELP, an unknown number, a sign-in challenge's code, voice answer and keys), an
 *   answer kept otherwise for retries (a read-aloud code), and an answer a refused send extended after the save.
 *   A retry behind more newer answers on the same record than the list keeps (8) finds none and waits for the
 *   claim to go stale, then is processed against the state as it is then.
 */
const TARGETS = { teamsTurn: 4, smsCodeReply: 4, ledgerWrites: 1, apiStart: 5, apiCodeCheck: 3 };
