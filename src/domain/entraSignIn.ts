// One authorize request from Entra ID (External MFA) being completed: who the hint named, where and how to answer,
// and the challenge the person chose. Created once per request (replays collide on `requestKey`).
import type { ChallengeMethod } from './challenge';

export interface EntraSignIn {
  /** Random; names the session in the browser's URLs (with the browser binding, never alone). */
  readonly id: string;
  /** SHA-256 of the id_token_hint and nonce: the same authorize form posted again collides on it. */
  readonly requestKey: string;
  /** SHA-256 of the browser's binding cookie: only the browser that posted the form may go on. */
  readonly browserHash: string;
  readonly tenantId: string;
  readonly objectId: string;
  /** The hint's pairwise `sub`, echoed in the answer. */
  readonly subject: string;
  /** The Signet user linked by oid + tid, or null when the person is not enrolled. */
  readonly userId: string | null;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly nonce: string | null;
  readonly state: string | null;
  /** The acr values Entra asked for, in its order. */
  readonly acrValues: readonly string[];
  readonly clientRequestId: string | null;
  readonly locale: string;
  readonly challengeId: string | null;
  readonly method: ChallengeMethod | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly version: number;
}
