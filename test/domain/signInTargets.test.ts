// The one rule the API sign-in request and the Entra sign-in share: which methods may answer, and where each goes.
import { challengeTarget, signInMethods } from '../../src/domain/rules/signInTargets';
import { DEFAULT_METHOD_USAGE, type MethodUsageMatrix } from '../../src/domain/methodKinds';
import type { SecurityMethod } from '../../src/domain/user';
import type { ChallengeMethod } from '../../src/domain/challenge';

const app: SecurityMethod = { kind: 'authenticatorApp', id: 'a', createdAt: 0, secret: { iv: '', tag: '', data: '' }, lastUsedTimeStep: null };
const mobile: SecurityMethod = { kind: 'mobilePhone', id: 'm', createdAt: 0, number: '+14255550123' };
const alternate: SecurityMethod = { kind: 'alternatePhone', id: 'l', createdAt: 0, number: '+14255550144' };
const office: SecurityMethod = { kind: 'officePhone', id: 'o', createdAt: 0, number: '+14255550177', extension: '42' };
const email: SecurityMethod = { kind: 'email', id: 'e', createdAt: 0, address: 'jo@example.com' };
const none = { teams: false, pass: false };

describe('sign-in targets', () => {
  it('when a method does not count for MFA, then it may not answer', () => {
    expect(signInMethods({ methods: [app, email] }, DEFAULT_METHOD_USAGE).map((m) => m.id)).toEqual(['a']);
    const noApp: MethodUsageMatrix = { ...DEFAULT_METHOD_USAGE, authenticatorApp: { mfa: false, passwordReset: true } };
    expect(challengeTarget({ methods: [app], defaultMethodId: 'a' }, noApp, 'app', none)).toBeNull();
  });

  const user = { methods: [app, mobile, alternate, office], defaultMethodId: 'l' };
  const cases: Array<[ChallengeMethod, typeof user, { teams: boolean; pass: boolean }, unknown]> = [
    ['sms', user, none, { target: '+14255550144', extension: null }],
    ['sms', { methods: [office], defaultMethodId: 'o' }, none, null],
    ['voice', { ...user, defaultMethodId: 'o' }, none, { target: '+14255550177', extension: '42' }],
    ['voice', { ...user, defaultMethodId: 'a' }, none, { target: '+14255550123', extension: null }],
    ['app', user, none, { target: 'a', extension: null }],
    ['teams', user, none, null],
    ['teams', user, { teams: true, pass: false }, { target: null, extension: null }],
    ['tap', user, none, null],
    ['tap', { methods: [], defaultMethodId: 'x' }, { teams: false, pass: true }, { target: null, extension: null }],
  ];
  it.each(cases)('when the challenge is by %s, then it goes to the default such method or the first (%#)', (method, who, other, target) => {
    expect(challengeTarget(who, DEFAULT_METHOD_USAGE, method, other)).toEqual(target);
  });
});
