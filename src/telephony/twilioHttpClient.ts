// An httpClient for the twilio SDK that sends every REST call to another Twilio-compatible host (protocols.md
// 3.5): the URI's origin is swapped, everything else is the SDK's own RequestClient.
import type twilio from 'twilio';

type RequestClient = InstanceType<typeof twilio.RequestClient>;

/** `sdk` is the twilio module, passed in so this file does not load it at start-up. */
export function rebasedRequestClient(sdk: typeof twilio, baseUrl: string): RequestClient {
  const inner = new sdk.RequestClient();
  const target = new URL(baseUrl);
  const client = Object.create(inner) as RequestClient;
  client.request = (opts) => {
    const uri = new URL(opts.uri);
    uri.protocol = target.protocol;
    uri.host = target.host;
    return inner.request({ ...opts, uri: uri.toString() });
  };
  return client;
}
