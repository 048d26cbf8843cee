// The enrollment machine says when a person's registration meets the policy (the effect the Entra External MFA
// registration hangs on), and the effect runner hands it to the registry only for a person Entra knows.
import { transitionEnrollment } from '../../src/enrollment/enrollmentMachine';
import type { EnrollmentEvent } from '../../src/enrollment/enrollmentTypes';
import type { Effect, Reply } from '../../src/domain/effects';
import type { User } from '../../src/domain/user';
import { EffectRunner } from '../../src/serviceKit/effectRunner';
import { MemoryExternalMethodRegistry } from '../../src/directory/memoryExternalMethodRegistry';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { FixedClock } from '../../src/ports/clock';
import { NotificationOutbox, Outbox } from '../../src/telephony/outboxes';
import { generateTotp } from '../../src/security/totp';
import { keyRenderer, machineContext, newUser, T0 } from '../support/coreHarness';

const OID = '0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f';
const TENANT = '9a8b7c6d-5e4f-4321-8765-0fedcba98765';

function run(user: User, events: readonly EnrollmentEvent[]): { state: User; effects: Effect[][]; replies: Reply[] } {
  const ctx = machineContext();
  let state = user;
  const effects: Effect[][] = [];
  const replies: Reply[] = [];
  for (const event of events) {
    const result = transitionEnrollment(state, event, ctx);
    effects.push([...result.effects]);
    replies.push(...result.replies);
    state = result.state;
  }
  return { state, effects, replies };
}

function codeTexted(effects: readonly Effect[]): string {
  const sms = effects.find((e): e is Extract<Effect, { type: 'sendSms' }> => e.type === 'sendSms');
  if (!sms) throw new Error('no text sent');
  return String(sms.message.params?.['code']);
}

/** Registers the app (method 1 of 2) and returns the record and the effects of the verifying step. */
function registerApp(user: User): { state: User; verified: Effect[] } {
  const chosen = run(user, [{ type: 'start', purpose: 'register' }, { type: 'chooseMethod', kind: 'authenticatorApp' }]);
  const secret = String(chosen.replies.find((r) => r.key === 'enrollment.app.scan')?.params?.['secret']).replace(/ /g, '');
  const done = run(chosen.state, [{ type: 'submitCode', code: generateTotp(secret, T0) }]);
  return { state: done.state, verified: done.effects[0]! };
}

describe('registration meets the policy', () => {
  const user = newUser({ id: OID, tenantId: TENANT });

  test('when the first of two required methods is verified, then nothing says the policy is met', () => {
    const { verified } = registerApp(user);
    expect(verified.map((e) => e.type)).toContain('audit');
    expect(verified.filter((e) => e.type === 'registrationMet')).toEqual([]);
  });

  test('when the second method is verified, then the machine says so once, with the person and tenant', () => {
    const { state } = registerApp(user);
    const phone = run(state, [{ type: 'start', purpose: 'register' }, { type: 'chooseMethod', kind: 'mobilePhone' }, { type: 'submitPhone', number: '+1 425 555 0123', delivery: 'sms' }]);
    const done = run(phone.state, [{ type: 'submitCode', code: codeTexted(phone.effects[2]!) }]);
    expect(done.state.methods).toHaveLength(2);
    expect(done.effects[0]!.filter((e) => e.type === 'registrationMet')).toEqual([{ type: 'registrationMet', userId: OID, tenantId: TENANT }]);
  });
});

describe('the effect runner and the registry', () => {
  const runner = (registry?: MemoryExternalMethodRegistry) =>
    new EffectRunner({
      telephony: new Outbox(),
      mailer: new Outbox(),
      notifier: new NotificationOutbox(),
      audit: createMemoryStores().audit,
      render: keyRenderer,
      clock: new FixedClock(T0),
      ...(registry ? { externalMethods: registry } : {}),
    });

  test('when the policy is met by a person of a tenant, then the registry is asked to register them', async () => {
    const registry = new MemoryExternalMethodRegistry();
    await runner(registry).run({ type: 'registrationMet', userId: OID, tenantId: TENANT }, 'en-US');
    expect(registry.has({ objectId: OID, tenantId: TENANT })).toBe(true);
  });

  test('when the person has no tenant (no Teams tenant known), or no registry is configured, then nothing happens', async () => {
    const registry = new MemoryExternalMethodRegistry();
    await runner(registry).run({ type: 'registrationMet', userId: OID, tenantId: null }, 'en-US');
    expect(registry.has({ objectId: OID, tenantId: TENANT })).toBe(false);
    await expect(runner().run({ type: 'registrationMet', userId: OID, tenantId: TENANT }, 'en-US')).resolves.toBeNull();
  });

  test('when the registry throws, then the failure is reported to onError and the chat goes on', async () => {
    const errors: string[] = [];
    const failing = new EffectRunner({
      telephony: new Outbox(),
      mailer: new Outbox(),
      notifier: new NotificationOutbox(),
      audit: createMemoryStores().audit,
      render: keyRenderer,
      clock: new FixedClock(T0),
      externalMethods: { ensureRegistered: () => Promise.reject(new Error('queue down')) },
      onError: (effect) => errors.push(effect),
    });
    await expect(failing.run({ type: 'registrationMet', userId: OID, tenantId: TENANT }, 'en-US')).resolves.toBeNull();
    expect(errors).toEqual(['registrationMet']);
  });
});
