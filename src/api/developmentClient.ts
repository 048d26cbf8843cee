// The console notice for the development API client (src/app/registerDevelopmentClient.ts): labelled
// development-only, with the README's curl variables ready to paste. Shown once, on the console, never logged.
import type { DevelopmentClient } from '../app/registerDevelopmentClient';

export function developmentClientNotice(client: DevelopmentClient, url: string): string {
  return [
    '',
    '=== DEVELOPMENT ONLY: an API client for trying the verification API ===',
    'Created for this run on the in-memory store; it disappears when Signet stops. Production never creates one.',
    `  client id:            ${client.clientId}`,
    `  bearer secret:        ${client.secret}`,
    `  callback signing key: ${client.callbackKey}`,
    'Try it (see "Sign-in verification API" in the README):',
    `  S=${url}; T="Authorization: Bearer ${client.secret}"`,
    '=======================================================================',
    '',
  ].join('\n');
}
