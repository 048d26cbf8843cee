// The registration-progress query the dialogs ask instead of re-deciding policy: "method N of M", what may be
// chosen now, whether registration goes on, which methods may be the default, and when changing a number is risky.
import { registrationProgress, registrationProgressOf } from '../../src/app/registrationProgress';
import type { Enrollment } from '../../src/domain/enrollmentRecord';
import type { SecurityMethod } from '../../src/domain/user';
import { newUser, T0, testPolicy } from '../support/coreHarness';

const policy = testPolicy().registration;
const mobile: SecurityMethod = { id: 'm-mobile', kind: 'mobilePhone', number: '+14255550123', createdAt: T0 };
const app: SecurityMethod = { id: 'm-app', kind: 'authenticatorApp', secret: { iv: '', tag: '', data: '' }, lastUsedTimeStep: null, createdAt: T0 };
const email: SecurityMethod = { id: 'm-email', kind: 'email', address: 'jane@example.org', createdAt: T0 };
const enrollment = (purpose: Enrollment['purpose']): Enrollment => ({ id: 'e1', purpose, replacesMethodId: null, channel: 'teams', step: { name: 'choosingMethod' }, startedAt: T0, updatedAt: T0 });

describe('registration progress', () => {
  it('when nobody has registered anything, then it is method 1 of 2, only the first-method kinds may be chosen, and the rest wait', () => {
    const p = registrationProgress(policy, newUser());
    expect(p).toMatchObject({ meetsPolicy: false, position: 1, required: 2, defaultCandidates: [], changeIsRisky: true });
    expect(p.choosable).toEqual(['authenticatorApp', 'mobilePhone', 'alternatePhone', 'officePhone']);
    expect(p.notYet).toEqual(['email', 'securityQuestions', 'securityKey']);
  });

  it('when one sign-in method is registered, then it is method 2 of 2, everything but that kind may be chosen, and a number change is risky', () => {
    const p = registrationProgress(policy, newUser({ methods: [mobile], defaultMethodId: mobile.id }));
    expect(p).toMatchObject({ meetsPolicy: false, position: 2, required: 2, changeIsRisky: true, defaultCandidates: [] });
    expect(p.choosable).not.toContain('mobilePhone');
    expect(p.choosable).toEqual(expect.arrayContaining(['authenticatorApp', 'email', 'securityQuestions', 'securityKey']));
    expect(p.notYet).toEqual(['mobilePhone']);
  });

  it('when two sign-in methods are registered, then the policy is met, the position stays at 2 and a number change is no longer risky', () => {
    const p = registrationProgress(policy, newUser({ methods: [mobile, app, email], defaultMethodId: mobile.id }));
    expect(p).toMatchObject({ meetsPolicy: true, position: 2, changeIsRisky: false });
    // The app may become the default; the default itself and the reset-only email may not.
    expect(p.defaultCandidates).toEqual([app.id]);
  });

  it('when two methods are registered but only one counts for sign-in, then the policy is met yet changing that number is risky', () => {
    const p = registrationProgress(policy, newUser({ methods: [mobile, email], defaultMethodId: mobile.id }));
    expect(p).toMatchObject({ meetsPolicy: true, changeIsRisky: true });
  });

  it('when the only sign-in method would go, then it is not removable; reset-only methods and one of two sign-in methods are', () => {
    expect(registrationProgress(policy, newUser({ methods: [mobile], defaultMethodId: mobile.id })).removable).toEqual([]);
    expect(registrationProgress(policy, newUser({ methods: [mobile, email], defaultMethodId: mobile.id })).removable).toEqual([email.id]);
    expect(registrationProgress(policy, newUser({ methods: [mobile, app, email], defaultMethodId: mobile.id })).removable).toEqual([mobile.id, app.id, email.id]);
  });

  it.each([
    ['register', 'one method', [mobile], true],
    ['register', 'two methods', [mobile, app], false],
    ['add', 'one method', [mobile], false],
    ['replace', 'one method', [mobile], false],
  ] as const)('when a %s enrollment is under way with %s, then registration continues: %s', (purpose, _label, methods, continues) => {
    expect(registrationProgress(policy, newUser({ methods, enrollment: enrollment(purpose) })).continuesRegistration).toBe(continues);
  });

  it('when nothing is under way, then registration does not continue', () => {
    expect(registrationProgress(policy, newUser({ methods: [mobile] })).continuesRegistration).toBe(false);
  });

  it('when the organisation requires three methods and offers fewer kinds first, then the query follows that policy', () => {
    const strict = testPolicy({ methods: { required: 3, firstMethodKinds: ['authenticatorApp'], offered: ['authenticatorApp', 'mobilePhone', 'email', 'securityQuestions'] } }).registration;
    const bound = registrationProgressOf(strict);
    expect(bound(newUser())).toMatchObject({ position: 1, required: 3, choosable: ['authenticatorApp'], notYet: ['mobilePhone', 'email', 'securityQuestions'] });
    expect(bound(newUser({ methods: [app, mobile] }))).toMatchObject({ meetsPolicy: false, position: 3, choosable: ['email', 'securityQuestions'] });
  });
});
