// The person Signet serves and the security-info methods they have registered. Times are epoch milliseconds.
import type { MethodKind } from './methodKinds';
import type { Enrollment } from './enrollmentRecord';
import type { AnsweredWebhook } from './answeredWebhooks';

/** A secret sealed with AES-256-GCM; every field is base64. */
export interface SealedSecret {
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

interface MethodBase {
  readonly id: string;
  readonly createdAt: number;
}

export interface AuthenticatorAppMethod extends MethodBase {
  readonly kind: 'authenticatorApp';
  readonly secret: SealedSecret;
  /** The last TOTP time step accepted; codes of this step or earlier are replays. */
  readonly lastUsedTimeStep: number | null;
}

export interface PhoneMethod extends MethodBase {
  readonly kind: 'mobilePhone' | 'alternatePhone';
  /** E.164, e.g. +14255550123. */
  readonly number: string;
}

export interface OfficePhoneMethod extends MethodBase {
  readonly kind: 'officePhone';
  readonly number: string;
  readonly extension: string | null;
}

export interface EmailMethod extends MethodBase {
  readonly kind: 'email';
  readonly address: string;
}

export interface SecurityAnswer {
  readonly questionId: string;
  /** A salted slow hash of the normalised answer (see security/slowHash). */
  readonly answerHash: string;
}

export interface SecurityQuestionsMethod extends MethodBase {
  readonly kind: 'securityQuestions';
  readonly answers: readonly SecurityAnswer[];
}

export interface SecurityKeyMethod extends MethodBase {
  readonly kind: 'securityKey';
  readonly credentialId: string;
  readonly displayName: string;
}

export type SecurityMethod =
  | AuthenticatorAppMethod
  | PhoneMethod
  | OfficePhoneMethod
  | EmailMethod
  | SecurityQuestionsMethod
  | SecurityKeyMethod;

export type Channel = 'teams' | 'sms' | 'voice' | 'email' | 'api' | 'helpdesk' | 'system' | 'web';

export interface User {
  /** Stable directory id (the Teams AAD object id; `from.id` without Bot Framework credentials). */
  readonly id: string;
  readonly tenantId: string | null;
  readonly upn: string;
  readonly displayName: string;
  readonly locale: string;
  /** Set once the person asked for `locale` themselves ("español"): it then wins over their Teams language. */
  readonly localeChosen?: true;
  readonly methods: readonly SecurityMethod[];
  readonly defaultMethodId: string | null;
  /** The method being added, if any: the enrollment state machine's stored state. */
  readonly enrollment: Enrollment | null;
  /** Until when new codes may not be sent or tried after too many wrong ones. */
  readonly lockedUntil: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Optimistic-concurrency version: every saved change increments it. */
  readonly version: number;
  /** The last texts' answers whose processing saved this record, for their retries (absent until the first). */
  readonly answeredWebhooks?: readonly AnsweredWebhook[];
}

export type NewUser = Pick<User, 'id' | 'tenantId' | 'upn' | 'displayName' | 'locale'>;

export function methodKindOf(method: SecurityMethod): MethodKind {
  return method.kind;
}
