// The reset policy's rules: how many verifications a person owes (default, domain, groups — the highest wins),
// which ways the usage table offers, and a text and a call counting as one phone.
import { distinctFactors, remainingMethods, requiredVerifications, resetMethodsOffered } from '../../src/app/resetRules';
import { testOrg } from '../support/coreHarness';

describe('reset policy', () => {
  const policy = testOrg({ passwordReset: { methodsRequired: 1, byDomain: [{ domain: 'staff.example.edu', methodsRequired: 2 }], byGroup: [{ group: 'Admins', methodsRequired: 2 }] } } as never).passwordReset;

  it.each([
    ['a student', 'kim@students.example.edu', [], 1],
    ['staff by domain', 'lee@STAFF.example.edu', [], 2],
    ['a student in a stricter group', 'kim@students.example.edu', ['admins'], 2],
    ['a name without a domain', null, [], 1],
  ])('when %s resets, then the policy asks for the right number', (_label, upn, groups, expected) => {
    expect(requiredVerifications(policy, { upn, groups })).toBe(expected);
  });

  it('when the usage table takes email out of reset, then the email way is not offered to anyone', () => {
    const org = testOrg({ methods: { usage: { email: { mfa: false, passwordReset: false } } } } as never);
    expect(resetMethodsOffered(org)).toEqual(['sms', 'voice', 'app', 'questions', 'teams']);
    expect(resetMethodsOffered(testOrg())).toEqual(['sms', 'voice', 'app', 'email', 'questions', 'teams']);
  });

  it('when a phone was proven by text, then a call is not offered as the second verification', () => {
    expect(distinctFactors(['sms', 'voice'])).toBe(1);
    expect(remainingMethods(testOrg(), ['sms'])).toEqual(['app', 'email', 'questions', 'teams']);
  });

  it('when a rule names a bad count, then the organisation file is refused', () => {
    expect(() => testOrg({ passwordReset: { methodsRequired: 3 } } as never)).toThrow();
  });
});
