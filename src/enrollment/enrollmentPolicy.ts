// What the enrollment machine needs to know of the organisation and of the world, gathered into one value
// the service builds once: policy from configuration, and the injected clock-free crypto helpers.
import { deriveKey } from '../security/derivedKeys';
import type { OrgConfig } from '../config/orgConfigSchema';
import type { PhonePolicy } from '../domain/rules/phoneNumbers';
import type { RegistrationPolicy } from '../domain/rules/registrationPolicy';
import type { SealedSecret } from '../domain/user';
import { codeMatches, hashCode } from '../security/oneTimeCodes';
import { openSecret, sealSecret } from '../security/secretBox';
import { slowHash } from '../security/slowHash';
import type { RandomSource } from '../security/random';

export interface CodePolicy {
  readonly length: number;
  readonly lifetimeMs: number;
  readonly maxAttempts: number;
  readonly lockoutMs: number;
  readonly resendCooldownMs: number;
}

export interface EnrollmentPolicy {
  readonly organisationName: string;
  readonly registration: RegistrationPolicy;
  readonly phone: PhonePolicy;
  readonly blockedEmailDomains: readonly string[];
  readonly securityQuestionCount: number;
  readonly codes: CodePolicy;
  readonly voiceMode: 'pressKey' | 'readCode';
}

export function enrollmentPolicyFrom(org: OrgConfig): EnrollmentPolicy {
  return {
    organisationName: org.organisation.name,
    registration: registrationPolicyFrom(org),
    phone: {
      defaultCountry: org.phone.defaultCountry,
      allowedCountries: org.phone.allowedCountries,
      blockedNumbers: org.phone.blockedNumbers,
    },
    blockedEmailDomains: org.email.blockedDomains,
    securityQuestionCount: org.securityQuestions.count,
    codes: codePolicyFrom(org),
    voiceMode: org.voice.enrollmentMode,
  };
}

/** The organisation's registration policy (how many methods, which first, which offered, what each is for). */
export function registrationPolicyFrom(org: OrgConfig): RegistrationPolicy {
  return { required: org.methods.required, firstMethodKinds: org.methods.firstMethodKinds, offered: org.methods.offered, usage: org.methods.usage };
}

export function codePolicyFrom(org: OrgConfig): CodePolicy {
  return {
    length: org.codes.length,
    lifetimeMs: org.codes.lifetimeMinutes * 60_000,
    maxAttempts: org.codes.maxAttempts,
    lockoutMs: org.codes.lockoutMinutes * 60_000,
    resendCooldownMs: org.codes.resendCooldownSeconds * 1000,
  };
}

/**
 * Keyed operations the machine may perform. They are deterministic for a given key and random source, so the
 * machine stays pure in the sense that matters: same inputs, same outputs, no I/O.
 */
export interface SecretOps {
  hashCode(context: string, code: string): string;
  codeMatches(context: string, candidate: string, storedHash: string): boolean;
  seal(plaintext: string, context: string): SealedSecret;
  open(sealed: SealedSecret, context: string): string;
  slowHash(secret: string): string;
}

export function createSecretOps(key: Buffer, random: RandomSource): SecretOps {
  // Separate keys for separate jobs, derived from the one configured key.
  const codeKey = deriveKey(key, 'code hash');
  return {
    hashCode: (context, code) => hashCode(codeKey, context, code),
    codeMatches: (context, candidate, stored) => codeMatches(codeKey, context, candidate, stored),
    seal: (plaintext, context) => sealSecret(key, random, plaintext, context),
    open: (sealed, context) => openSecret(key, sealed, context),
    slowHash: (secret) => slowHash(random, secret),
  };
}
