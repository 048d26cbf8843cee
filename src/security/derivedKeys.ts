// One configured key (SIGNET_ENCRYPTION_KEY), separate derived keys per job, so a key used to hash API secrets
// can never be confused with one that hashes passcodes. The only place HKDF is called.
import { hkdfSync } from 'node:crypto';

export type KeyPurpose =
  | 'api client secrets'
  | 'temporary access passes'
  | 'callback signing'
  | 'code hash'
  | 'entra signing keys'
  | 'entra browser binding'
  | 'password reset'
  | 'password reset browser binding';

/** HKDF-SHA256, 32 bytes, info "signet <purpose>"; `salt` separates keys of one purpose (e.g. per API client). */
export function deriveKey(masterKey: Buffer, purpose: KeyPurpose, salt = ''): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.from(salt), `signet ${purpose}`, 32));
}
