// `npm run clients -- add NAME | list | revoke ID`: registers the relying systems that may call the
// verification API. The secret and the callback signing key are printed once; only a hash is stored.
import { newApiClient, callbackSigningKey } from '../src/security/apiClientCredentials';
import type { ApiClientRepository } from '../src/ports/verificationRepositories';
import type { RandomSource } from '../src/security/random';
import { deriveKey } from '../src/security/derivedKeys';

export interface ClientsCommandDeps {
  readonly apiClients: ApiClientRepository;
  readonly masterKey: Buffer;
  readonly random: RandomSource;
  readonly now: () => number;
  readonly out: (line: string) => void;
}

const USAGE = 'usage: npm run clients -- add NAME | list | revoke CLIENT_ID';

/** Runs one command; returns the process exit code. */
export async function runClientsCommand(args: readonly string[], deps: ClientsCommandDeps): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'add': {
      const name = rest.join(' ').trim();
      if (name === '' || name.length > 100) {
        deps.out('Give the relying system a name of 1 to 100 characters, e.g.: npm run clients -- add "Staff portal"');
        return 2;
      }
      const { client, secret } = newApiClient(name, deps.now(), deps.random, deriveKey(deps.masterKey, 'api client secrets'));
      await deps.apiClients.create(client);
      deps.out(`Registered "${name}" as client ${client.id}.`);
      deps.out('Store these now; they are shown only once:');
      deps.out(`  API secret (Authorization: Bearer …):   ${secret}`);
      deps.out(`  Callback signing key (Signet-Signature): ${callbackSigningKey(deriveKey(deps.masterKey, 'callback signing'), client.id)}`);
      return 0;
    }
    case 'list': {
      const clients = await deps.apiClients.list();
      if (clients.length === 0) deps.out('No clients registered.');
      for (const c of clients) deps.out(`${c.id}  ${new Date(c.createdAt).toISOString()}  ${c.revokedAt === null ? 'active ' : 'revoked'}  ${c.name}`);
      return 0;
    }
    case 'revoke': {
      const id = rest[0];
      if (!id) {
        deps.out(USAGE);
        return 2;
      }
      const revoked = await deps.apiClients.revoke(id, deps.now());
      deps.out(revoked ? `Client ${id} is revoked; its secret no longer works.` : `No active client ${id}.`);
      return revoked ? 0 : 1;
    }
    default:
      deps.out(USAGE);
      return 2;
  }
}
