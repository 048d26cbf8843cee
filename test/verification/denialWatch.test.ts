// The help desk hears of repeated "this wasn't me" denials exactly once, when the limit is reached.
import { DenialWatch } from '../../src/verification/denialWatch';
import { DEFAULT_ABUSE_POLICY } from '../../src/verification/abusePolicy';
import type { HelpDeskReport } from '../../src/ports/helpDesk';
import { createCoreHarness, PROFILE, T0 } from '../support/coreHarness';
import { VerificationService } from '../../src/verification/verificationService';
import { EffectRunner } from '../../src/serviceKit/effectRunner';
import { codePolicyFrom, createSecretOps } from '../../src/enrollment/enrollmentPolicy';
import { keyRenderer, testOrg, TEST_KEY } from '../support/coreHarness';
import { NotificationOutbox } from '../../src/telephony/outboxes';
import { seededRandom } from '../../src/security/random';

describe('denial watch', () => {
  it('when the third denial within the hour lands, then the help desk is told once; the fourth adds nothing', async () => {
    const h = createCoreHarness();
    const reports: HelpDeskReport[] = [];
    const watch = new DenialWatch({ challenges: h.stores.challenges, helpDesk: { report: async (r) => void reports.push(r) }, policy: DEFAULT_ABUSE_POLICY });
    const pending: Promise<void>[] = [];
    const random = seededRandom('watch');
    const service = new VerificationService({
      stores: h.stores,
      clock: h.clock,
      random,
      codes: codePolicyFrom(testOrg()),
      secrets: createSecretOps(TEST_KEY, random),
      organisationName: 'Signet Demo School',
      voiceMode: 'pressKey',
      effects: new EffectRunner({ telephony: h.outbox, mailer: h.outbox, notifier: new NotificationOutbox(), audit: h.stores.audit, render: keyRenderer, clock: h.clock }),
      onEnded: (c) => void pending.push(watch.onChallengeEnded(c)),
    });
    const input = { userId: PROFILE.id, clientId: 'vpn', method: 'voice' as const, target: '+14255550123', extension: null, context: { ip: null, application: 'VPN', location: null }, locale: 'en-US' };
    for (let i = 0; i < 4; i++) {
      const c = await service.start(input, 'api');
      h.clock.advance(60_000);
      await service.apply(c.id, { type: 'callKeyPressed', key: '0' }, 'voice');
      await Promise.all(pending);
      expect(reports).toHaveLength(i < 2 ? 0 : 1);
    }
    expect(reports[0]).toMatchObject({ userId: PROFILE.id, reason: 'repeatedDenials', kind: 'verification', channel: 'voice' });
    expect(h.clock.now()).toBeGreaterThan(T0);
  });
});
