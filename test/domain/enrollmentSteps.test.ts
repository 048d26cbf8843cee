// Two enrollment-record rules every channel shares: the step an expired or locked step stands in front of, and how
// each kind of phone may be checked (an office phone is called only).
import { phoneDeliveries, stepBehind, type EnrollmentStep } from '../../src/domain/enrollmentRecord';

const codeSent: EnrollmentStep & { name: 'codeSent' } = {
  name: 'codeSent',
  kind: 'mobilePhone',
  target: { type: 'phone', number: '+14255550123', extension: null },
  delivery: 'sms',
  codeHash: 'h',
  sealedCode: null,
  attempts: 1,
  sentAt: 0,
  expiresAt: 1,
  resendAvailableAt: 0,
  deliveryRef: null,
  deliveryFailure: null,
};
const scanning: EnrollmentStep & { name: 'scanningApp' } = { name: 'scanningApp', secret: { iv: '', tag: '', data: '' }, attempts: 5 };

describe('stepBehind', () => {
  it.each([
    ['an expired code', { name: 'expired', previous: codeSent } as EnrollmentStep, codeSent],
    ['a locked code', { name: 'locked', until: 9, previous: codeSent } as EnrollmentStep, codeSent],
    ['a locked app check', { name: 'locked', until: 9, previous: scanning } as EnrollmentStep, scanning],
    ['a code step', codeSent, codeSent],
    ['choosing a method', { name: 'choosingMethod' } as EnrollmentStep, { name: 'choosingMethod' }],
  ])('when the step is %s, then the step behind it is the one the person answers', (_label, step, behind) => {
    expect(stepBehind(step)).toEqual(behind);
  });
});

describe('phoneDeliveries', () => {
  it.each([
    ['mobilePhone', ['sms', 'voice']],
    ['alternatePhone', ['sms', 'voice']],
    ['officePhone', ['voice']],
  ] as const)('when the phone is a %s, then it may be checked by %j', (kind, deliveries) => {
    expect(phoneDeliveries(kind)).toEqual(deliveries);
  });
});
