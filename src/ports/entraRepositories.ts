// Storage contracts of the Entra External MFA provider: its signing keys and the sign-ins in progress. Memory and
// MongoDB adapters; one conformance suite (test/stores/entraStores.test.ts).
import type { EntraSignIn } from '../domain/entraSignIn';
import type { SigningKey } from '../domain/signingKey';

export interface SigningKeyRepository {
  /** Every key ever stored that has not been retired before `since`, oldest first. */
  list(since: number): Promise<SigningKey[]>;
  /** Inserts a key; throws DuplicateKeyError('kid') when the kid exists. */
  add(key: SigningKey): Promise<void>;
  /** Sets when the key leaves the JWKS; false when there is no such key. */
  retire(kid: string, at: number): Promise<boolean>;
}

export interface EntraSignInRepository {
  /** Inserts a sign-in; throws DuplicateKeyError('requestKey') when the same request was stored before (a replay). */
  create(signIn: EntraSignIn): Promise<void>;
  get(id: string): Promise<EntraSignIn | null>;
  /** Saves a change if the stored version is `signIn.version - 1`; false when another write came first. */
  replace(signIn: EntraSignIn): Promise<boolean>;
  /** Records that the sign-in was answered. True for exactly one of any number of concurrent callers. */
  markAnswered(id: string, at: number): Promise<boolean>;
}

export interface EntraStores {
  readonly signingKeys: SigningKeyRepository;
  readonly signIns: EntraSignInRepository;
}
