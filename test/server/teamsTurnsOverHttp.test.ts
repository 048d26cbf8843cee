// Teams robustness over /api/messages (the real CloudAdapter): every invoke gets a non-5xx answer, an
// Action.Execute works like its Action.Submit, and many messages at once in one conversation — on one instance
// or two sharing the stores, in memory and on MongoDB — are each answered, never with "something went wrong".
import { MemoryStorage, type Storage } from 'botbuilder';
import { createCore } from '../../src/core';
import { SignetBot } from '../../src/channels/teams/signetBot';
import { systemClock } from '../../src/ports/clock';
import { createTeamsUseCases } from '../../src/channels/teams/teamsWiring';
import { NotificationOutbox, Outbox } from '../../src/telephony/outboxes';
import { createReplyRenderer } from '../../src/renderReply';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { createMongoStores, type MongoStores } from '../../src/stores/mongoStores';
import { createMongoBotStorage } from '../../src/stores/mongoBotStorage';
import type { Stores } from '../../src/ports/repositories';
import { freshDbName, mongoTestUri, recordingLogger } from '../support/mongo';
import { postJson, startFakeConnector, startTestApp, teamsMessage, type ReceivedCall, type TestApp } from './serverHarness';
import { submit, toSaid, type CardJson } from '../teams/teamsHarness';

type Connector = Awaited<ReturnType<typeof startFakeConnector>>;

const CONVERSATION = 'a:1conv@thread.tacv2;messageid=123';

/** A Signet whose bot uses the given user stores and dialog-state storage (several may share both). */
function startApp(stores: Stores, storage: Storage): Promise<TestApp> {
  return startTestApp({
    stores,
    handler: ({ i18n, config, logger }) => {
      const outbox = new Outbox();
      const core = createCore({ config, stores, telephony: outbox, mailer: outbox, notifier: new NotificationOutbox(), render: createReplyRenderer(i18n) });
      return new SignetBot({ i18n, org: config.org, enrollment: core.enrollment, ...createTeamsUseCases({ stores, enrollment: core.enrollment, clock: systemClock }), storage, authEnabled: false, logger });
    },
  });
}

const textOf = (call: ReceivedCall): string => {
  const card = (call.body['attachments'] as Array<{ content?: { fallbackText?: string } }> | undefined)?.[0]?.content;
  return [call.body['text'], card?.fallbackText].filter((t) => typeof t === 'string').join('\n');
};

/** The id of the activity a reply answers (the Bot Connector's reply-to URL ends with it). */
const repliedTo = (call: ReceivedCall): string => decodeURIComponent(call.path.split('/activities/')[1] ?? '');

const WORDS = ['mobile phone', 'back', 'email', 'cancel', 'set up MFA', '+1 425 555 0123', 'help', 'my methods'];

/** Sends `count` messages at once, spread over the apps, and checks each was answered and none with the apology. */
async function flood(apps: readonly TestApp[], connector: Connector, count: number): Promise<void> {
  await postJson(apps[0]!.url, '/api/messages', teamsMessage(connector.url, { id: 'first', text: 'set up MFA' }));
  const ids = Array.from({ length: count }, (_, i) => `flood-${i}`);
  const results = await Promise.all(ids.map((id, i) => postJson(apps[i % apps.length]!.url, '/api/messages', teamsMessage(connector.url, { id, text: WORDS[i % WORDS.length] }))));
  expect(results.map((r) => r.status)).toEqual(ids.map(() => 200));
  const replies = connector.received.filter((c) => c.method === 'POST');
  const unexpected = apps[0]!.i18n.t('en-US', 'common.unexpectedError');
  expect(replies.map(textOf).filter((t) => t.includes(unexpected))).toEqual([]);
  const answered = new Set(replies.map(repliedTo));
  expect(ids.filter((id) => !answered.has(id))).toEqual([]);
  for (const app of apps) expect(app.logs.filter((l) => l['msg'] === 'bot turn failed')).toEqual([]);
}

describe('Teams invokes over HTTP', () => {
  let connector: Connector;
  let app: TestApp;
  beforeEach(async () => {
    connector = await startFakeConnector();
    app = await startApp(createMemoryStores(), new MemoryStorage());
  });
  afterEach(async () => {
    await app.close();
    await connector.close();
  });

  const invoke = (name: string, value: unknown, id = `invoke-${Math.random()}`) => postJson(app.url, '/api/messages', teamsMessage(connector.url, { type: 'invoke', name, value, id, text: undefined }));

  it('when an Action.Execute carries the data of a method choice, then the enrollment advances like the submit and the invoke gets a card response', async () => {
    await postJson(app.url, '/api/messages', teamsMessage(connector.url, { id: 'm1', text: 'set up MFA' }));
    const card = connector.received.map((c) => (c.body['attachments'] as Array<{ content: CardJson }> | undefined)?.[0]?.content).filter(Boolean).pop()!;
    // The method list's Continue with "mobile phone" picked, as the client merges it.
    const phone = { data: submit([toSaid({ attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] })], app.i18n.t('en-US', 'teams.methodLabels.mobilePhone')) };
    const before = connector.received.length;

    const res = await invoke('adaptiveCard/action', { action: { type: 'Action.Execute', verb: 'choose', data: phone.data }, trigger: 'manual' });

    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: expect.objectContaining({ type: 'AdaptiveCard', body: [expect.objectContaining({ text: app.i18n.t('en-US', 'teams.cardAnswered') })] }) });
    const said = connector.received.slice(before).map(textOf).join('\n');
    expect(said).toContain(app.i18n.t('en-US', 'enrollment.phone.askNumber', { country: 'US' }));
  });

  it('when an adaptiveCard/action is not a usable Action.Execute, then it is refused with 400, not a server error', async () => {
    const res = await invoke('adaptiveCard/action', { action: { type: 'Action.Submit' } });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
  });

  it('when Teams sends invokes this app does not handle, then each gets 200 with no effect and its name is logged once', async () => {
    const names = ['composeExtension/query', 'task/fetch', 'signin/verifyState', 'fileConsent/invoke', 'something/unknown', 'task/fetch', 'composeExtension/query'];
    for (const name of names) {
      const res = await invoke(name, { secretish: 'payload-123456' });
      expect(res.status).toBe(200);
    }
    expect(connector.received.filter((c) => c.method === 'POST')).toEqual([]);
    const logged = app.logs.filter((l) => String(l['msg']).startsWith('Teams invoke not handled')).map((l) => l['invokeName']);
    expect(logged).toEqual(['composeExtension/query', 'task/fetch', 'signin/verifyState', 'fileConsent/invoke', 'something/unknown']);
    expect(app.logText()).not.toContain('payload-123456');
  });
});

describe('many messages at once in one conversation, in memory', () => {
  let connector: Connector;
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    await connector.close();
  });

  it('when 100 messages arrive at once, then each is answered and none with "something went wrong"', async () => {
    connector = await startFakeConnector();
    apps.push(await startApp(createMemoryStores(), new MemoryStorage()));
    await flood(apps, connector, 100);
  }, 120_000);

  it('when two instances share the stores and race on one conversation, then no reply is the unexpected-error apology', async () => {
    connector = await startFakeConnector();
    const stores = createMemoryStores();
    const storage = new MemoryStorage();
    apps.push(await startApp(stores, storage), await startApp(stores, storage));
    await flood(apps, connector, 40);
  }, 120_000);
});

describe('many messages at once in one conversation, on MongoDB', () => {
  const dbName = freshDbName('teamsturns');
  let connector: Connector;
  let stores: MongoStores;
  const apps: TestApp[] = [];
  beforeAll(async () => {
    stores = await createMongoStores({ uri: mongoTestUri(), dbName, logger: recordingLogger(), indexes: 'manual' });
    await stores.ensureIndexes();
  });
  beforeEach(async () => {
    await stores.db.collection('botState').deleteMany({});
    connector = await startFakeConnector();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    await connector.close();
  });
  afterAll(async () => {
    await stores.db.dropDatabase();
    await stores.close();
  });

  it('when 100 messages arrive at once with MongoDB bot storage, then each is answered and none with "something went wrong"', async () => {
    apps.push(await startApp(stores, createMongoBotStorage(stores.db)));
    await flood(apps, connector, 100);
  }, 180_000);

  it('when two instances on one database race on one conversation, then no reply is the unexpected-error apology', async () => {
    apps.push(await startApp(stores, createMongoBotStorage(stores.db)), await startApp(stores, createMongoBotStorage(stores.db)));
    await flood(apps, connector, 40);
  }, 180_000);
});

it('the conversation id the harness uses is the one replies go to', () => {
  expect(teamsMessage('http://x/')['conversation']).toMatchObject({ id: CONVERSATION });
});
