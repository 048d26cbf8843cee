// The phone use cases (src/app/) on the real core without HTTP: memory stores, a fixed clock, an outbox standing
// in for Twilio, and recording stand-ins for the help desk and Teams notices. Keys, not words, in the replies.
import { createCore, type Core } from '../../src/core';
import { createSecretOps } from '../../src/enrollment/enrollmentPolicy';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { FixedClock } from '../../src/ports/clock';
import { seededRandom } from '../../src/security/random';
import { NotificationOutbox, Outbox } from '../../src/telephony/outboxes';
import type { Stores } from '../../src/ports/repositories';
import type { HelpDeskReport } from '../../src/ports/helpDesk';
import type { CallbackContext } from '../../src/config/callbackUrls';
import type { OrgConfigInput } from '../../src/config/orgConfigSchema';
import type { Challenge } from '../../src/domain/challenge';
import { AnswerCall } from '../../src/app/answerCall';
import { keyPressWebhookId, PressKey } from '../../src/app/pressKey';
import type { CallScript } from '../../src/app/phoneCallSteps';
import { ReceiveText } from '../../src/app/receiveText';
import { RecordCallStatus } from '../../src/app/recordCallStatus';
import { RecordDeliveryStatus } from '../../src/app/recordDeliveryStatus';
import { keyRenderer, PROFILE, T0, TEST_KEY, testOrg } from '../support/coreHarness';

export const PHONE = '+12065550123';
export { PROFILE, T0 };

export interface KeyPresses {
  press(context: CallbackContext, callSid: string, digits: string, attempt: number): Promise<CallScript>;
}

export interface PhoneUseCases {
  readonly stores: Stores;
  readonly clock: FixedClock;
  readonly core: Core;
  readonly outbox: Outbox;
  readonly notifications: NotificationOutbox;
  readonly helpDeskReports: HelpDeskReport[];
  readonly receiveText: ReceiveText;
  readonly answerCall: AnswerCall;
  /** PressKey as the Twilio channel runs it: planned, its delivery claimed in the ledger, then carried out. */
  readonly pressKey: KeyPresses;
  readonly recordCallStatus: RecordCallStatus;
  readonly recordDeliveryStatus: RecordDeliveryStatus;
  /** The code in the last text sent. */
  lastTextedCode(): string;
  /** The context Twilio's webhooks would carry for the last call or text placed. */
  lastContext(type: 'sms' | 'call'): CallbackContext;
  /** The provider ref of the last call or text placed. */
  lastRef(type: 'sms' | 'call'): string;
}

export function phoneUseCases(org: Partial<OrgConfigInput> = {}): PhoneUseCases {
  const stores = createMemoryStores();
  const clock = new FixedClock(T0);
  const random = seededRandom('phone-use-cases');
  const outbox = new Outbox();
  const notifications = new NotificationOutbox();
  const helpDeskReports: HelpDeskReport[] = [];
  const config = { org: testOrg(org), encryptionKey: TEST_KEY };
  const core = createCore({ config, stores, telephony: outbox, mailer: outbox, notifier: notifications, render: keyRenderer, clock, random });
  const { enrollment, verification } = core;
  const organisationName = config.org.organisation.name;
  const calls = { enrollment, verification, stores, organisationName, clock };
  const last = (type: 'sms' | 'call') => {
    const item = outbox.last(type);
    if (item?.type !== 'sms' && item?.type !== 'call') throw new Error(`no ${type} in the outbox`);
    return item;
  };
  return {
    stores,
    clock,
    core,
    outbox,
    notifications,
    helpDeskReports,
    receiveText: new ReceiveText({ enrollment, verification, stores, org: config.org, clock }),
    answerCall: new AnswerCall(calls),
    pressKey: asWebhook(
      new PressKey({
        ...calls,
        secrets: createSecretOps(TEST_KEY, random),
        helpDesk: { report: async (report) => void helpDeskReports.push(report) },
        notifier: notifications,
      }),
      stores,
      clock,
    ),
    recordCallStatus: new RecordCallStatus(calls),
    recordDeliveryStatus: new RecordDeliveryStatus({ enrollment, verification, stores, clock }),
    lastTextedCode() {
      const match = /"code":"(\d+)"/.exec(String(outbox.last('sms')?.type === 'sms' ? (outbox.last('sms') as { body: string }).body : ''));
      if (!match) throw new Error('no code in the last text');
      return match[1]!;
    },
    lastContext(type) {
      const item = last(type);
      return { purpose: item.purpose, locale: item.locale, mode: item.type === 'call' ? item.mode : null };
    },
    lastRef: (type) => last(type).ref,
  };
}

/**
 * Key presses run as the channel runs them (src/channels/twilio/twilioWebhooks.ts): the claim of the delivery
 * carries a prepared answer (a reading's: that is how the call's readings are found later), then the plan is
 * carried out. Each call is a new delivery; keys only stand in for the TwiML a retry would be answered.
 */
function asWebhook(pressKey: PressKey, stores: Stores, clock: FixedClock): KeyPresses {
  return {
    async press(context: CallbackContext, callSid: string, digits: string, attempt: number): Promise<CallScript> {
      const plan = await pressKey.plan(context, callSid, digits, attempt);
      const id = keyPressWebhookId(callSid, attempt);
      if (plan.kind === 'answered') return plan.answer;
      await stores.webhooks.claim(id, clock.now(), plan.kind === 'prepared' ? { prepared: JSON.stringify(plan.retryAnswer) } : undefined);
      return plan.carryOut();
    },
  };
}

/** Starts a phone enrollment up to the text or call going out. */
export async function enrollPhone(app: PhoneUseCases, delivery: 'sms' | 'voice', number = PHONE): Promise<void> {
  await app.core.enrollment.ensureUser(PROFILE);
  await app.core.enrollment.apply(PROFILE.id, { type: 'start', purpose: 'register', kind: 'mobilePhone' }, { channel: 'teams' });
  await app.core.enrollment.apply(PROFILE.id, { type: 'submitPhone', number, delivery }, { channel: 'teams' });
}

/** Starts a sign-in challenge by text or call to PHONE for PROFILE. */
export async function startSignIn(app: PhoneUseCases, method: 'sms' | 'voice'): Promise<Challenge> {
  await app.core.enrollment.ensureUser(PROFILE);
  return app.core.verification.start(
    { userId: PROFILE.id, clientId: 'portal', method, target: PHONE, extension: null, context: { ip: null, application: 'Portal', location: null }, locale: 'en-GB' },
    'api',
  );
}
