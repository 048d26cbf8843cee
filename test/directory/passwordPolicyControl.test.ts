// The ppolicy response control as OpenLDAP encodes it: the error enumeration is read, a warning before it skipped.
import { BerReader } from 'ldapts';
import { PasswordPolicyControl } from '../../src/directory/passwordPolicyControl';

const parse = (hex: string): PasswordPolicyControl => {
  const control = new PasswordPolicyControl();
  control.parse(new BerReader(Buffer.from(hex, 'hex')));
  return control;
};

describe('PasswordPolicyControl', () => {
  it.each([
    ['30038101' + '06', 'passwordTooShort'],
    ['30038101' + '08', 'passwordInHistory'],
    ['30038101' + '07', 'passwordTooYoung'],
    ['30038101' + '05', 'insufficientPasswordQuality'],
    // warning [0] { timeBeforeExpiration [0] 100 } then error [1] passwordInHistory
    ['3008' + 'a003800164' + '810108', 'passwordInHistory'],
  ])('when the value is %s, then the error is %s', (hex, expected) => {
    expect(parse(hex).error).toBe(expected);
  });

  it('when the value holds only a warning, or an unknown enumeration, then there is no error', () => {
    expect(parse('3005a003800164').error).toBeUndefined();
    expect(parse('300381012a').error).toBeUndefined();
  });
});
