// One configured key (SIGNET_ENCRYPTION_KEY), separate derived keys per job, so a key used to hash API secrets
// can never be confused with one that hashes passcodes.
import { hkdfSync } from 'node:crypto';

export type KeyPurpose = 'api client secrets' | 'temporary access passes' | 'callback signing' | 'entra signing keys' | 'entra browser binding';

export function deriveKey(masterKey: Buffer, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `signet ${purpose}`, 32));
}
