// The password policy control (draft-behera-ldap-password-policy, OID 1.3.6.1.4.1.42.2.27.8.5.1): sent empty with a
// request, it makes OpenLDAP's ppolicy overlay answer with the precise reason a password was refused. ldapts hands
// the response control of a type we sent back to this same object, so `error` is read after the call, even a failed one.
import { Control, type BerReader } from 'ldapts';

export const PASSWORD_POLICY_OID = '1.3.6.1.4.1.42.2.27.8.5.1';

/** The ppolicy error enumeration, in the draft's order. */
export const PPOLICY_ERRORS = [
  'passwordExpired',
  'accountLocked',
  'changeAfterReset',
  'passwordModNotAllowed',
  'mustSupplyOldPassword',
  'insufficientPasswordQuality',
  'passwordTooShort',
  'passwordTooYoung',
  'passwordInHistory',
] as const;
export type PpolicyError = (typeof PPOLICY_ERRORS)[number];

const WARNING_TAG = 0xa0; // [0] constructed: timeBeforeExpiration / graceAuthNsRemaining
const ERROR_TAG = 0x81; // [1] primitive ENUMERATED

export class PasswordPolicyControl extends Control {
  /** Set when the server answered with a ppolicy error; undefined when it sent none (or no control). */
  error: PpolicyError | undefined;

  constructor() {
    super(PASSWORD_POLICY_OID, { critical: false });
  }

  protected override parseControl(reader: BerReader): void {
    this.error = undefined;
    if (reader.readSequence() === null) return;
    const end = reader.offset + reader.length;
    while (reader.offset < end) {
      const tag = reader.peek();
      if (tag === ERROR_TAG) {
        const value = reader.readTag(ERROR_TAG);
        this.error = value === null ? undefined : PPOLICY_ERRORS[value];
      } else if (tag === WARNING_TAG) {
        if (reader.readSequence(WARNING_TAG) === null) return;
        reader.offset += reader.length;
      } else {
        return; // Unknown content: ignore rather than guess.
      }
    }
  }
}
