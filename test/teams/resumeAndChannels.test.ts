// The enrollment state lives in the user record, not in dialog state: a new adapter and a new bot (another
// process) on the same store resume mid-flow — in memory and on MongoDB with the MongoDB bot storage — and a
// code sent back by SMS completes what Teams started, with a notice for the Teams conversation.
import { MemoryStorage } from 'botbuilder';
import { createMongoStores, type MongoStores } from '../../src/stores/mongoStores';
import { createMongoBotStorage } from '../../src/stores/mongoBotStorage';
import { nextMethodActivity } from '../../src/channels/teams/nextMethodCard';
import { createCoreHarness } from '../support/coreHarness';
import { freshDbName, mongoTestUri, recordingLogger } from '../support/mongo';
import { allText, createTeamsHarness, submit } from './teamsHarness';

describe('resuming mid-flow', () => {
  it('when a new adapter and a new bot use the same store, then the code typed there completes the phone', async () => {
    const first = await createTeamsHarness();
    const chat = first.chat('en-GB');
    await chat.say('set up MFA');
    await chat.say('mobile phone');
    await chat.say('+1 425 555 0123');
    await chat.say('text me');
    const code = first.core.lastCode();

    // Another process: its own bot, dialog storage and adapter; only the user store is shared.
    const second = await createTeamsHarness({ core: first.core, storage: new MemoryStorage() });
    const done = await second.chat('en-GB').say(code);
    expect(allText(done)).toContain(first.i18n.t('en-GB', 'enrollment.verified.phone', { phone: '+1 425 555 0123' }));
  });

  it('when the conversation resumes with a stale card after a restart, then it is answered with the current prompt', async () => {
    const first = await createTeamsHarness();
    const chat = first.chat('en-US');
    const choose = await chat.say('set up MFA');
    await chat.say('mobile phone');
    const second = await createTeamsHarness({ core: first.core, storage: new MemoryStorage() });
    const stale = await second.chat('en-US').say(submit(choose, first.i18n.t('en-US', 'teams.methodLabels.authenticatorApp')));
    expect(allText(stale)).toContain(first.i18n.t('en-US', 'teams.staleCard'));
    expect(allText(stale)).toContain(first.i18n.t('en-US', 'enrollment.phone.askNumber', { country: 'US' }));
  });

  it('when the code is sent back by SMS, then the enrollment completes and the Teams conversation is notified', async () => {
    const h = await createTeamsHarness();
    const chat = h.chat('en-US');
    await chat.say('set up MFA');
    await chat.say('mobile phone');
    await chat.say('+1 425 555 0123');
    await chat.say('text me');
    await h.core.enrollment.apply('user-1', { type: 'submitCode', code: h.core.lastCode() }, { channel: 'sms' });
    expect(h.core.notifications.items).toContainEqual({ userId: 'user-1', channel: 'teams', message: { key: 'enrollment.verified.phone', params: { phone: '+1 425 555 0123' } } });
    // Back in Teams, the open phone step is gone: what the person types now is read afresh.
    const next = await chat.say('my methods');
    expect(allText(next)).toContain(h.i18n.t('en-US', 'teams.manage.intro'));
    expect(allText(next)).toContain('+1 ••• ••• ••23');
  });
});

describe('the authenticator app after a restart', () => {
  it('when the person comes back to the app step in a new process, then the QR code is shown again', async () => {
    const first = await createTeamsHarness();
    const chat = first.chat('en-US');
    await chat.say('set up MFA');
    const shown = await chat.say('authenticator app');
    expect(JSON.stringify(shown)).toContain('data:image/png;base64,');
    const second = await createTeamsHarness({ core: first.core, storage: new MemoryStorage() });
    const again = await second.chat('en-US').say('help');
    expect(again.some((r) => JSON.stringify(r).includes('data:image/png;base64,'))).toBe(true);
  });
});

describe('the next method after another channel finished one', () => {
  it('when the notice\'s "Set up this method" button is pressed, then registration continues at method 2 of 2', async () => {
    const h = await createTeamsHarness();
    const chat = h.chat('en-GB');
    await chat.say('set up MFA');
    await chat.say('mobile phone');
    await chat.say('+44 7911 123456');
    await chat.say('text me');
    await h.core.enrollment.apply('user-1', { type: 'submitCode', code: h.core.lastCode() }, { channel: 'sms' });
    const progress = h.core.notifications.items.find((n) => n.message.key === 'enrollment.progress.more')!;
    const render = (locale: string, r: { key: string; params?: Readonly<Record<string, string | number>> }) => h.i18n.t(locale, r.key, r.params);
    const notice = nextMethodActivity(render, 'en-GB', progress.message)!;
    const card = notice.attachments![0]!.content as { actions: Array<{ title: string; data: Record<string, unknown> }> };
    // One button under the drop-down of what may come next; with no method picked it still reaches the choice.
    expect(card.actions.map((a) => a.title)).toEqual([h.i18n.t('en-GB', 'teams.buttons.setUpChosen')]);
    const next = await chat.say(card.actions[0]!.data);
    expect(allText(next)).toContain(h.i18n.t('en-GB', 'enrollment.chooseMethod', { position: 2, required: 2 }));
  });
});

describe('resuming mid-flow on MongoDB', () => {
  const dbName = freshDbName('teams');
  const opened: MongoStores[] = [];
  const open = async (): Promise<MongoStores> => {
    const stores = await createMongoStores({ uri: mongoTestUri(), dbName, logger: recordingLogger(), indexes: 'manual' });
    await stores.ensureIndexes();
    opened.push(stores);
    return stores;
  };
  afterAll(async () => {
    const last = opened[opened.length - 1];
    if (last) await last.db.dropDatabase();
    await Promise.all(opened.map((s) => s.close()));
  });

  it('when the first process stops after the code was sent, then a second one on the same database finishes it', async () => {
    const storesA = await open();
    const coreA = createCoreHarness({ stores: storesA, seed: 'a' });
    const first = await createTeamsHarness({ core: coreA, storage: createMongoBotStorage(storesA.db) });
    const chat = first.chat('en-US');
    await chat.say('set up MFA');
    await chat.say('cell phone');
    await chat.say('+1 425 555 0123');
    const card = await chat.say('text me');
    expect(allText(card)).toContain(first.i18n.t('en-US', 'enrollment.phone.enterCode'));
    const code = coreA.lastCode();
    await storesA.close();

    const storesB = await open();
    const second = await createTeamsHarness({ core: createCoreHarness({ stores: storesB, seed: 'b' }), storage: createMongoBotStorage(storesB.db) });
    const done = await second.chat('en-US').say(code);
    expect(allText(done)).toContain(first.i18n.t('en-US', 'enrollment.verified.phone', { phone: '+1 425 555 0123' }));
    expect((await storesB.users.get('user-1'))!.methods.map((m) => m.kind)).toEqual(['mobilePhone']);
  });
});
