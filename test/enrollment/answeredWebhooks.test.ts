// A webhook's answer saved with the enrollment it changed (EnrollmentService.applyAnswering): saved only when it is
// final at the save — an event that sends something is not recorded, since a refused send adds replies after it —
// and bounded, the newest kept.
import { createCoreHarness, keys, PROFILE, type CoreHarness } from '../support/coreHarness';
import { ANSWERED_WEBHOOKS_KEPT } from '../../src/domain/answeredWebhooks';

const TEAMS = { channel: 'teams' } as const;
const SMS = { channel: 'sms' } as const;

async function codeTexted(h: CoreHarness): Promise<string> {
  await h.enrollment.ensureUser(PROFILE);
  await h.enrollment.apply(PROFILE.id, { type: 'start', purpose: 'register', kind: 'mobilePhone' }, TEAMS);
  await h.enrollment.apply(PROFILE.id, { type: 'submitPhone', number: '+1 425 555 0123', delivery: 'sms' }, TEAMS);
  return h.lastCode();
}

describe('answers saved with the enrollment', () => {
  it('when a texted code is applied for a webhook, then its replies are saved with the record in the same save and found by the webhook id', async () => {
    const h = createCoreHarness();
    const code = await codeTexted(h);
    const before = (await h.stores.users.get(PROFILE.id))!.version;

    const { replies, recorded } = await h.enrollment.applyAnswering(PROFILE.id, { type: 'submitCode', code }, SMS, { id: 'sms:SM1', locale: 'es-US' });

    expect(recorded).toBe(true);
    expect(keys(replies)).toEqual(['enrollment.verified.phone']);
    const saved = await h.stores.users.findByAnsweredWebhook('sms:SM1');
    expect(saved?.version).toBe(before + 1);
    expect(saved?.methods).toHaveLength(1);
    expect(saved?.answeredWebhooks).toEqual([{ webhookId: 'sms:SM1', locale: 'es-US', replies }]);
  });

  it('when the event sends something (its refusal would add replies after the save), then the answer is not recorded', async () => {
    const h = createCoreHarness();
    await h.enrollment.ensureUser(PROFILE);
    await h.enrollment.apply(PROFILE.id, { type: 'start', purpose: 'register', kind: 'mobilePhone' }, TEAMS);
    h.outbox.refusals.set('+14255550123', { ok: false, failure: 'optedOut' });

    const { replies, recorded } = await h.enrollment.applyAnswering(PROFILE.id, { type: 'submitPhone', number: '+1 425 555 0123', delivery: 'sms' }, SMS, { id: 'sms:SM2', locale: 'en-US' });

    expect(recorded).toBe(false);
    expect(replies.length).toBeGreaterThan(0);
    await expect(h.stores.users.findByAnsweredWebhook('sms:SM2')).resolves.toBeNull();
  });

  it(`when more than ${ANSWERED_WEBHOOKS_KEPT} webhooks are answered, then the newest ${ANSWERED_WEBHOOKS_KEPT} are kept`, async () => {
    const h = createCoreHarness();
    await codeTexted(h);
    const total = ANSWERED_WEBHOOKS_KEPT + 2;
    for (let i = 1; i <= total; i++) {
      await h.enrollment.applyAnswering(PROFILE.id, { type: 'submitCode', code: 'abc' }, SMS, { id: `sms:SM${i}`, locale: 'en-US' });
    }
    const user = (await h.stores.users.get(PROFILE.id))!;
    expect(user.answeredWebhooks?.map((a) => a.webhookId)).toEqual(Array.from({ length: ANSWERED_WEBHOOKS_KEPT }, (_, i) => `sms:SM${i + 3}`));
    await expect(h.stores.users.findByAnsweredWebhook('sms:SM2')).resolves.toBeNull();
    await expect(h.stores.users.findByAnsweredWebhook(`sms:SM${total}`)).resolves.toMatchObject({ id: PROFILE.id });
  });
});
