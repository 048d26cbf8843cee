// The Teams turn's first two use cases on memory stores and a fixed clock: the person recognised (created once, on
// first contact, from the profile the channel vouches for) and the conversation reference remembered for notices.
import { ChooseLanguage } from '../../src/app/chooseLanguage';
import { RecognisePerson } from '../../src/app/recognisePerson';
import { RememberConversation } from '../../src/app/rememberConversation';
import { createCoreHarness, PROFILE, T0 } from '../support/coreHarness';

describe('RecognisePerson', () => {
  it('when someone writes for the first time, then their record is created from the first-contact profile', async () => {
    const core = createCoreHarness();
    const people = new RecognisePerson({ users: core.stores.users, enrollment: core.enrollment, clock: core.clock });
    const user = await people.recognise(PROFILE.id, async () => ({ ...PROFILE, upn: 'from.roster@signet-demo.example', displayName: 'From Roster' }));
    expect(user).toMatchObject({ id: PROFILE.id, upn: 'from.roster@signet-demo.example', displayName: 'From Roster', methods: [] });
    expect(await core.stores.users.get(PROFILE.id)).toMatchObject({ upn: 'from.roster@signet-demo.example' });
  });

  it('when someone known writes again, then their record is returned as stored and the first-contact profile is never asked for', async () => {
    const core = createCoreHarness();
    const stored = await core.enrollment.ensureUser(PROFILE);
    const people = new RecognisePerson({ users: core.stores.users, enrollment: core.enrollment, clock: core.clock });
    let asked = 0;
    const user = await people.recognise(PROFILE.id, async () => {
      asked++;
      return { ...PROFILE, upn: 'someone.else@signet-demo.example' };
    });
    expect(asked).toBe(0);
    expect(user).toEqual(stored);
  });

  it('when the channel reports another language and the person chose none, then the record follows it (texts and calls too)', async () => {
    const core = createCoreHarness();
    const stored = await core.enrollment.ensureUser({ ...PROFILE, locale: 'en-US' });
    const people = new RecognisePerson({ users: core.stores.users, enrollment: core.enrollment, clock: core.clock });
    core.clock.advance(1000);
    const user = await people.recognise(PROFILE.id, async () => PROFILE, 'es-US');
    expect(user).toMatchObject({ locale: 'es-US', updatedAt: T0 + 1000 });
    expect(user.localeChosen).toBeUndefined();
    expect(await core.stores.users.get(PROFILE.id)).toMatchObject({ locale: 'es-US', version: stored.version + 1 });
  });

  it('when the channel reports the language already on the record, then nothing is written', async () => {
    const core = createCoreHarness();
    const stored = await core.enrollment.ensureUser({ ...PROFILE, locale: 'en-US' });
    const people = new RecognisePerson({ users: core.stores.users, enrollment: core.enrollment, clock: core.clock });
    expect(await people.recognise(PROFILE.id, async () => PROFILE, 'en-US')).toEqual(stored);
    expect(await core.stores.users.get(PROFILE.id)).toEqual(stored);
  });

  it("when the person chose a language themselves, then the channel's language never replaces it", async () => {
    const core = createCoreHarness();
    await core.enrollment.ensureUser({ ...PROFILE, locale: 'en-US' });
    const chosen = (await new ChooseLanguage({ users: core.stores.users, clock: core.clock }).choose(PROFILE.id, 'es-US'))!;
    const people = new RecognisePerson({ users: core.stores.users, enrollment: core.enrollment, clock: core.clock });
    expect(await people.recognise(PROFILE.id, async () => PROFILE, 'en-US')).toEqual(chosen);
    expect(await core.stores.users.get(PROFILE.id)).toMatchObject({ locale: 'es-US', localeChosen: true });
  });
});

describe('RememberConversation', () => {
  it('when a conversation is remembered, then it is kept for Teams at the clock time, and the newest one wins', async () => {
    const core = createCoreHarness();
    const conversations = new RememberConversation({ conversations: core.stores.conversations, clock: core.clock });
    await conversations.remember('u1', '{"conversation":{"id":"a"}}');
    core.clock.advance(60_000);
    await conversations.remember('u1', '{"conversation":{"id":"b"}}');
    expect(await core.stores.conversations.get('u1', 'teams')).toEqual({ userId: 'u1', channel: 'teams', reference: '{"conversation":{"id":"b"}}', updatedAt: T0 + 60_000 });
  });
});
