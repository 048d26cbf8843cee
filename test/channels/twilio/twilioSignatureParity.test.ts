// Signet's own signature check (node:crypto) against the twilio SDK's validateRequest, which it replaced, on seeded
// random requests: odd characters in path, query and fields, ports present or not, repeated fields, and signatures
// over each URL variant the SDK accepts, over other URLs, with other tokens or tampered. Both must always agree.
import { parse as parseQuery, stringify as stringifyQuery } from 'node:querystring';
import twilio from 'twilio';
import { isSignedByTwilio, twilioSignatureCheck } from '../../../src/channels/twilio/twilioSignature';
import { randomInt, seededRandom } from '../../../src/security/random';
import { twilioSignature } from '../../support/twilioSigner';

const random = seededRandom('twilio-signature-parity');
const pick = <T>(items: readonly T[]): T => items[randomInt(random, items.length)]!;
const CHARS = [...'abcXYZ019-._~', "'", ...'!*()+ ;,:@$&=%"<>', '%20', '%2B', '%27', 'é', '漢', '😀'];
const text = (max: number): string => Array.from({ length: randomInt(random, max + 1) }, () => pick(CHARS)).join('');

interface Case {
  readonly authToken: string;
  readonly base: string;
  readonly pathAndQuery: string;
  readonly fields: Record<string, string | string[]>;
  readonly signature: string | undefined;
  readonly how: string;
}

function randomCase(): Case {
  const authToken = `tok-${text(12)}`;
  const scheme = pick(['https://', 'http://', 'HTTPS://']);
  const host = pick(['example.com', 'Signet.Example.COM', '127.0.0.1', '[::1]', 'user:pw@example.com']);
  const port = pick(['', '', ':443', ':80', ':8443']);
  const basePath = pick(['', '/signet']);
  const path = `/api/twilio/${text(6)}`;
  const query = pick(['', `?${text(5)}=${text(5)}&purpose=${text(4)}`, '?a=1&b=%20+x']);
  const fields: Record<string, string | string[]> = {};
  for (let i = randomInt(random, 6); i > 0; i -= 1) {
    const name = pick(['Body', 'From', 'To', 'MessageSid', 'Digits', text(4) || 'X']);
    fields[name] = randomInt(random, 4) === 0 ? [text(3), text(3), text(3)] : text(8);
  }
  const rest = `${basePath}${path}${query}`;
  const asRequested = `${scheme}${host}${port}${rest}`;
  const signed: Record<string, () => string> = {
    asRequested: () => asRequested,
    withoutPort: () => `${scheme}${host}${rest}`,
    withDefaultPort: () => `${scheme}${host}${port || (scheme.toLowerCase() === 'https://' ? ':443' : ':80')}${rest}`,
    normalised: () => new URL(asRequested).toString(),
    legacyQuery: () => {
      const normalised = new URL(asRequested).toString();
      const at = normalised.indexOf('?');
      return at < 0 ? normalised : `${normalised.slice(0, at)}?${stringifyQuery(parseQuery(normalised.slice(at + 1)))}`;
    },
    otherPath: () => `${scheme}${host}${port}${basePath}/api/twilio/other${query}`,
    otherPort: () => `${scheme}${host}:9999${rest}`,
  };
  const how = pick([...Object.keys(signed), 'otherToken', 'tampered', 'missing', 'garbage']);
  let signature: string | undefined;
  if (how === 'otherToken') signature = twilioSignature(`${authToken}x`, asRequested, fields);
  else if (how === 'tampered') signature = twilioSignature(authToken, asRequested, fields).replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
  else if (how === 'missing') signature = pick([undefined, '']);
  else if (how === 'garbage') signature = text(28);
  else signature = twilioSignature(authToken, signed[how]!(), fields);
  return { authToken, base: `${scheme}${host}${port}${basePath}`, pathAndQuery: `${path}${query}`, fields, signature, how };
}

describe('Signet signature check against the twilio SDK', () => {
  it('when 3000 random requests are checked, then Signet and the SDK agree on every one, accepting and refusing both', () => {
    const verdicts = { accepted: 0, refused: 0 };
    for (let i = 0; i < 3000; i += 1) {
      const c = randomCase();
      const sdk = twilio.validateRequest(c.authToken, c.signature ?? '', `${c.base}${c.pathAndQuery}`, c.fields);
      const ours = twilioSignatureCheck(c.authToken, c.base)(c.signature, c.pathAndQuery, c.fields);
      if (ours !== sdk) throw new Error(`disagreement on ${JSON.stringify(c)}: SDK ${sdk}, Signet ${ours}`);
      verdicts[ours ? 'accepted' : 'refused'] += 1;
    }
    // Both outcomes were exercised often, so agreement is not agreement on one answer.
    expect(verdicts.accepted).toBeGreaterThan(1000);
    expect(verdicts.refused).toBeGreaterThan(1000);
  });

  it('when a form has from 1 to 60 fields (below and above the insertion-sort bound) in random order, then the fields are signed in the SDK\'s order', () => {
    const names = ['Body', 'body', 'From', 'To', 'a', 'B', 'Z1', 'Z10', 'Z2', 'é', 'e', '漢', '😀', '_x', '$y', 'AccountSid', 'MessageSid'];
    for (let count = 1; count <= 60; count += 1) {
      const fields: Record<string, string> = {};
      while (Object.keys(fields).length < count) fields[`${pick(names)}${randomInt(random, 3) === 0 ? '' : randomInt(random, 100)}`] = text(4);
      const url = 'https://signet.example.com/api/twilio/sms';
      const signature = twilioSignature('t', url, fields);
      expect([count, twilioSignatureCheck('t', 'https://signet.example.com')(signature, '/api/twilio/sms', fields)]).toEqual([count, twilio.validateRequest('t', signature, url, fields)]);
      expect(twilio.validateRequest('t', signature, url, fields)).toBe(true);
    }
  });

  it('when a signature over a port variant is checked, then it is accepted exactly as the SDK accepts it', () => {
    const fields = { From: '+12065551001', Body: '123456' };
    const url = 'https://signet.example.com/api/twilio/sms';
    expect(isSignedByTwilio('t', twilioSignature('t', 'https://signet.example.com:443/api/twilio/sms', fields), 'https://signet.example.com', '/api/twilio/sms', fields)).toBe(true);
    expect(isSignedByTwilio('t', twilioSignature('t', url, fields), 'https://signet.example.com:8443', '/api/twilio/sms', fields)).toBe(true);
    expect(isSignedByTwilio('t', twilioSignature('t', 'https://signet.example.com:80/api/twilio/sms', fields), 'https://signet.example.com', '/api/twilio/sms', fields)).toBe(false);
  });

  it('when the signature differs only in case or padding, then it is refused: the comparison is exact', () => {
    const fields = { From: '+12065551001', Body: '123456' };
    const good = twilioSignature('t', 'https://signet.example.com/api/twilio/sms', fields);
    const check = twilioSignatureCheck('t', 'https://signet.example.com');
    expect(check(good, '/api/twilio/sms', fields)).toBe(true);
    expect(check(good.replace(/[a-z]/, (c) => c.toUpperCase()), '/api/twilio/sms', fields)).toBe(false);
    expect(check(good.replace(/=$/, ''), '/api/twilio/sms', fields)).toBe(false);
    expect(check(`${good} `, '/api/twilio/sms', fields)).toBe(false);
  });
});
