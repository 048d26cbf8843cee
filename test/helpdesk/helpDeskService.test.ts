// Help-desk use cases: members only (refusals audited), look-up with masked methods and recent outcomes,
// Temporary Access Pass issue/replace/revoke (never for oneself), unlock, and re-registration.
import { HelpDeskService, type Requester } from '../../src/helpdesk/helpDeskService';
import { checkTemporaryAccessPass } from '../../src/helpdesk/temporaryAccessPass';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { createMemoryVerificationStores } from '../../src/stores/memoryVerificationStores';
import { seededRandom } from '../../src/security/random';
import { FixedClock } from '../../src/ports/clock';
import { PROFILE, T0, testPolicy } from '../support/coreHarness';

const KEY = Buffer.alloc(32, 8);
const AGENT: Requester = { id: 'agent-1', upn: 'Agent.One@signet-demo.example', channel: 'helpdesk' };
const STRANGER: Requester = { id: 'someone', upn: 'someone@signet-demo.example', channel: 'teams' };

async function setup() {
  const stores = createMemoryStores();
  const verificationStores = createMemoryVerificationStores();
  const clock = new FixedClock(T0);
  const user = await stores.users.create(PROFILE, T0);
  await stores.users.replace({
    ...user,
    methods: [
      { kind: 'mobilePhone', id: 'm1', number: '+14255550123', createdAt: T0 },
      { kind: 'email', id: 'e1', address: 'jane.home@example.com', createdAt: T0 },
    ],
    defaultMethodId: 'm1',
  });
  await stores.users.create({ id: 'agent-1', tenantId: null, upn: AGENT.upn, displayName: 'Agent', locale: 'en-GB' }, T0);
  const service = new HelpDeskService({
    stores,
    verificationStores,
    clock,
    random: seededRandom('hd'),
    passKey: KEY,
    policy: testPolicy().registration,
    members: ['agent.one@signet-demo.example'],
    defaultCountry: 'US',
  });
  return { stores, verificationStores, clock, service };
}

describe('help desk', () => {
  it('when a non-member tries anything, then it is refused politely and the attempt is audited', async () => {
    const { service, stores } = await setup();
    expect(await service.lookUp(STRANGER, PROFILE.upn)).toEqual({ kind: 'notMember' });
    expect(await service.issuePass(STRANGER, PROFILE.upn)).toEqual({ kind: 'notMember' });
    const audit = await stores.audit.listForUser('someone', 5);
    expect(audit.map((a) => [a.action, a.details?.['attempted']])).toEqual([
      ['helpdesk:refusedNotMember', 'helpdesk:issuePass'],
      ['helpdesk:refusedNotMember', 'helpdesk:lookUp'],
    ]);
  });

  it('when a member looks a person up, then methods are masked and recent outcomes listed', async () => {
    const { service } = await setup();
    const result = await service.lookUp(AGENT, ' JANE.DOE@signet-demo.example ');
    expect(result).toMatchObject({
      kind: 'found',
      person: {
        upn: PROFILE.upn,
        meetsPolicy: true,
        methods: [
          { kind: 'mobilePhone', label: '+1 ••• ••• ••23', isDefault: true },
          { kind: 'email', label: 'ja•••@example.com', isDefault: false },
        ],
        recentVerifications: [],
        pass: null,
      },
    });
    expect(JSON.stringify(result)).not.toContain('4255550123');
    expect(await service.lookUp(AGENT, 'nobody@example.com')).toEqual({ kind: 'notFound' });
  });

  it('when the person reset their password themselves, then the look-up lists it with how they were verified and from where', async () => {
    const { service, stores } = await setup();
    await stores.audit.append({ userId: PROFILE.id, actor: 'self-service', action: 'reset:started', channel: 'web', details: { sessionId: 's1' } }, T0);
    await stores.audit.append({ userId: PROFILE.id, actor: 'self-service', action: 'reset:passwordChanged', channel: 'web', details: { sessionId: 's1', verifiedBy: 'sms,questions', via: 'web', ip: '203.0.113.9' } }, T0 + 1000);
    const result = await service.lookUp(AGENT, PROFILE.upn);
    if (result.kind !== 'found') throw new Error('not found');
    expect(result.person.recentResets).toEqual([{ action: 'reset:passwordChanged', verifiedBy: 'sms,questions', via: 'web', ip: '203.0.113.9', at: T0 + 1000 }]);
  });

  it('when a pass is issued, then it is shown once, works, replaces the old one, and is audited with who did it', async () => {
    const { service, verificationStores, stores, clock } = await setup();
    const first = await service.issuePass(AGENT, PROFILE.upn);
    const second = await service.issuePass(AGENT, PROFILE.upn, { lifetimeMs: 2 * 60 * 60_000, oneTime: false });
    if (first.kind !== 'issued' || second.kind !== 'issued') throw new Error('not issued');
    expect(second).toMatchObject({ expiresAt: T0 + 2 * 60 * 60_000, oneTime: false });
    const stored = (await verificationStores.passes.getForUser(PROFILE.id))!;
    expect(checkTemporaryAccessPass(stored, first.passcode, clock.now(), KEY)).toBe('wrong');
    expect(checkTemporaryAccessPass(stored, second.passcode, clock.now(), KEY)).toBe('valid');
    const audit = await stores.audit.listForUser(PROFILE.id, 5);
    expect(audit[0]).toMatchObject({ action: 'helpdesk:passIssued', actor: 'agent-1', channel: 'helpdesk' });
    expect(JSON.stringify(audit)).not.toContain(second.passcode);
  });

  it('when a member issues a pass for themselves, then it is refused', async () => {
    const { service } = await setup();
    expect(await service.issuePass(AGENT, AGENT.upn)).toEqual({ kind: 'selfIssue' });
  });

  it('when a lifetime is out of range, then it is refused', async () => {
    const { service } = await setup();
    expect(await service.issuePass(AGENT, PROFILE.upn, { lifetimeMs: 5 * 60_000 })).toEqual({ kind: 'lifetimeOutOfRange' });
  });

  it('when a pass is revoked, then it stops working; a second revoke finds none', async () => {
    const { service, verificationStores, clock } = await setup();
    const issued = await service.issuePass(AGENT, PROFILE.upn);
    if (issued.kind !== 'issued') throw new Error('not issued');
    expect(await service.revokePass(AGENT, PROFILE.upn)).toEqual({ kind: 'revoked' });
    expect(await service.revokePass(AGENT, PROFILE.upn)).toEqual({ kind: 'noPass' });
    expect(checkTemporaryAccessPass((await verificationStores.passes.getForUser(PROFILE.id))!, issued.passcode, clock.now(), KEY)).toBe('revoked');
  });

  it('when re-registration is required, then every method goes and the person no longer meets the policy', async () => {
    const { service, stores } = await setup();
    expect(await service.requireReRegistration(AGENT, PROFILE.upn)).toEqual({ kind: 'done', removed: 2 });
    const user = (await stores.users.get(PROFILE.id))!;
    expect(user.methods).toEqual([]);
    expect(user.defaultMethodId).toBeNull();
    expect((await stores.audit.listForUser(PROFILE.id, 1))[0]).toMatchObject({ action: 'helpdesk:reRegistrationRequired', actor: 'agent-1' });
  });

  it('when a member unlocks a person, then the unlock is recorded', async () => {
    const { service, verificationStores, clock } = await setup();
    expect(await service.unlockVerifications(AGENT, PROFILE.upn)).toEqual({ kind: 'unlocked' });
    expect(await verificationStores.unlocks.lastUnlock(PROFILE.id)).toBe(clock.now());
  });
});
