// Turns that race on dialog state with another instance: a turn that changed nothing is re-run on the fresh
// state (so the other instance's state is not overwritten with a stale one) and says its replies once; a turn
// that changed the record is never re-run. A fault thrown inside a dialog reaches the person as its own message.
import { MemoryStorage, type Storage, type StoreItems } from 'botbuilder';
import { createTurnErrorHandler } from '../../src/channels/teams/signetBot';
import { ConcurrentUpdateError } from '../../src/serviceKit/compareAndSet';
import { createLogger } from '../../src/logging/logger';
import { allText, createTeamsHarness } from './teamsHarness';

/** A storage where, once armed, another instance saves this conversation just before our next write. */
function racingStorage(inner: Storage = new MemoryStorage()): Storage & { arm(): void; races: number; raced: string } {
  let armed = false;
  const storage = {
    races: 0,
    raced: '',
    arm: () => void (armed = true),
    read: (keys: string[]) => inner.read(keys),
    delete: (keys: string[]) => inner.delete(keys),
    async write(changes: StoreItems) {
      const key = Object.keys(changes).find((k) => k.includes('/conversations/'));
      if (armed && key) {
        armed = false;
        storage.races += 1;
        storage.raced = key;
        const current = (await inner.read([key]))[key] ?? {};
        await inner.write({ [key]: { ...current, otherInstance: 'was here', eTag: '*' } });
      }
      return inner.write(changes);
    },
  };
  return storage;
}

describe('a turn that lost the dialog-state race to another instance', () => {
  it('when the turn changed nothing, then it is run again on the fresh state and its replies are said once', async () => {
    const storage = racingStorage();
    const h = await createTeamsHarness({ storage });
    const chat = h.chat('en-US');
    await chat.say('set up MFA');
    const baseline = await chat.say('help');
    storage.arm();
    const raced = await chat.say('help');
    expect(storage.races).toBe(1);
    expect(raced.map((s) => s.text)).toEqual(baseline.map((s) => s.text));
    // The other instance's save survives: this turn was re-run on it instead of overwriting it.
    expect((await storage.read([storage.raced]))[storage.raced]).toMatchObject({ otherInstance: 'was here' });
  });

  it('when the turn changed the enrollment, then it is not run again: the event is applied once and said once', async () => {
    const storage = racingStorage();
    const h = await createTeamsHarness({ storage });
    const chat = h.chat('en-US');
    await chat.say('set up MFA');
    const apply = jest.spyOn(h.core.enrollment, 'applyReturningUser');
    storage.arm();
    const said = await chat.say('mobile phone');
    expect(storage.races).toBe(1);
    expect(apply).toHaveBeenCalledTimes(1);
    const ask = h.i18n.t('en-US', 'enrollment.phone.askNumber', { country: 'US' });
    expect(allText(said).split(ask)).toHaveLength(2);
    // The conversation goes on from the step the record is at.
    expect(allText(await chat.say('+1 425 555 0123'))).toContain(h.i18n.t('en-US', 'teams.buttons.textMe'));
  });
});

describe('a fault inside a dialog', () => {
  it('when the record kept changing while a dialog applied an event, then the person reads the busy message, not "something went wrong"', async () => {
    const h = await createTeamsHarness();
    const chat = h.chat('en-GB');
    chat.adapter.onTurnError = createTurnErrorHandler({ logger: createLogger({ level: 'error', sink: () => undefined }), i18n: h.i18n, resetDialogs: (c) => h.bot.resetDialogs(c) });
    await chat.say('set up MFA');
    jest.spyOn(h.core.enrollment, 'applyReturningUser').mockRejectedValueOnce(new ConcurrentUpdateError());
    const said = await chat.say('mobile phone');
    expect(allText(said)).toBe(h.i18n.t('en-GB', 'common.busy'));
  });
});
