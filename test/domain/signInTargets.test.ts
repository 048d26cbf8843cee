// The one rule the API sign-in request and the Entra sign-in share: which methods may answer, and where each goes.
import { challengeTarget, signInMethods } from '../../src/domain/rules/signInTargets';
import { offeredMethods } from '../../src/app/entraSignInRules';
import { testOrg } from '../support/coreHarness';
import type { User } from '../../src/domain/user';
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

describe('the Entra method picker and the sign-in rule agree', () => {
  // Every combination of registered methods, each possible default, MFA usage on or off for phones, and the other
  // ways: the picker offers a way exactly when the sign-in rule finds a target for it. Fails if either walks the
  // methods its own way again.
  const CHALLENGE_METHODS: readonly ChallengeMethod[] = ['sms', 'voice', 'app', 'teams', 'tap'];
  const pool = [app, mobile, alternate, office, email];
  const subsets = Array.from({ length: 1 << pool.length }, (_, bits) => pool.filter((_, i) => bits & (1 << i)));
  const usages: Array<[string, MethodUsageMatrix]> = [
    ['default usage', DEFAULT_METHOD_USAGE],
    ['mobile not MFA', { ...DEFAULT_METHOD_USAGE, mobilePhone: { mfa: false, passwordReset: true } }],
  ];
  const others = [none, { teams: true, pass: false }, { teams: false, pass: true }];

  it.each(usages)('when the usage is %s, then every combination offers exactly the ways that have a target', (_name, usage) => {
    const org = testOrg();
    const mismatches: string[] = [];
    for (const methods of subsets) {
      for (const defaultMethodId of [null, ...methods.map((m) => m.id)]) {
        const user = { id: 'u', methods, defaultMethodId } as unknown as User;
        for (const other of others) {
          const offered = offeredMethods(user, { ...org, methods: { ...org.methods, usage } }, other).map((o) => o.method);
          for (const method of CHALLENGE_METHODS) {
            const reachable = challengeTarget(user, usage, method, other) !== null;
            if (offered.includes(method) !== reachable) mismatches.push(`${methods.map((m) => m.id).join('')}/${String(defaultMethodId)}/${method}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
