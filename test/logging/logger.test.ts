// The JSON-lines logger: envelope, levels, child loggers, and redaction of secret-looking fields at any depth.
import { createLogger, redact, REDACTED, type LogLevel } from '../../src/logging/logger';

const FIXED = new Date('2026-11-23T09:00:00.000Z');

function capture(level: LogLevel = 'debug') {
  const lines: string[] = [];
  const logger = createLogger({ level, sink: (line) => lines.push(line), now: () => FIXED });
  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, parsed };
}

describe('createLogger', () => {
  it('when a message is logged, then one JSON line holds level, time, msg and the fields', () => {
    const { logger, lines, parsed } = capture();
    logger.info('user enrolled', { userId: 'u1', methods: 2 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(parsed()[0]).toEqual({ level: 'info', time: FIXED.toISOString(), msg: 'user enrolled', userId: 'u1', methods: 2 });
    expect(Object.keys(parsed()[0]!).slice(0, 3)).toEqual(['level', 'time', 'msg']);
  });

  it('when no sink is given, then each line goes to standard output whole, ending in one newline', () => {
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    try {
      const logger = createLogger({ level: 'info', now: () => FIXED });
      logger.info('request', { method: 'POST', status: 200 });
      logger.warn('second');
    } finally {
      write.mockRestore();
    }
    expect(written).toHaveLength(2);
    for (const chunk of written) expect(chunk.endsWith('}\n') && chunk.indexOf('\n') === chunk.length - 1).toBe(true);
    expect(JSON.parse(written[0]!)).toEqual({ level: 'info', time: FIXED.toISOString(), msg: 'request', method: 'POST', status: 200 });
  });

  it.each<[LogLevel, string[]]>([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ])('when the level is %s, then only %j lines are written', (level, expected) => {
    const { logger, parsed } = capture(level);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(parsed().map((l) => l['level'])).toEqual(expected);
  });

  it('when a child logger is used, then its bindings appear on every line and nest', () => {
    const { logger, parsed } = capture();
    const child = logger.child({ requestId: 'r1' });
    child.info('a', { step: 1 });
    child.child({ channel: 'sms' }).warn('b');
    logger.info('c');
    expect(parsed()).toEqual([
      expect.objectContaining({ msg: 'a', requestId: 'r1', step: 1 }),
      expect.objectContaining({ msg: 'b', requestId: 'r1', channel: 'sms' }),
      expect.not.objectContaining({ requestId: 'r1' }),
    ]);
  });

  it('when a field is named like the envelope, then it cannot overwrite level, time or msg', () => {
    const { logger, parsed } = capture();
    logger.info('real', { level: 'error', msg: 'fake', time: 'then' });
    expect(parsed()[0]).toMatchObject({ level: 'info', msg: 'real', time: FIXED.toISOString(), field_level: 'error', field_msg: 'fake' });
  });

  it('when secrets are nested in fields and child bindings, then none of their values is written', () => {
    const { logger, lines, parsed } = capture();
    logger.child({ apiToken: 'tok-AAAA' }).info('verifying', {
      user: {
        id: 'u1',
        profile: { otpSecret: 'JBSWY3DPEHPK3PXP', nested: { deeper: { verificationCode: '123456' } } },
        answers: ['blue', 'rex'],
      },
      request: { headers: { Authorization: 'Bearer eyJhbGci', 'X-Twilio-Signature': 'sig==', accept: 'text/xml' } },
      attempts: [{ passcode: '0000', ok: false }, { Password: 'hunter2', ok: true }],
      OTP: '654321',
      map: new Map<string, unknown>([['resetCode', '999999'], ['kind', 'sms']]),
    });
    for (const secret of ['tok-AAAA', 'JBSWY3DPEHPK3PXP', '123456', 'blue', 'rex', 'eyJhbGci', 'sig==', '0000', 'hunter2', '654321', '999999']) {
      expect(lines[0]).not.toContain(secret);
    }
    expect(parsed()[0]).toMatchObject({
      apiToken: REDACTED,
      user: { id: 'u1', profile: { otpSecret: REDACTED, nested: { deeper: { verificationCode: REDACTED } } }, answers: REDACTED },
      request: { headers: { Authorization: REDACTED, 'X-Twilio-Signature': REDACTED, accept: 'text/xml' } },
      attempts: [{ passcode: REDACTED, ok: false }, { Password: REDACTED, ok: true }],
      OTP: REDACTED,
      map: { resetCode: REDACTED, kind: 'sms' },
    });
  });

  it('when an error is logged, then only its name and message are written, never its stack or own properties', () => {
    const { logger, lines, parsed } = capture();
    const err = Object.assign(new TypeError('bad input'), { body: 'code=123456', connectionString: 'mongodb://u:pw@h' });
    logger.error('failed', { error: err });
    expect(parsed()[0]!['error']).toEqual({ name: 'TypeError', message: 'bad input' });
    expect(lines[0]).not.toContain('at ');
    expect(lines[0]).not.toContain('123456');
    expect(lines[0]).not.toContain('mongodb://');
  });

  it('when fields are circular, binary, big or odd, then the line is still valid JSON', () => {
    const { logger, parsed } = capture();
    const loop: Record<string, unknown> = { name: 'loop' };
    loop['self'] = loop;
    const shared = { x: 1 };
    logger.info('odd', { loop, pair: [shared, shared], buf: Buffer.from('abc'), big: 10n, when: FIXED, nan: Number.NaN, fn: () => 1, long: 'x'.repeat(5000) });
    const line = parsed()[0]!;
    expect(line['loop']).toEqual({ name: 'loop', self: '[circular]' });
    expect(line['pair']).toEqual([{ x: 1 }, { x: 1 }]);
    expect(line['buf']).toBe('[binary 3 bytes]');
    expect(line['big']).toBe('10');
    expect(line['when']).toBe(FIXED.toISOString());
    expect(line['nan']).toBe('NaN');
    expect(line).not.toHaveProperty('fn');
    expect((line['long'] as string).length).toBeLessThan(2100);
  });

  it('when lines are written at several times, some within one millisecond, then each carries its own time', () => {
    const times = ['2026-11-23T09:00:00.001Z', '2026-11-23T09:00:00.001Z', '2026-11-23T09:00:00.002Z', '2026-11-23T09:00:00.001Z'];
    let current = '';
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', sink: (line) => lines.push(line), now: () => new Date(current) });
    for (const [i, time] of times.entries()) {
      current = time;
      logger.info('tick', { i });
    }
    expect(lines.map((l) => (JSON.parse(l) as { time: string }).time)).toEqual(times);
  });

  it('when the clock gives an invalid date, then the line is still written, with a null time', () => {
    const lines: string[] = [];
    createLogger({ level: 'info', sink: (line) => lines.push(line), now: () => new Date(Number.NaN) }).info('x');
    expect(JSON.parse(lines[0]!)).toMatchObject({ time: null, msg: 'x' });
  });

  it('when the sink throws, then logging does not throw', () => {
    const logger = createLogger({ level: 'info', sink: () => { throw new Error('EPIPE'); } });
    expect(() => logger.info('x')).not.toThrow();
  });
});

describe('redact', () => {
  it.each([
    'code', 'codes', 'secret', 'securityAnswer', 'passcode', 'newPassword', 'refresh_token', 'authorization', 'signature', 'otp',
    'verificationCode', 'resetCode', 'oneTimeCode', 'sms_code', 'X-Twilio-Signature', 'TOTPSecret', 'client_secret', 'clientsecret',
    'apiKey', 'callbackKey', 'encryption-key', 'pin', 'totp', 'answers', 'Cookie',
    // The directory's fields (LDAP service bind, AD's unicodePwd, RFC 3062's newPasswd, Graph's app secret and profile).
    'bindPassword', 'LDAP_BIND_PASSWORD', 'unicodePwd', 'newPasswd', 'userPassword', 'pwdHistory', 'GRAPH_CLIENT_SECRET',
    'clientSecret', 'access_token', 'passwordProfile',
  ])(
    'when a field is named %s, then its value is redacted even if it is an object',
    (name) => {
      expect(redact({ [name]: { anything: 'at all' }, kept: 1 })).toEqual({ [name]: REDACTED, kept: 1 });
    },
  );

  it.each(['statusCode', 'countryCode', 'errorCode', 'exitCode', 'zipCode', 'languageCode', 'status_code', 'key', 'answeredBy', 'authEnabled', 'kind', 'codeLength'])(
    'when a field is named %s, then it is not mistaken for a secret',
    (name) => {
      expect(redact({ [name]: 'US', kept: 1 })).toEqual({ [name]: 'US', kept: 1 });
    },
  );

  it('when a field name is very long, then deciding whether it is secret stays cheap and still finds the secret', () => {
    const long = `${'A'.repeat(50_000)}b`;
    expect(redact({ [long]: 'x' })).toEqual({ [long]: 'x' });
    expect(redact({ [`passwordFor${'A'.repeat(50_000)}`]: 'hunter2' })).toEqual({ [`passwordFor${'A'.repeat(50_000)}`]: REDACTED });
  });

  it('when field names are harmless, then values pass through unchanged', () => {
    const value = { userId: 'u1', status: 200, path: '/api/messages', tags: ['a', 'b'], nested: { ok: true, none: null } };
    expect(redact(value)).toEqual(value);
  });
});

describe('pino redaction paths', () => {
  it('when a secret sits at every depth the logger writes, then each is censored and harmless codes beside it are kept', () => {
    const { logger, lines, parsed } = capture();
    // Depth 1 through 8: one object per level, each holding a secret and a harmless "…Code".
    let nested: Record<string, unknown> = {};
    const top = nested;
    for (let depth = 1; depth <= 7; depth += 1) {
      nested['verificationCode'] = `secret-${depth}`;
      nested['statusCode'] = 200 + depth;
      const next: Record<string, unknown> = {};
      nested['next'] = next;
      nested = next;
    }
    nested['otp'] = 'secret-8';
    nested['countryCode'] = 'GB';
    logger.info('deep', { top, errorCode: 'E42' });
    for (let depth = 1; depth <= 8; depth += 1) expect(lines[0]).not.toContain(`secret-${depth}`);
    const line = parsed()[0]!;
    expect(line['errorCode']).toBe('E42');
    expect(line['top']).toMatchObject({ verificationCode: REDACTED, statusCode: 201, next: { statusCode: 202, verificationCode: REDACTED } });
    expect(lines[0]).toContain('"countryCode":"GB"');
  });
});

describe('lines without nested values', () => {
  // Such lines skip the redaction paths (nothing nested to censor); they must read exactly like the others.
  it('when every field is a plain value, then secrets among them are censored and the line reads as a nested one would', () => {
    const { logger, lines, parsed } = capture();
    logger.child({ apiToken: 'tok-AAAA' }).info('request', { method: 'POST', status: 200, ms: 0.3, code: '123456', none: null });
    logger.child({ apiToken: 'tok-AAAA' }).info('request', { method: 'POST', status: 200, ms: 0.3, code: '123456', none: null, nested: {} });
    expect(lines.join('\n')).not.toContain('tok-AAAA');
    expect(lines.join('\n')).not.toContain('123456');
    const [flat, nested] = parsed();
    expect(flat).toEqual({ level: 'info', time: FIXED.toISOString(), msg: 'request', apiToken: REDACTED, method: 'POST', status: 200, ms: 0.3, code: REDACTED, none: null });
    expect(lines[1]).toBe(lines[0]!.replace(/}$/, ',"nested":{}}'));
    expect(nested).toMatchObject({ ...flat, nested: {} });
  });

  it('when the same field name is judged again, then the verdict is the same', () => {
    const { logger, parsed } = capture();
    for (let i = 0; i < 3; i += 1) logger.info('again', { verificationCode: '654321', statusCode: 200 });
    expect(parsed().map((l) => [l['verificationCode'], l['statusCode']])).toEqual([[REDACTED, 200], [REDACTED, 200], [REDACTED, 200]]);
  });
});
