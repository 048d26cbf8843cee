// The development outbox keeps only the newest items; production without SMTP refuses mail instead of
// pretending to send it.
import { Outbox, UnavailableMailer } from '../../src/telephony/outboxes';

const purpose = { kind: 'enrollment', userId: 'u', refId: 'r' } as const;

describe('outboxes', () => {
  it('when more than its capacity is sent, then the oldest items are dropped', async () => {
    const outbox = new Outbox();
    for (let i = 0; i < Outbox.CAPACITY + 20; i++) await outbox.sendSms({ to: '+14255550123', body: `n${i}`, locale: 'en-US', purpose });
    expect(outbox.items).toHaveLength(Outbox.CAPACITY);
    expect(outbox.items[0]).toMatchObject({ body: 'n20' });
    expect(outbox.last('sms')).toMatchObject({ body: `n${Outbox.CAPACITY + 19}` });
  });

  it('when mail cannot be delivered in production, then it is refused as unavailable', async () => {
    await expect(new UnavailableMailer().sendMail()).resolves.toEqual({ ok: false, failure: 'unavailable' });
  });
});
