// The Teams approval card and the help desk over HTTP, wired as src/index.ts wires them (the verification API's
// stores and pass key shared with the help desk): the card reaches the local Bot Connector proactively when a
// challenge starts through the API or the service, its buttons posted back to /api/messages end the challenge
// once, and a passcode issued in Teams approves a sign-in through the API's tap method.
import { MemoryStorage } from 'botbuilder';
import type { Server } from 'restify';
import { createCore, type Core } from '../../src/core';
import { SignetBot } from '../../src/channels/teams/signetBot';
import { createTeamsUseCases } from '../../src/channels/teams/teamsWiring';
import { TeamsNotifier, type TeamsNotifierDeps } from '../../src/channels/teams/teamsNotifier';
import { createMemoryVerificationStores } from '../../src/stores/memoryVerificationStores';
import { createVerificationApi, type VerificationApi } from '../../src/api/verificationWiring';
import { newApiClient } from '../../src/security/apiClientCredentials';
import { HelpDeskService } from '../../src/helpdesk/helpDeskService';
import { enrollmentPolicyFrom } from '../../src/enrollment/enrollmentPolicy';
import { createLogger } from '../../src/logging/logger';
import { Outbox } from '../../src/telephony/outboxes';
import { createReplyRenderer } from '../../src/renderReply';
import { deriveKey } from '../../src/security/derivedKeys';
import { cryptoRandom } from '../../src/security/random';
import { systemClock } from '../../src/ports/clock';
import { createMemoryStores } from '../../src/stores/memoryStores';
import type { Stores } from '../../src/ports/repositories';
import { postJson, request, startFakeConnector, startTestApp, teamsMessage, type HttpResult, type ReceivedCall, type TestApp } from './serverHarness';

const USER_ID = '29:1abc-user';
const UPN = 'ada.lovelace@signet-demo.example';
const AGENT_ID = '29:agent';
const AGENT_UPN = 'grace.hopper@signet-demo.example';

interface Harness {
  app: TestApp;
  connector: Awaited<ReturnType<typeof startFakeConnector>>;
  stores: Stores;
  core: Core;
  api: VerificationApi;
  secret: string;
  call(method: string, path: string, body?: unknown): Promise<HttpResult>;
  /** Posts a Teams message from Ada (or the agent) in this locale. */
  post(overrides: Record<string, unknown>, locale?: string, from?: 'user' | 'agent'): Promise<HttpResult>;
}

async function setup(): Promise<Harness> {
  const connector = await startFakeConnector();
  const stores = createMemoryStores();
  let core: Core | undefined;
  let api: VerificationApi | undefined;
  const app = await startTestApp({
    stores,
    handler: ({ i18n, config }) => {
      const render = createReplyRenderer(i18n);
      // The notifier needs the adapter startTestApp creates; it is looked up when a notice is sent.
      const adapter: TeamsNotifierDeps['adapter'] = { continueConversationAsync: (appId, reference, logic) => app.adapter.continueConversationAsync(appId, reference, logic) };
      api = createVerificationApi({ config, stores, verificationStores: createMemoryVerificationStores(), logger: createLogger({ level: 'error', sink: () => undefined }), helpDesk: { report: async () => undefined } });
      const outbox = new Outbox();
      const notifier = new TeamsNotifier({ adapter, appId: '', conversations: stores.conversations, render, defaultLocale: 'en-US' });
      core = createCore({ config, stores, telephony: outbox, mailer: outbox, notifier, render, onChallengeEnded: api.onChallengeEnded });
      const helpDesk = new HelpDeskService({
        stores,
        verificationStores: api.verificationStores,
        clock: systemClock,
        random: cryptoRandom,
        passKey: api.passKey,
        policy: enrollmentPolicyFrom(config.org).registration,
        members: [AGENT_UPN],
        defaultCountry: config.org.phone.defaultCountry,
      });
      return new SignetBot({
        i18n,
        org: config.org,
        enrollment: core.enrollment,
        ...createTeamsUseCases({ stores, enrollment: core.enrollment, verification: core.verification, clock: systemClock }),
        storage: new MemoryStorage(),
        authEnabled: false,
        helpDesk,
      });
    },
    extraRoutes: (server: Server) => api!.register(server, core!),
  });
  const now = Date.now();
  const ada = await stores.users.create({ id: USER_ID, tenantId: null, upn: UPN, displayName: 'Ada Lovelace', locale: 'en-US' }, now);
  await stores.users.replace({ ...ada, methods: [{ kind: 'mobilePhone', id: 'm1', number: '+14255550123', createdAt: now }], defaultMethodId: 'm1' });
  await stores.users.create({ id: AGENT_ID, tenantId: null, upn: AGENT_UPN, displayName: 'Grace Hopper', locale: 'en-US' }, now);
  const { client, secret } = newApiClient('Staff portal', now, cryptoRandom, deriveKey(app.config.encryptionKey, 'api client secrets'));
  await api!.verificationStores.apiClients.create(client);
  const call = (method: string, path: string, body?: unknown) =>
    request(app.url, path, {
      method,
      headers: { Authorization: `Bearer ${secret}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const post = (overrides: Record<string, unknown>, locale = 'en-US', from: 'user' | 'agent' = 'user') =>
    postJson(
      app.url,
      '/api/messages',
      teamsMessage(connector.url, {
        id: `m-${Math.random()}`,
        locale,
        ...(from === 'agent' ? { from: { id: AGENT_ID, name: 'Grace Hopper' }, conversation: { id: 'a:agent-conv', conversationType: 'personal', tenantId: '00000000-0000-4000-8000-000000000000' } } : {}),
        ...overrides,
      }),
    );
  return { app, connector, stores, core: core!, api: api!, secret, call, post };
}

interface CardJson {
  version?: string;
  fallbackText?: string;
  body?: Array<{ type: string; text?: string; actions?: Array<{ title: string; data: Record<string, unknown> }> }>;
  actions?: Array<{ title: string; style?: string; data: Record<string, unknown> }>;
}

/** The adaptive card of a call the bot made to the connector, or undefined. */
const cardOf = (c: ReceivedCall): CardJson | undefined =>
  (c.body['attachments'] as Array<{ contentType: string; content: CardJson }> | undefined)?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;

function buttons(card: CardJson): Array<{ title: string; data: Record<string, unknown> }> {
  return [...(card.body ?? []).flatMap((el) => el.actions ?? []), ...(card.actions ?? [])];
}

const textsOf = (calls: readonly ReceivedCall[]): string[] => calls.filter((c) => c.method === 'POST').map((c) => String(c.body['text'] ?? ''));

describe.each(['en-US', 'en-GB'] as const)('Teams approval card over HTTP (%s)', (locale) => {
  let h: Harness;
  beforeEach(async () => {
    h = await setup();
    // The person has talked to Signet before: their conversation (and its locale) is saved.
    expect((await h.post({ text: 'hello' }, locale)).status).toBe(200);
  });
  afterEach(async () => {
    await h.app.close();
    await h.connector.close();
  });
  const t = (key: string, params?: Record<string, string | number>) => h.app.i18n.t(locale, key, params);

  async function startByApi(): Promise<{ id: string; numberToEnter: number; card: CardJson; path: string }> {
    const before = h.connector.received.length;
    const res = await h.call('POST', '/api/v1/verifications', { user: UPN, method: 'teams', context: { ip: '203.0.113.9', application: 'Staff portal', location: 'Leeds' } });
    expect(res.status).toBe(201);
    const started = res.json<{ id: string; numberToEnter: number }>();
    const sent = h.connector.received.slice(before).filter((c) => c.method === 'POST');
    expect(sent).toHaveLength(1);
    const card = cardOf(sent[0]!);
    if (!card) throw new Error('no card was sent');
    return { ...started, card, path: sent[0]!.path };
  }

  it('when a Teams challenge starts through the API, then the card is sent proactively to the saved conversation', async () => {
    const { id, numberToEnter, card, path } = await startByApi();
    expect(path).toMatch(new RegExp(`^/v3/conversations/${encodeURIComponent('a:1conv@thread.tacv2;messageid=123').replace(/[%.;]/g, '\\$&')}/activities/`));
    expect(card.version).toBe('1.5');
    expect(card.fallbackText).toContain(t('teams.signIn.titleNear', { application: 'Staff portal', location: 'Leeds' }));
    const titles = buttons(card).map((b) => b.title);
    expect(titles).toContain(String(numberToEnter));
    expect(titles).toHaveLength(4);
    expect(card.actions).toEqual([expect.objectContaining({ title: t('teams.signIn.deny'), style: 'destructive', data: expect.objectContaining({ challengeId: id }) })]);
  });

  it('when the right number is pressed, then GET shows approved; a second click changes nothing and says it ended', async () => {
    const { id, numberToEnter, card } = await startByApi();
    const right = buttons(card).find((b) => b.title === String(numberToEnter))!;
    const before = h.connector.received.length;
    await h.post({ text: '', value: right.data }, locale);
    expect(textsOf(h.connector.received.slice(before))).toEqual([t('verification.approved')]);
    expect((await h.call('GET', `/api/v1/verifications/${id}`)).json()).toMatchObject({ status: 'approved' });

    const deny = buttons(card).find((b) => b.title === t('teams.signIn.deny'))!;
    const later = h.connector.received.length;
    await h.post({ text: '', value: deny.data }, locale);
    expect(textsOf(h.connector.received.slice(later))).toEqual([t('verification.ended.approved')]);
    expect((await h.call('GET', `/api/v1/verifications/${id}`)).json()).toMatchObject({ status: 'approved' });
  });

  it('when a wrong number is pressed, then GET shows denied with wrongNumberChosen', async () => {
    const { id, numberToEnter, card } = await startByApi();
    const wrong = buttons(card).find((b) => /^\d+$/.test(b.title) && b.title !== String(numberToEnter))!;
    await h.post({ text: '', value: wrong.data }, locale);
    expect((await h.call('GET', `/api/v1/verifications/${id}`)).json()).toMatchObject({ status: 'denied', reason: 'wrongNumberChosen' });
  });

  it('when the number is typed instead, then the challenge is approved', async () => {
    const { id, numberToEnter } = await startByApi();
    const before = h.connector.received.length;
    await h.post({ text: String(numberToEnter) }, locale);
    expect(textsOf(h.connector.received.slice(before))).toEqual([t('verification.approved')]);
    expect((await h.call('GET', `/api/v1/verifications/${id}`)).json()).toMatchObject({ status: 'approved' });
  });

  it('when a challenge is started by the service, then the card is sent too, and deny denies it', async () => {
    const before = h.connector.received.length;
    const challenge = await h.core.verification.start(
      { userId: USER_ID, clientId: null, method: 'teams', target: null, extension: null, context: { ip: null, application: 'VPN', location: null }, locale },
      'system',
    );
    const card = cardOf(h.connector.received.slice(before).find((c) => c.method === 'POST')!)!;
    expect(card.fallbackText).toContain(t('teams.signIn.title', { application: 'VPN' }));
    await h.post({ text: '', value: buttons(card).find((b) => b.title === t('teams.signIn.deny'))!.data }, locale);
    expect(await h.core.verification.get(challenge.id)).toMatchObject({ status: 'denied', reason: 'deniedByUser' });
  });

  it("when someone else posts a submit naming Ada's challenge, then nothing changes", async () => {
    const { id, numberToEnter, card } = await startByApi();
    const right = buttons(card).find((b) => b.title === String(numberToEnter))!;
    const before = h.connector.received.length;
    await h.post({ text: '', value: right.data }, locale, 'agent');
    expect(textsOf(h.connector.received.slice(before))).toEqual([t('teams.signIn.unknown')]);
    expect((await h.call('GET', `/api/v1/verifications/${id}`)).json()).toMatchObject({ status: 'pending' });
  });

  it('when approve and deny arrive at the same time, then exactly one outcome is kept', async () => {
    const { id, numberToEnter, card } = await startByApi();
    const right = buttons(card).find((b) => b.title === String(numberToEnter))!;
    const deny = buttons(card).find((b) => b.title === t('teams.signIn.deny'))!;
    const before = h.connector.received.length;
    await Promise.all([h.post({ text: '', value: right.data }, locale), h.post({ text: '', value: deny.data }, locale)]);
    const final = (await h.call('GET', `/api/v1/verifications/${id}`)).json<{ status: string }>();
    expect(['approved', 'denied']).toContain(final.status);
    const ended = (await h.stores.audit.listForUser(USER_ID, 20)).filter((a) => a.action.startsWith('verification:'));
    expect(ended.map((a) => a.action)).toEqual([`verification:${final.status}`]);
    expect(textsOf(h.connector.received.slice(before)).sort()).toEqual(
      [t(final.status === 'approved' ? 'verification.approved' : 'verification.denied'), t(`verification.ended.${final.status}`)].sort(),
    );
  });
});

describe('help-desk passcode over HTTP', () => {
  let h: Harness;
  afterEach(async () => {
    await h.app.close();
    await h.connector.close();
  });

  it('when the help desk issues a passcode in Teams, then it approves a sign-in through the API once, and is never logged', async () => {
    h = await setup();
    const before = h.connector.received.length;
    await h.post({ text: `issue passcode for ${UPN}` }, 'en-GB', 'agent');
    const reply = textsOf(h.connector.received.slice(before)).join('\n');
    const passcode = /\*\*([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{2})\*\*/.exec(reply)?.[1];
    expect(passcode).toBeDefined();

    const started = (await h.call('POST', '/api/v1/verifications', { user: UPN, method: 'tap', context: { ip: '203.0.113.9', application: 'Staff portal' } })).json<{ id: string }>();
    const checked = await h.call('POST', `/api/v1/verifications/${started.id}/code`, { code: passcode!.toLowerCase() });
    expect(checked.json()).toMatchObject({ status: 'approved', reason: 'passcodeAccepted' });
    const again = (await h.call('POST', '/api/v1/verifications', { user: UPN, method: 'tap', context: { ip: '203.0.113.9', application: 'Staff portal' } })).status;
    expect(again).toBe(409);
    expect(h.app.logText()).not.toContain(passcode!);
    expect(h.app.logText()).not.toContain(passcode!.replace(/-/g, ''));
  });
});
