// The person's language choice as a use case: saved on their record with the compare-and-set loop, once.
import { ChooseLanguage } from '../../src/app/chooseLanguage';
import { createCoreHarness, PROFILE, T0 } from '../support/coreHarness';

describe('ChooseLanguage', () => {
  it('when a person chooses Spanish, then their record says es-US, chosen, and a second identical choice writes nothing', async () => {
    const core = createCoreHarness();
    const created = await core.enrollment.ensureUser(PROFILE);
    const languages = new ChooseLanguage({ users: core.stores.users, clock: core.clock });
    core.clock.advance(1_000);
    const saved = await languages.choose(PROFILE.id, 'es-US');
    expect(saved).toMatchObject({ locale: 'es-US', localeChosen: true, version: created.version + 1, updatedAt: T0 + 1_000 });
    expect(await core.stores.users.get(PROFILE.id)).toMatchObject({ locale: 'es-US', localeChosen: true });
    const again = await languages.choose(PROFILE.id, 'es-US');
    expect(again?.version).toBe(saved!.version);
  });

  it('when the person chooses the language their record already has from Teams, then it is still marked as chosen', async () => {
    const core = createCoreHarness();
    await core.enrollment.ensureUser(PROFILE);
    const saved = await new ChooseLanguage({ users: core.stores.users, clock: core.clock }).choose(PROFILE.id, 'en-US');
    expect(saved).toMatchObject({ locale: 'en-US', localeChosen: true });
  });

  it('when another write lands between the read and the save, then the choice is saved on top of it, not lost', async () => {
    const core = createCoreHarness();
    const stale = await core.enrollment.ensureUser(PROFILE);
    await core.stores.users.replace({ ...stale, displayName: 'Renamed' });
    const saved = await new ChooseLanguage({ users: core.stores.users, clock: core.clock }).choose(PROFILE.id, 'es-US', stale);
    expect(saved).toMatchObject({ locale: 'es-US', displayName: 'Renamed', version: stale.version + 2 });
  });

  it('when nobody has this id, then nothing is written and null comes back', async () => {
    const core = createCoreHarness();
    expect(await new ChooseLanguage({ users: core.stores.users, clock: core.clock }).choose('nobody', 'es-US')).toBeNull();
  });
});
