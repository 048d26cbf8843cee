// What one Teams turn reads and writes beyond what it must: the user record is read once (the dialogs share the
// turn's copy and the record each save returns), and the conversation reference is written only when it changed,
// judged from the copy kept in the conversation's dialog state (so another instance sees it too).
import { MemoryStorage } from 'botbuilder';
import { createCoreHarness } from '../support/coreHarness';
import { generateTotp } from '../../src/security/totp';
import { allText, createTeamsHarness, secretShown } from './teamsHarness';

describe('reads and writes of a Teams turn', () => {
  it('when a turn moves the enrollment on, then the user record is read once and the step shown is the saved one', async () => {
    const h = await createTeamsHarness();
    const chat = h.chat('en-US');
    await chat.say('set up MFA');
    await chat.say('cell phone');
    await chat.say('+1 425 555 0123');
    const reads = jest.spyOn(h.core.stores.users, 'get');
    const said = await chat.say('text me');
    expect(allText(said)).toContain(h.i18n.t('en-US', 'enrollment.phone.enterCode'));
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('when a write does not hand back the record (a method removed), then the turn reads it again and shows the change', async () => {
    const h = await createTeamsHarness();
    const chat = h.chat('en-US');
    await chat.say('set up MFA');
    const app = await chat.say('authenticator app');
    await chat.say(generateTotp(secretShown(app), h.core.clock.now()));
    await chat.say('2'); // the alternate phone
    await chat.say('+1 425 555 0123');
    await chat.say('text me');
    await chat.say(h.core.lastCode());
    expect(allText(await chat.say('my methods'))).toContain('+1 ••• ••• ••23');
    await chat.say('remove 2');
    const reads = jest.spyOn(h.core.stores.users, 'get');
    const removed = allText(await chat.say('yes'));
    expect(removed).toContain(h.i18n.t('en-US', 'manage.remove.done', { method: h.i18n.t('en-US', 'methods.alternatePhone') }));
    // The list shown after the removal is the record as saved, not the turn's earlier copy.
    expect(removed).not.toContain('+1 ••• ••• ••23');
    expect(reads.mock.calls.length).toBeGreaterThanOrEqual(2);
  });

  it('when the same conversation sends several messages, then its reference is saved once, and again when it changes', async () => {
    const h = await createTeamsHarness();
    const saves = jest.spyOn(h.core.stores.conversations, 'save');
    const chat = h.chat('en-US');
    await chat.say('help');
    await chat.say('hello');
    await chat.say('set up MFA');
    expect(saves).toHaveBeenCalledTimes(1);
    // The same conversation in another language: the notices must follow it.
    await h.chat('en-GB').say('hello');
    expect(saves).toHaveBeenCalledTimes(2);
    expect(JSON.parse((await h.core.stores.conversations.get('user-1', 'teams'))!.reference)).toMatchObject({ locale: 'en-GB' });
  });

  it('when two instances share the dialog state, then the second does not save a reference the first saved', async () => {
    const core = createCoreHarness();
    const storage = new MemoryStorage();
    const first = await createTeamsHarness({ core, storage });
    const second = await createTeamsHarness({ core, storage });
    const saves = jest.spyOn(core.stores.conversations, 'save');
    await first.chat('en-US').say('hello');
    await second.chat('en-US').say('hello');
    expect(saves).toHaveBeenCalledTimes(1);
    expect(await core.stores.conversations.get('user-1', 'teams')).not.toBeNull();
  });

  it('when the dialog state is lost, then the reference is saved again', async () => {
    const core = createCoreHarness();
    const saves = jest.spyOn(core.stores.conversations, 'save');
    await (await createTeamsHarness({ core })).chat('en-US').say('hello');
    await (await createTeamsHarness({ core, storage: new MemoryStorage() })).chat('en-US').say('hello');
    expect(saves).toHaveBeenCalledTimes(2);
  });
});
