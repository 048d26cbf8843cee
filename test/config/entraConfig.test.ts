// The Entra provider's settings: off unless both identifiers are set, Microsoft's defaults otherwise, and an
// https issuer demanded in production.
import { entraConfigFrom, entraEnvSchema, PUBLISHED_ENTRA_REDIRECT_URIS, type EntraEnv } from '../../src/config/entraConfig';

function parse(env: Record<string, string>): EntraEnv {
  return Object.fromEntries(Object.entries(entraEnvSchema).map(([key, schema]) => [key, schema.parse(env[key])])) as EntraEnv;
}

test('when neither identifier is set, then the provider is off without complaint', () => {
  const problems: string[] = [];
  expect(entraConfigFrom(parse({}), problems)).toBeUndefined();
  expect(problems).toEqual([]);
});

test('when both are set, then the defaults are Microsoft global cloud values with a 48-hour key overlap', () => {
  const config = entraConfigFrom(parse({ ENTRA_CLIENT_ID: 'c', ENTRA_APP_ID: 'a' }), []);
  expect(config).toMatchObject({ clientId: 'c', appId: 'a', redirectUris: [...PUBLISHED_ENTRA_REDIRECT_URIS], keyOverlapMs: 48 * 3_600_000, hintMaxAgeMs: 600_000 });
  expect(config!.metadataUrlTemplate).toBe('https://login.microsoftonline.com/{tenantid}/v2.0/.well-known/openid-configuration');
});

test('when it is on in production over http, then the public URL is refused', () => {
  const problems: string[] = [];
  entraConfigFrom(parse({ ENTRA_CLIENT_ID: 'c', ENTRA_APP_ID: 'a' }), problems, { production: true, publicBaseUrl: 'http://signet.example' });
  expect(problems.join('\n')).toContain('PUBLIC_BASE_URL: must be an https URL');
  const fine: string[] = [];
  entraConfigFrom(parse({ ENTRA_CLIENT_ID: 'c', ENTRA_APP_ID: 'a' }), fine, { production: true, publicBaseUrl: 'https://signet.example' });
  expect(fine).toEqual([]);
});
