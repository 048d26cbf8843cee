// Twilio's numeric error codes (REST refusals and status-callback ErrorCode) mapped onto the DeliveryFailure
// vocabulary the machines and locales speak (protocols.md 3.4). Unknown codes are 'unavailable'.
import type { DeliveryFailure } from '../enrollmentRecord';

const BY_CODE: Readonly<Record<number, DeliveryFailure>> = {
  21211: 'invalidNumber', // invalid 'To' number
  21217: 'invalidNumber', // phone number does not appear to be valid
  21401: 'invalidNumber', // invalid phone number (calls)
  30005: 'invalidNumber', // unknown destination handset
  21610: 'optedOut', // recipient replied STOP
  21408: 'regionNotAllowed', // geo permissions (SMS)
  21215: 'regionNotAllowed', // geo permissions (calls)
  21612: 'regionNotAllowed', // cannot route To/From combination
  60605: 'regionNotAllowed',
  30003: 'unreachable', // handset off or out of signal
  30004: 'carrierFiltered', // message blocked
  30007: 'carrierFiltered', // message filtered by the carrier
  30034: 'carrierFiltered', // unregistered A2P 10DLC sender
  21614: 'landline', // not a mobile number
  21635: 'landline',
  30006: 'landline', // landline or unreachable carrier
  60410: 'rateLimited', // fraud guard blocked the prefix
  60203: 'rateLimited',
};

export function failureForTwilioCode(code: number | null | undefined): DeliveryFailure {
  if (code === null || code === undefined) return 'unavailable';
  return BY_CODE[code] ?? 'unavailable';
}

/** Call statuses that end a call without it ever being answered by a person (protocols.md 2.3). */
export function failureForCallStatus(status: string): DeliveryFailure | null {
  switch (status) {
    case 'busy':
      return 'busy';
    case 'no-answer':
      return 'noAnswer';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'canceled';
    default:
      return null;
  }
}

/** AnsweredBy values that mean a machine (or fax) picked up, not a person. */
export function isMachine(answeredBy: string | undefined): boolean {
  return answeredBy !== undefined && (answeredBy.startsWith('machine') || answeredBy === 'fax');
}
