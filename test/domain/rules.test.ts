// The registration rules as plain functions: policy, phone numbers, email addresses and security answers.
import { canBeDefault, canChooseMethod, canRemoveMethod, choosableKinds, defaultAfterRemoval, meetsPolicy } from '../../src/domain/rules/registrationPolicy';
import { checkPhone, maskPhone, parseExtension, parsePhone } from '../../src/domain/rules/phoneNumbers';
import { checkEmail, maskEmail } from '../../src/domain/rules/emailAddresses';
import { checkAnswers, normaliseAnswer } from '../../src/domain/rules/securityAnswers';
import type { SecurityMethod } from '../../src/domain/user';
import { testPolicy, T0 } from '../support/coreHarness';

const policy = testPolicy().registration;
const app: SecurityMethod = { kind: 'authenticatorApp', id: 'a', createdAt: T0, secret: { iv: '', tag: '', data: '' }, lastUsedTimeStep: null };
const mobile: SecurityMethod = { kind: 'mobilePhone', id: 'm', createdAt: T0, number: '+14255550123' };
const email: SecurityMethod = { kind: 'email', id: 'e', createdAt: T0, address: 'jo@example.com' };

describe('registration policy', () => {
  it('when nothing is registered, then only the app and phones may be chosen', () => {
    expect(choosableKinds(policy, { methods: [] })).toEqual(['authenticatorApp', 'mobilePhone', 'alternatePhone', 'officePhone']);
    expect(canChooseMethod(policy, { methods: [] }, 'email')).toBe('mustStartWithAppOrPhone');
  });

  it('when an MFA method exists, then the reset-only methods may be added, and no kind twice', () => {
    expect(choosableKinds(policy, { methods: [app] })).toEqual(['mobilePhone', 'alternatePhone', 'officePhone', 'email', 'securityQuestions', 'securityKey']);
    expect(canChooseMethod(policy, { methods: [app] }, 'authenticatorApp')).toBe('alreadyRegistered');
  });

  it('when the only MFA method is removed, then it is refused; a reset-only method can always go', () => {
    expect(canRemoveMethod(policy, { methods: [mobile, email] }, 'm')).toBe('lastMfaMethod');
    expect(canRemoveMethod(policy, { methods: [mobile, email] }, 'e')).toBeNull();
    expect(canRemoveMethod(policy, { methods: [mobile, app] }, 'm')).toBeNull();
    expect(canRemoveMethod(policy, { methods: [mobile] }, 'nope')).toBe('notFound');
  });

  it('when the default is chosen, then only MFA methods qualify', () => {
    expect(canBeDefault(policy, { methods: [mobile, email] }, 'e')).toBe('notMfa');
    expect(canBeDefault(policy, { methods: [mobile, email] }, 'm')).toBeNull();
  });

  it('when the default is removed, then the next MFA method becomes the default', () => {
    expect(defaultAfterRemoval(policy, { methods: [mobile, email, app], defaultMethodId: 'm' }, 'm')).toBe('a');
    expect(defaultAfterRemoval(policy, { methods: [mobile, email, app], defaultMethodId: 'a' }, 'm')).toBe('a');
  });

  it('when counting towards the policy, then two methods including an MFA one are needed', () => {
    expect(meetsPolicy(policy, { methods: [mobile] })).toBe(false);
    expect(meetsPolicy(policy, { methods: [mobile, email] })).toBe(true);
  });
});

describe('phone numbers', () => {
  it.each([
    ['(425) 555-0123', 'US', '+14255550123', '+1 425 555 0123'],
    ['+44 7911 123456', 'US', '+447911123456', '+44 7911 123456'],
    ['07911 123456', 'GB', '+447911123456', '+44 7911 123456'],
    ['０７９１１ １２３４５６', 'GB', '+447911123456', '+44 7911 123456'],
  ] as const)('when %p is typed with default country %s, then it is %s', (input, country, e164, international) => {
    expect(parsePhone(input, country)).toMatchObject({ ok: true, phone: { e164, international } });
  });

  it.each([
    ['', 'empty'],
    ['abc', 'notANumber'],
    ['+1 (425) 555-0123; DROP', 'notANumber'],
    ['12', 'tooShort'],
    ['+999 1234 5678', 'invalidCountry'],
    ['+1 123 555 0123', 'invalid'],
    ['1'.repeat(41), 'notANumber'],
  ])('when %p is typed, then the problem is %s', (input, problem) => {
    expect(parsePhone(input, 'US')).toEqual({ ok: false, problem });
  });

  it('when a number is on the blocked list, then it is refused with the configured reason', () => {
    const phonePolicy = { defaultCountry: 'US' as const, allowedCountries: [], blockedNumbers: [{ number: '+14255550100', reason: 'callQueue' }] };
    expect(checkPhone('425-555-0100', phonePolicy, { sms: false })).toEqual({ ok: false, problem: 'blocked', reason: 'callQueue' });
  });

  it.each([
    [undefined, { ok: true, extension: null }],
    ['', { ok: true, extension: null }],
    ['x123', { ok: true, extension: '123' }],
    ['Ext. 4567', { ok: true, extension: '4567' }],
    ['12a', { ok: false }],
  ])('when the extension is %p, then it reads %j', (input, expected) => {
    expect(parseExtension(input)).toEqual(expected);
  });

  it('when a number is masked, then the country code and last two digits remain', () => {
    expect(maskPhone('+1 425 555 0123')).toBe('+1 ••• ••• ••23');
  });
});

describe('email addresses', () => {
  it.each([
    ['jo@contoso.edu', { ok: false, problem: 'blockedDomain', domain: 'contoso.edu' }],
    ['jo@mail.contoso.edu', { ok: false, problem: 'blockedDomain', domain: 'contoso.edu' }],
    ['jo@notcontoso.edu', { ok: true, address: 'jo@notcontoso.edu' }],
    ['Jo.Home@Example.COM', { ok: true, address: 'Jo.Home@example.com' }],
    ['jo@@example.com', { ok: false, problem: 'invalid' }],
    [`${'a'.repeat(250)}@x.com`, { ok: false, problem: 'tooLong' }],
    ['  ', { ok: false, problem: 'empty' }],
  ])('when the address is %p, then the check says %j', (input, expected) => {
    expect(checkEmail(input, ['contoso.edu'])).toEqual(expected);
  });

  it('when an address is masked, then only the first two letters remain', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('ja•••@example.com');
  });
});

describe('security answers', () => {
  it('when answers differ only in case, spacing or Unicode form, then they are the same', () => {
    expect(normaliseAnswer('  Ｆluffy   The  CAT ')).toBe('fluffy the cat');
    const result = checkAnswers(
      [
        { questionId: 'q1', answer: 'Fluffy the cat' },
        { questionId: 'q2', answer: 'Leeds' },
        { questionId: 'q3', answer: 'fluffy  THE cat' },
      ],
      3,
      ['q1', 'q2', 'q3'],
    );
    expect(result).toEqual({ problem: 'duplicateAnswer', index: 2, sameAs: 0 });
  });

  it('when answers are all different and long enough, then there is no problem', () => {
    expect(checkAnswers([{ questionId: 'q1', answer: 'abc' }, { questionId: 'q2', answer: 'abd' }, { questionId: 'q3', answer: 'x'.repeat(40) }], 3, ['q1', 'q2', 'q3'])).toBeNull();
  });
});
