// The production composition (main → composeSignet) gives texting RESET its reset links: the directory main
// opened is the one the links are checked against, and the grant lands in the stores' resetLinks, taken once.
import { main, type MainIo } from '../../src/index';
import { MemoryDirectory } from '../../src/directory/memoryDirectory';
import { resetLinkTokenHash } from '../../src/security/resetLinkTokens';
import { parseXml } from '../support/twimlParser';
import { postJson, request } from './serverHarness';

const PHONE = '+12065550123';

function quietIo(): MainIo {
  return { exit: () => undefined, stderr: () => undefined, onSignal: () => undefined, logSink: () => undefined, readFile: () => { throw new Error('no files'); } };
}

describe('reset links in the production wiring', () => {
  it('when a person registered by SMS texts RESET to the simulated phone, then the answer links to /reset and the grant is stored once', async () => {
    const running = await main({ PORT: '0', HOST: '127.0.0.1', PUBLIC_BASE_URL: 'https://signet.example.test' }, quietIo());
    try {
      expect(running?.directory).toBeInstanceOf(MemoryDirectory);
      const { core, stores } = running!;
      const profile = { id: 'aad-wired', tenantId: null, upn: 'wired@signet-demo.example', displayName: 'Wired Person', locale: 'en-US' };
      await core.enrollment.ensureUser(profile);
      await core.enrollment.apply(profile.id, { type: 'start', purpose: 'register', kind: 'mobilePhone' }, { channel: 'teams' });
      await core.enrollment.apply(profile.id, { type: 'submitPhone', number: PHONE, delivery: 'sms' }, { channel: 'teams' });
      const [text] = (await request(running!.url, '/api/dev/telephony/outbox')).json<{ items: Array<{ body: string }> }>().items;
      await postJson(running!.url, '/api/dev/telephony/sms', { from: PHONE, body: /\b(\d{6})\b/.exec(text!.body)![1]! });
      (running!.directory as MemoryDirectory).add({ upn: profile.upn, displayName: profile.displayName, password: 'Old-password-1' });

      const res = await postJson(running!.url, '/api/dev/telephony/sms', { from: PHONE, body: 'RESET' });
      const message = parseXml(res.text).children.find((c) => c.name === 'Message')!.text;
      const token = /https:\/\/signet\.example\.test\/reset\/link\/([A-Za-z0-9_-]{43})/.exec(message)?.[1];
      expect(token).toBeDefined();
      expect(await stores.resetLinks.take(resetLinkTokenHash(token!), Date.now())).toMatchObject({ userId: profile.id, proofs: ['sms'], issuedVia: 'sms' });
      expect(await stores.resetLinks.take(resetLinkTokenHash(token!), Date.now())).toBeNull();
    } finally {
      await running?.shutdown('test');
    }
  });
});
