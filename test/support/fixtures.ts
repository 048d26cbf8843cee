// Realistic users, methods, enrollments, challenges and audit drafts for the store tests, built from the domain
// types so a change to them breaks the fixtures at compile time rather than silently.
import { randomUUID } from 'node:crypto';
import type { NewUser, PhoneMethod, OfficePhoneMethod, SecurityMethod, SealedSecret, User } from '../../src/domain/user';
import type { Enrollment, EnrollmentStep } from '../../src/enrollment/enrollmentTypes';
import type { Challenge } from '../../src/domain/challenge';
import type { AuditDraft } from '../../src/domain/effects';

/** 2026-11-23T09:00:00Z: an epoch-ms value well past 2^32, so a number squeezed into 32 bits would show. */
export const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
export const MINUTE = 60_000;

const uid = (prefix: string): string => `${prefix}-${randomUUID()}`;

export const sealed = (tag = 'dGFn'): SealedSecret => ({ iv: 'aXYxMjM0NTY3ODk=', tag, data: 'c2VhbGVkLWRhdGE=' });

export function newUser(overrides: Partial<NewUser> = {}): NewUser {
  return {
    id: randomUUID(),
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    upn: `user.${randomUUID().slice(0, 8)}@Contoso.com`,
    displayName: 'Ada Lovelace',
    locale: 'en-GB',
    ...overrides,
  };
}

export function mobilePhone(number: string, kind: PhoneMethod['kind'] = 'mobilePhone'): PhoneMethod {
  return { id: uid('method'), kind, number, createdAt: T0 - 10 * MINUTE };
}

export function officePhone(number: string, extension: string | null = '4711'): OfficePhoneMethod {
  return { id: uid('method'), kind: 'officePhone', number, extension, createdAt: T0 - 10 * MINUTE };
}

export function emailMethod(address: string): SecurityMethod {
  return { id: uid('method'), kind: 'email', address, createdAt: T0 - 10 * MINUTE };
}

export function authenticatorApp(): SecurityMethod {
  return { id: uid('method'), kind: 'authenticatorApp', secret: sealed(), lastUsedTimeStep: 59_301_234, createdAt: T0 - 20 * MINUTE };
}

/** A `codeSent` step: a code texted (or an email sent) and waiting to be typed in. */
export function codeSentStep(target: { phone: string } | { email: string }, sentAt = T0): EnrollmentStep & { name: 'codeSent' } {
  const isPhone = 'phone' in target;
  return {
    name: 'codeSent',
    kind: isPhone ? 'mobilePhone' : 'email',
    target: isPhone ? { type: 'phone', number: target.phone, extension: null } : { type: 'email', address: target.email },
    delivery: isPhone ? 'sms' : 'email',
    codeHash: 'hmac-sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    sealedCode: null,
    attempts: 1,
    sentAt,
    expiresAt: sentAt + 10 * MINUTE,
    resendAvailableAt: sentAt + MINUTE,
    deliveryRef: 'SM0123456789abcdef0123456789abcdef',
    deliveryFailure: null,
  };
}

export function enrollment(step: EnrollmentStep, at = T0): Enrollment {
  return { id: uid('enrollment'), purpose: 'register', replacesMethodId: null, channel: 'teams', step, startedAt: at - MINUTE, updatedAt: at };
}

/** The user as stored after create, with the given changes applied (a caller's next state). */
export function withChanges(user: User, changes: Partial<Omit<User, 'id' | 'version'>>): User {
  return { ...user, ...changes };
}

export function challenge(overrides: Partial<Challenge> & Pick<Challenge, 'userId'>): Challenge {
  const createdAt = overrides.createdAt ?? T0;
  return {
    id: uid('challenge'),
    clientId: 'contoso-vpn',
    method: 'sms',
    target: '+14255550100',
    extension: null,
    status: 'pending',
    reason: null,
    codeHash: 'hmac-sha256:aabbccddeeff00112233445566778899',
    sealedCode: sealed('Y29kZQ=='),
    numberToMatch: null,
    numberChoices: null,
    attempts: 0,
    context: { ip: '203.0.113.7', application: 'Contoso VPN', location: 'Seattle, US' },
    locale: 'en-US',
    deliveryRef: null,
    createdAt,
    expiresAt: createdAt + 5 * MINUTE,
    endedAt: null,
    endedVia: null,
    version: 1,
    ...overrides,
  };
}

export function auditDraft(userId: string, action: string, details?: AuditDraft['details']): AuditDraft {
  return details === undefined
    ? { userId, actor: userId, action, channel: 'teams' }
    : { userId, actor: userId, action, channel: 'teams', details };
}
