// `npm run keys -- rotate | list`: the Entra id_token signing keys. `rotate` publishes a new key at once and has it
// sign only after the overlap (ENTRA_KEY_OVERLAP_HOURS, default 48 h: Entra caches metadata for 24 h); the keys
// it replaces leave the JWKS one overlap after the switch. Prints kids and times, never key material.
import type { EntraSigningKeys } from '../src/app/entraSigningKeys';

export interface KeysCommandDeps {
  readonly keys: Pick<EntraSigningKeys, 'rotate' | 'list'>;
  readonly overlapMs: number;
  readonly out: (line: string) => void;
}

const USAGE = 'usage: npm run keys -- rotate | list';
const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());

/** Runs one command; returns the process exit code. */
export async function runKeysCommand(args: readonly string[], deps: KeysCommandDeps): Promise<number> {
  const [command] = args;
  if (command === 'rotate') {
    const { added, retiring } = await deps.keys.rotate(deps.overlapMs);
    deps.out(`published ${added.kid}; it signs from ${iso(added.signFrom)}`);
    for (const old of retiring) deps.out(`${old.kid} leaves the JWKS at ${iso(old.at)}`);
    return 0;
  }
  if (command === 'list') {
    const keys = await deps.keys.list();
    if (keys.length === 0) deps.out('No signing keys yet (the server makes the first at start-up).');
    for (const key of keys) deps.out(`${key.kid}\tpublished=${iso(key.createdAt)}\tsigns-from=${iso(key.signFrom)}\tretires=${iso(key.retireAt)}`);
    return 0;
  }
  deps.out(USAGE);
  return 2;
}
