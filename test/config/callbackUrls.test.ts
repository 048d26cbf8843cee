// The webhook addresses given to Twilio: what a callback learns from its own (signed) URL, the send number
// included, and that addresses from before sends were numbered still parse.
import { callbackQuery, parseCallbackContext, type CallbackContext } from '../../src/config/callbackUrls';

const context: CallbackContext = { purpose: { kind: 'enrollment', userId: 'aad-1', refId: 'enr-1', send: 3 }, locale: 'en-GB', mode: 'pressKey' };

describe('callback URLs', () => {
  it('when an enrollment send is numbered, then its address carries the number and reads back the same', () => {
    const query = callbackQuery(context, { attempt: '2' });
    expect(query).toContain('send=3');
    expect(parseCallbackContext(new URLSearchParams(query))).toEqual(context);
  });

  it('when an address has no send number (a challenge, or given out before the upgrade), then it parses without one', () => {
    const query = new URLSearchParams('kind=verification&user=aad-1&ref=ch-1&locale=en-US');
    expect(parseCallbackContext(query)).toEqual({ purpose: { kind: 'verification', userId: 'aad-1', refId: 'ch-1' }, locale: 'en-US', mode: null });
  });

  it('when the address is a notice\'s, then it reads back as a notice; an unknown kind is refused', () => {
    const notice: CallbackContext = { purpose: { kind: 'notice', userId: 'aad-1', refId: 'reset-session-1' }, locale: 'es-US', mode: null };
    expect(parseCallbackContext(new URLSearchParams(callbackQuery(notice)))).toEqual(notice);
    expect(parseCallbackContext(new URLSearchParams('kind=reminder&user=aad-1&ref=x&locale=en-US'))).toBeNull();
  });

  it.each(['0', '-1', '1.5', 'x', '', '1234567890'])('when the send number is %p, then the address is refused', (send) => {
    const query = new URLSearchParams(`kind=enrollment&user=aad-1&ref=enr-1&locale=en-US&send=${send}`);
    expect(parseCallbackContext(query)).toBeNull();
  });
});
