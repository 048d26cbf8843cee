// POST /api/messages end to end: a real CloudAdapter (auth off: empty MicrosoftAppId) answers a Teams message
// through a local fake Bot Connector, in the activity's locale; a failing turn gets the localized apology.
// The welcome comes with the main menu as a card under it (the dialogs' journeys are in test/teams/).
import { RecordBusyError, StoreUnavailableError } from '../../src/ports/storeErrors';
import { ConcurrentUpdateError } from '../../src/serviceKit/compareAndSet';
import { postJson, startFakeConnector, startTestApp, teamsMessage, ThrowingBot, type TestApp } from './serverHarness';

type Connector = Awaited<ReturnType<typeof startFakeConnector>>;

describe('POST /api/messages', () => {
  let connector: Connector;
  let app: TestApp | undefined;
  // What the bot sent; on first contact it also reads the Teams roster (a GET), covered in teamsEndToEnd.test.ts.
  const sent = () => connector.received.filter((c) => c.method !== 'GET');
  beforeEach(async () => {
    connector = await startFakeConnector();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await connector.close();
  });

  it.each<[string, string, RegExp]>([
    ['en-US', 'en-US', /^Hi! I'm Signet/],
    ['en-GB', 'en-GB', /^Hello! I'm Signet/],
    ['en-gb (lower case, as some clients send it)', 'en-gb', /^Hello! I'm Signet/],
    ['fr-FR (not offered: the default locale)', 'fr-FR', /^Hi! I'm Signet/],
  ])('when a Teams message arrives in %s, then the connector receives the welcome reply in that locale', async (_what, locale, expected) => {
    app = await startTestApp();
    const activity = teamsMessage(connector.url, { locale });
    const res = await postJson(app.url, '/api/messages', activity);
    expect(res.status).toBe(200);

    expect(sent()).toHaveLength(1);
    const [call] = sent();
    // protocols.md 4.3: a reply in a turn goes to /v3/conversations/{id}/activities/{replyToId}, ids URI-encoded.
    expect(call!.method).toBe('POST');
    expect(call!.path).toBe(`/v3/conversations/${encodeURIComponent('a:1conv@thread.tacv2;messageid=123')}/activities/1700000000001`);
    expect(call!.headers.authorization).toBeUndefined();
    const resolved = app.i18n.resolveLocale(locale);
    const welcome = app.i18n.t(resolved, 'common.welcome', { orgName: app.config.org.organisation.name });
    expect(call!.body).toMatchObject({
      type: 'message',
      text: welcome,
      replyToId: '1700000000001',
      from: { id: '28:signet-bot' },
      recipient: { id: '29:1abc-user' },
      conversation: { id: 'a:1conv@thread.tacv2;messageid=123' },
    });
    expect(welcome).toMatch(expected);
    expect(welcome).toContain(app.config.org.organisation.name);
  });

  it('when en-US and en-GB users write, then they get different words for the same welcome', async () => {
    app = await startTestApp();
    await postJson(app.url, '/api/messages', teamsMessage(connector.url, { locale: 'en-US', id: 'us-1' }));
    await postJson(app.url, '/api/messages', teamsMessage(connector.url, { locale: 'en-GB', id: 'gb-1' }));
    const [us, gb] = sent().map((c) => c.body['text']);
    expect(us).toContain('cell phone');
    expect(gb).toContain('mobile phone');
    expect(us).not.toBe(gb);
  });

  it('when a Teams activity holds "$"-prefixed keys, then it still reaches the bot (no operator-key check on this route)', async () => {
    app = await startTestApp();
    const res = await postJson(app.url, '/api/messages', teamsMessage(connector.url, { value: { $type: 'card', data: { $x: 1 } } }));
    expect(res.status).toBe(200);
    expect(sent()).toHaveLength(1);
  });

  it.each<[string, unknown]>([
    ['has no type', (({ type: _omitted, ...rest }) => rest)(teamsMessage('http://127.0.0.1:9/'))],
    ['is an array', [teamsMessage('http://127.0.0.1:9/')]],
    ['is a string', 'hello'],
  ])('when the body %s, then 400 bad_request, nothing is sent and nothing is logged as an error', async (_what, body) => {
    app = await startTestApp();
    const res = await postJson(app.url, '/api/messages', body);
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
    expect(sent()).toHaveLength(0);
    expect(app.logs.filter((l) => l['level'] === 'error')).toEqual([]);
  });

  it('when a MicrosoftAppId is configured and the request has no token, then 401 and nothing is sent', async () => {
    // botbuilder itself prints the AuthenticationError with console.error; keep it out of the test output.
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      app = await startTestApp({ env: { MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'test-password-not-real' } });
      const res = await postJson(app.url, '/api/messages', teamsMessage(connector.url));
      expect(res.status).toBe(401);
      expect(sent()).toHaveLength(0);
      expect(app.logText()).not.toContain('test-password-not-real');
      expect(JSON.stringify(consoleError.mock.calls)).not.toContain('test-password-not-real');
    } finally {
      consoleError.mockRestore();
    }
  });

  it('when the bot throws during a turn, then the person gets the localized apology and the log holds no message text', async () => {
    app = await startTestApp({ handler: () => new ThrowingBot() });
    const res = await postJson(app.url, '/api/messages', teamsMessage(connector.url, { locale: 'en-GB', text: 'my code is 482913' }));
    expect(res.status).toBe(200);
    expect(sent().map((c) => c.body['text'])).toEqual([app.i18n.t('en-GB', 'common.unexpectedError')]);
    expect(app.logs).toContainEqual(expect.objectContaining({ level: 'error', msg: 'bot turn failed', error: { name: 'Error', message: 'dialog exploded' } }));
    expect(app.logText()).not.toContain('482913');
  });

  it('when Bot Framework authentication is on and a request has no token, then 401, one JSON log line and no stack on the console', async () => {
    app = await startTestApp({ env: { MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'not-a-real-password' } });
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const stderr = jest.spyOn(process.stderr, 'write');
    try {
      const res = await postJson(app.url, '/api/messages', teamsMessage(connector.url, { locale: 'en-US' }));
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: 'The request is not authorized.' } });
      expect(consoleError).not.toHaveBeenCalled();
      expect(stderr).not.toHaveBeenCalled();
      expect(app.logs.filter((l) => l['msg'] === 'bot framework request refused')).toEqual([expect.objectContaining({ level: 'warn', status: 401 })]);
      expect(app.logText()).not.toMatch(/\n\s+at /);
      expect(sent()).toHaveLength(0);
    } finally {
      consoleError.mockRestore();
      stderr.mockRestore();
    }
  });

  it.each<[string, () => Error, string]>([
    ['the store is unavailable', () => new StoreUnavailableError(), 'common.unavailable'],
    ['a concurrent change won', () => new ConcurrentUpdateError(), 'common.busy'],
    ['a crashed write still holds the record', () => new RecordBusyError(20_000), 'common.stillSaving'],
  ])('when a turn fails because %s, then the apology says so in the person\'s locale', async (_what, makeError, key) => {
    app = await startTestApp({ handler: () => new ThrowingBot(makeError) });
    await postJson(app.url, '/api/messages', teamsMessage(connector.url, { locale: 'en-US' }));
    expect(sent().map((c) => c.body['text'])).toEqual([app.i18n.t('en-US', key)]);
  });
});
