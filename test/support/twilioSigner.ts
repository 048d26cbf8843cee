// Signs webhooks the way Twilio does (protocols.md 1.1), written independently of the twilio SDK so the tests
// check Signet's validation against our own reading of the algorithm (and the shared vectors check us).
import { createHmac } from 'node:crypto';

export function twilioSignature(authToken: string, url: string, params: Readonly<Record<string, string | readonly string[]>>): string {
  // Repeated fields: each value, sorted and de-duplicated, appended with the name (protocols.md 1.1).
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((name) => {
        const value = params[name]!;
        return typeof value === 'string' ? name + value : [...new Set(value)].sort().map((v) => name + v).join('');
      })
      .join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function formBody(params: Readonly<Record<string, string>>): string {
  return new URLSearchParams(params as Record<string, string>).toString();
}
