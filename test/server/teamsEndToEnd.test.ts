// Teams end to end over HTTP: real activities posted to /api/messages of a running Signet (main() on port 0, and
// createServer with the same parts), replies and roster calls received by a local Bot Connector at serviceUrl,
// tenant refusal, and the proactive message after a phone was verified on another channel (voice #, SMS code).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryStorage } from 'botbuilder';
import { main, type MainIo, type RunningApp } from '../../src/index';
import { createCore, type Core } from '../../src/core';
import { SignetBot } from '../../src/channels/teams/signetBot';
import { systemClock } from '../../src/ports/clock';
import { createTeamsUseCases } from '../../src/channels/teams/teamsWiring';
import { TeamsNotifier, type TeamsNotifierDeps } from '../../src/channels/teams/teamsNotifier';
import { Outbox } from '../../src/telephony/outboxes';
import { createReplyRenderer } from '../../src/renderReply';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { closeHttp, postJson, startTestApp, teamsMessage, type TestApp } from './serverHarness';

const TENANT = '00000000-0000-4000-8000-000000000000';
const USER_ID = '29:1abc-user';
const CONVERSATION = 'a:1conv@thread.tacv2;messageid=123';

interface Call {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** A Bot Connector that answers sends with an id and the roster lookup with a Teams member. */
async function startConnector(): Promise<{ url: string; calls: Call[]; close(): Promise<void> }> {
  const calls: Call[] = [];
  let next = 1;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      calls.push({ method: req.method ?? '', path: req.url ?? '', body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (req.method === 'GET' && /\/members\//.test(req.url ?? '')) {
        res.end(JSON.stringify({ id: USER_ID, name: 'Ada Lovelace', aadObjectId: '6f1c2d3e-0000-4000-8000-000000000001', userPrincipalName: 'ada.lovelace@signet-demo.example', email: 'ada.lovelace@signet-demo.example', tenantId: TENANT }));
      } else res.end(JSON.stringify({ id: `sent-${next++}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, calls, close: () => closeHttp(server) };
}

const texts = (calls: readonly Call[]): string[] =>
  calls
    .filter((c) => c.method === 'POST')
    .map((c) => {
      const card = (c.body['attachments'] as Array<{ content?: { fallbackText?: string } }> | undefined)?.[0]?.content;
      return [c.body['text'], card?.fallbackText].filter((t) => typeof t === 'string').join('\n');
    });

function io(files: Record<string, string>): MainIo {
  return {
    exit: () => undefined,
    stderr: () => undefined,
    onSignal: () => undefined,
    logSink: () => undefined,
    readFile: (path) => {
      const content = files[path];
      if (content === undefined) throw new Error(`ENOENT: ${path}`);
      return content;
    },
  };
}

const ORG = {
  organisation: { name: 'Signet Demo School', domains: ['signet-demo.example'], tenantIds: [TENANT] },
  helpDesk: { phone: '+1 555 0100', members: ['ada.lovelace@signet-demo.example'] },
  voice: { enrollmentMode: 'pressKey' },
};

describe('Teams over HTTP with main()', () => {
  let connector: Awaited<ReturnType<typeof startConnector>>;
  let running: RunningApp | undefined;
  beforeEach(async () => {
    connector = await startConnector();
    running = await main({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', SIGNET_ORG_CONFIG: '/org.json' }, io({ '/org.json': JSON.stringify(ORG) }));
    expect(running).toBeDefined();
  });
  afterEach(async () => {
    await running?.shutdown('test');
    await connector.close();
  });

  const post = (overrides: Record<string, unknown>) => postJson(running!.url, '/api/messages', teamsMessage(connector.url, { id: `m-${Math.random()}`, ...overrides }));

  it('when a person writes for the first time, then the roster is read and their record has the UPN from it', async () => {
    const res = await post({ text: 'hello' });
    expect(res.status).toBe(200);
    const roster = connector.calls.find((c) => c.method === 'GET');
    expect(roster?.path).toBe(`/v3/conversations/${encodeURIComponent(CONVERSATION)}/members/${encodeURIComponent(USER_ID)}`);
    const user = await running!.core.enrollment.ensureUser({ id: USER_ID, tenantId: null, upn: 'unused', displayName: 'unused', locale: 'en-US' });
    expect(user).toMatchObject({ upn: 'ada.lovelace@signet-demo.example', displayName: 'Ada Lovelace', tenantId: TENANT });
    expect(texts(connector.calls).join('\n')).toContain("I'm Signet");
    // A second message does not read the roster again.
    await post({ text: 'help' });
    expect(connector.calls.filter((c) => c.method === 'GET')).toHaveLength(1);
  });

  it('when a Teams sign-in challenge starts, then main() has wired the approval card to the chat and its answers back to the challenge', async () => {
    await post({ text: 'hello' });
    const before = connector.calls.length;
    const challenge = await running!.core.verification.start(
      { userId: USER_ID, clientId: null, method: 'teams', target: null, extension: null, context: { ip: null, application: 'VPN', location: 'Leeds' }, locale: 'en-US' },
      'system',
    );
    const sent = connector.calls.slice(before).filter((c) => c.method === 'POST');
    const card = (sent[0]?.body['attachments'] as Array<{ content: { body: Array<{ actions?: Array<{ title: string; data: unknown }> }> } }> | undefined)?.[0]?.content;
    const right = card?.body.flatMap((el) => el.actions ?? []).find((a) => a.title === String(challenge.numberToMatch));
    expect(right).toBeDefined();
    await post({ text: '', value: right!.data });
    expect(await running!.core.verification.get(challenge.id)).toMatchObject({ status: 'approved', reason: 'cardApproved' });
    expect(texts(connector.calls).pop()).toBe("Thanks, you're verified. You can go back to your sign-in.");
  });

  it('when a member of helpDesk.members types a help-desk command, then main() has wired the help desk', async () => {
    await post({ text: 'hello' });
    await post({ text: 'look up ada.lovelace@signet-demo.example' });
    expect(texts(connector.calls).pop()).toContain('Ada Lovelace (ada.lovelace@signet-demo.example)');
  });

  it('when the tenant is not in the configuration, then the person is refused politely before the roster is read', async () => {
    const other = '11111111-0000-4000-8000-000000000000';
    await post({ text: 'hello', channelData: { tenant: { id: other } }, conversation: { id: CONVERSATION, conversationType: 'personal', tenantId: other } });
    expect(texts(connector.calls)).toEqual([expect.stringContaining("can't be used from your organization's Microsoft Teams tenant")]);
    expect(connector.calls.some((c) => c.method === 'GET')).toBe(false);
  });

  it('when the call is answered with # after Teams started the phone, then Teams is told proactively', async () => {
    await post({ text: 'set up MFA' });
    await post({ text: 'cell phone' });
    await post({ text: '+1 425 555 0123' });
    await post({ text: 'call me' });
    expect(texts(connector.calls).pop()).toContain("We're calling +1 425 555 0123 now");
    const user = await running!.core.enrollment.ensureUser({ id: USER_ID, tenantId: null, upn: 'unused', displayName: 'unused', locale: 'en-US' });
    const step = user.enrollment!.step;
    const send = step.name === 'codeSent' ? step.send : undefined;
    const before = connector.calls.length;
    await running!.core.enrollment.apply(USER_ID, { type: 'callKeyPressed', key: '#', callRef: 'CA1', send }, { channel: 'voice' });
    const proactive = connector.calls.slice(before).filter((c) => c.method === 'POST');
    expect(proactive.map((c) => c.path)).toEqual([
      expect.stringMatching(new RegExp(`^/v3/conversations/${encodeURIComponent(CONVERSATION).replace(/[%.;]/g, '\\$&')}/activities/`)),
      expect.any(String),
    ]);
    expect(texts(proactive)[0]).toBe('Your phone +1 425 555 0123 was verified.');
    expect(proactive[0]!.body).toMatchObject({ recipient: { id: USER_ID }, conversation: { id: CONVERSATION } });
  });
});

describe('Teams over HTTP with createServer', () => {
  let connector: Awaited<ReturnType<typeof startConnector>>;
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    await connector.close();
  });

  it('when the code texted for a Teams enrollment is sent back by SMS, then the Teams chat gets the notice in en-GB', async () => {
    connector = await startConnector();
    const stores = createMemoryStores();
    const outbox = new Outbox();
    let core: Core | undefined;
    app = await startTestApp({
      stores,
      handler: ({ i18n, config }) => {
        const render = createReplyRenderer(i18n);
        // The notifier needs the adapter startTestApp creates; it is looked up when a notice is sent.
        const adapter: TeamsNotifierDeps['adapter'] = { continueConversationAsync: (appId, reference, logic) => app!.adapter.continueConversationAsync(appId, reference, logic) };
        const notifier = new TeamsNotifier({ adapter, appId: '', conversations: stores.conversations, render, defaultLocale: 'en-US' });
        core = createCore({ config, stores, telephony: outbox, mailer: outbox, notifier, render });
        return new SignetBot({ i18n, org: config.org, enrollment: core.enrollment, ...createTeamsUseCases({ stores, enrollment: core.enrollment, clock: systemClock }), storage: new MemoryStorage(), authEnabled: false });
      },
    });
    const post = (text: string) => postJson(app!.url, '/api/messages', teamsMessage(connector.url, { id: `m-${Math.random()}`, text, locale: 'en-GB' }));
    await post('set up MFA');
    await post('mobile phone');
    await post('+1 425 555 0123');
    await post('text me');
    const sms = outbox.last('sms');
    const code = /(\d{6})/.exec(sms?.type === 'sms' ? sms.body : '')?.[1];
    expect(code).toBeDefined();

    // What the SMS webhook (the Twilio issue) does with a reply: the same event, from the sms channel.
    const before = connector.calls.length;
    const replies = await core!.enrollment.apply(USER_ID, { type: 'submitCode', code: code! }, { channel: 'sms' });
    expect(replies.map((r) => r.key)).toEqual(['enrollment.verified.phone']);
    const notices = texts(connector.calls.slice(before));
    expect(notices[0]).toBe(app.i18n.t('en-GB', 'enrollment.verified.phone', { phone: '+1 425 555 0123' }));
    // The progress notice carries the next step (issue 10 finding: it was a lone "Set up MFA" button): the methods
    // that may be chosen now in one drop-down, and a button that starts the one chosen.
    expect(notices[1]).toContain(app.i18n.t('en-GB', 'enrollment.progress.more', { done: 1, required: 2 }));
    const cardCall = connector.calls.slice(before).find((c) => JSON.stringify(c.body ?? '').includes('"item":"register"'));
    const card = (cardCall!.body['attachments'] as Array<{ content: { body: Array<Record<string, unknown>>; actions: Array<{ title: string; data: Record<string, unknown> }> } }>)[0]!.content;
    const choiceSet = card.body.find((e) => e['type'] === 'Input.ChoiceSet') as { id: string; label: string; choices: Array<{ value: string }> };
    expect(choiceSet.label).toBe(app.i18n.t('en-GB', 'enrollment.chooseMethod', { position: 2, required: 2 }));
    expect(choiceSet.choices.map((c) => c.value)).toContain('authenticatorApp');
    expect(choiceSet.choices.map((c) => c.value)).not.toContain('mobilePhone');
    expect(card.actions).toHaveLength(1);
    expect(card.actions[0]!.title).toBe(app.i18n.t('en-GB', 'teams.buttons.setUpChosen'));

    // Choosing the app there and pressing the button opens the app step at once.
    const afterNotice = connector.calls.length;
    await postJson(app.url, '/api/messages', teamsMessage(connector.url, { id: 'm-next', text: '', value: { ...card.actions[0]!.data, [choiceSet.id]: 'authenticatorApp' }, locale: 'en-GB' }));
    const shown = connector.calls.slice(afterNotice).map((c) => JSON.stringify(c.body ?? '')).join('\n');
    expect(shown).toContain('data:image/png;base64,');
    const stored = await stores.users.get(USER_ID);
    expect(stored?.enrollment?.step.name).toBe('scanningApp');
  });
});
