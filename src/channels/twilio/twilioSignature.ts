// X-Twilio-Signature checking (protocols.md 1): the URL Twilio signed is PUBLIC_BASE_URL plus the path and query
// exactly as requested (never the Host header, which a proxy rewrites), with every decoded form field.
import twilio from 'twilio';

export function isSignedByTwilio(
  authToken: string,
  signature: string | undefined,
  publicBaseUrl: string,
  pathAndQuery: string,
  params: Readonly<Record<string, string | readonly string[]>>,
): boolean {
  if (!signature) return false;
  return twilio.validateRequest(authToken, signature, `${publicBaseUrl}${pathAndQuery}`, params);
}
