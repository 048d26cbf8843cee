// The pieces that keep parsing of what people type safe: the entry cut (Teams, SMS, API), the phone finder, the
// whole-message rule for choices, and the linear replacements of regexes that could backtrack.
import { cutStrings, cutText, cutTurnInput, INPUT_LIMITS } from '../../src/channels/inputLimits';
import { findPhoneInText, MAX_PHONE_MESSAGE } from '../../src/domain/rules/phoneNumbers';
import { isMadeOfPhrases, matchesPhrase, matchOption, matchOptionByWords, MAX_TYPED_CHOICE, normaliseTyped } from '../../dialogs/typed/choiceMatcher';
import { ANSWER_MAX_TYPED_LENGTH, checkAnswers } from '../../src/domain/rules/securityAnswers';
import { SECURITY_QUESTION_IDS } from '../../src/domain/securityQuestions';
import { TwilioWebhooks, type TwilioWebhookDeps } from '../../src/channels/twilio/twilioWebhooks';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { WebhookOnce } from '../../src/app/webhookOnce';
import { looksLikeCode } from '../../dialogs/phoneDialog';
import { trimChars } from '../../dialogs/helpDeskDialog';

describe('cutting user text at the entry', () => {
  it('when text is longer than the limit, then the first characters are kept, never half a surrogate pair', () => {
    expect(cutText('abcdef', 4)).toBe('abcd');
    expect(cutText('abc', 4)).toBe('abc');
    expect(cutText('abc😀', 4)).toBe('abc');
    expect(cutText('x'.repeat(5000))).toHaveLength(INPUT_LIMITS.typedText);
  });

  it('when a submitted object holds long strings, then each is cut, nested ones too, and "__proto__" stays a plain key', () => {
    const body = JSON.parse(`{"a":"${'x'.repeat(20)}","b":["${'y'.repeat(20)}",{"c":"${'z'.repeat(20)}"}],"__proto__":{"polluted":"${'p'.repeat(20)}"},"n":5}`) as Record<string, unknown>;
    const cut = cutStrings(body, 9);
    expect(Object.keys(cut)).toEqual(['a', 'b', '__proto__', 'n']);
    expect([cut['a'], cut['b'], cut['n']]).toEqual(['x'.repeat(9), ['y'.repeat(9), { c: 'z'.repeat(9) }], 5]);
    expect(Object.getOwnPropertyDescriptor(cut, '__proto__')?.value).toEqual({ polluted: 'p'.repeat(9) });
    expect(Object.getPrototypeOf(cut)).toBe(Object.prototype);
    expect(body['a']).toHaveLength(20);
  });

  it('when a submitted object nests deeper than the depth limit, then the deep part is left as it is (no recursion blow-up)', () => {
    let deep: unknown = 'x'.repeat(10);
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => cutStrings(deep, 4)).not.toThrow();
  });

  it('when a Teams activity arrives, then its text and submit value are cut in place', () => {
    const activity: { text?: string; value?: unknown } = { text: 'a'.repeat(5000), value: { phone: 'b'.repeat(5000) } };
    cutTurnInput(activity);
    expect(activity.text).toHaveLength(INPUT_LIMITS.typedText);
    expect((activity.value as { phone: string }).phone).toHaveLength(INPUT_LIMITS.typedText);
  });

  it('when an SMS body is 64 KB, then the handler reads the first 1 000 characters only', async () => {
    const bodies: string[] = [];
    const deps = {
      sms: { plan: async (m: { body: string }) => (bodies.push(m.body), { kind: 'answered', answer: { locale: 'en-US', replies: [] } }) },
      once: new WebhookOnce({ ledger: createMemoryStores().webhooks, clock: { now: () => 0 }, onLedgerError: () => undefined }),
      render: () => '',
      defaultLocale: 'en-US',
      onError: () => undefined,
    } as unknown as TwilioWebhookDeps;
    await new TwilioWebhooks(deps).sms({ MessageSid: 'SM1', From: '+14255550123', Body: '1'.repeat(64 * 1024) });
    expect(bodies.map((b) => b.length)).toEqual([INPUT_LIMITS.smsBody]);
  });
});

describe('finding a phone number in a message', () => {
  it.each([
    ['+43 664 12345671', { found: 'one', e164: '+4366412345671', extension: null, rest: '' }],
    ['425 555 0121', { found: 'one', e164: '+14255550121', extension: null, rest: '' }],
    ['425 555 0123 text me', { found: 'one', e164: '+14255550123', extension: null, rest: 'text me' }],
    ['+1 425 555 0123, call me', { found: 'one', e164: '+14255550123', extension: null, rest: ', call me' }],
    ['+1 425 555 0100 x 1234', { found: 'one', e164: '+14255550100', extension: '1234', rest: '' }],
    ['+1 425 555 0100 ext. 1234', { found: 'one', e164: '+14255550100', extension: '1234', rest: '' }],
    ['+1 425 555 0100 extension 1234', { found: 'one', e164: '+14255550100', extension: '1234', rest: '' }],
    ['4255550123 1', { found: 'one', e164: '+14255550123', extension: null, rest: '1' }],
    ['+１ ４２５ ５５５ ０１２３', { found: 'one', e164: '+14255550123', extension: null, rest: '' }],
    ['425 555 0123 1', { found: 'none' }],
    ['12345', { found: 'none' }],
    ['call me', { found: 'none' }],
    ['425 555 0121 and 425 555 0122', { found: 'several' }],
    ['1'.repeat(MAX_PHONE_MESSAGE + 1), { found: 'tooLong' }],
    ['\ufdfa'.repeat(20), { found: 'tooLong' }],
  ])('when the message is %p, then %j', (text, expected) => {
    const result = findPhoneInText(text, 'US');
    const summary = result.found === 'one' ? { found: 'one', e164: result.phone.e164, extension: result.extension, rest: result.rest } : result;
    expect(summary).toEqual(expected);
  });

  it('when a number is found, then it is shown back in full, international format', () => {
    const result = findPhoneInText('+43 664 12345671', 'US');
    expect(result.found === 'one' && result.phone.international).toBe('+43 664 12345671');
  });
});

describe('typed choices are whole messages', () => {
  it('when a message is longer than a choice can be, then it matches nothing, not even by its first words', () => {
    const long = `cancel${' '.repeat(MAX_TYPED_CHOICE)}x`;
    expect(normaliseTyped(long)).toBe('');
    expect(matchesPhrase(long, ['cancel'])).toBe(false);
    expect(matchesPhrase('  Cancel! ', ['cancel'])).toBe(true);
  });

  it('when a phrase is mistyped, then one slip (two in a long phrase) still matches and short words must be exact', () => {
    expect(matchesPhrase('cancell', ['cancel'])).toBe(true);
    expect(matchesPhrase('cnacel', ['cancel'])).toBe(false); // a swap is two edits: too many for a short phrase
    expect(matchesPhrase('txt me a cod', ['text me a code'])).toBe(true);
    expect(matchesPhrase('tx me a cd', ['text me a code'])).toBe(false);
    expect(matchesPhrase('halp', ['help'])).toBe(false);
  });

  it('when phrases are strung together, then isMadeOfPhrases covers them whole, and nothing left over is ignored', () => {
    const list = ['ok', 'thanks', 'thanks a lot', 'got it', 'great', 'for your help'];
    expect(isMadeOfPhrases('Great, thanks a lot for your help!', list)).toBe(true);
    expect(isMadeOfPhrases('ok thanks, got it', list)).toBe(true);
    expect(isMadeOfPhrases('thanks', list)).toBe(true);
    expect(isMadeOfPhrases('thanks, now cancel', list)).toBe(false);
    expect(isMadeOfPhrases('ok cancel', list)).toBe(false);
    expect(isMadeOfPhrases('thanks a', list)).toBe(false); // half a phrase is not a phrase
    expect(isMadeOfPhrases('', list)).toBe(false);
    expect(isMadeOfPhrases(`ok ${'thanks '.repeat(40)}`, list)).toBe(false); // longer than any choice: nothing
  });

  it('when digits are typed, then matchOption reads a position and matchOptionByWords never does', () => {
    const options = [{ id: 'sms', label: 'Text me a code' }, { id: 'voice', label: 'Call me' }];
    expect(matchOption('2', options)?.id).toBe('voice');
    expect(matchOptionByWords('2', options)).toBeUndefined();
    expect(matchOptionByWords('call me', options)?.id).toBe('voice');
  });
});

describe('linear replacements of backtracking regexes', () => {
  const OLD_LOOKS_LIKE_CODE = (text: string): boolean => /^\s*\d[\d\s-]{2,10}\d\s*$/.test(text) && text.replace(/\D/g, '').length <= 8;
  it.each(['1234', '123 456', ' 123-456 ', '12345678', '123456789', '1 2', '12-', '-123', '1234567890123', '12\n34', 'abc', '', '12 34 56 78 9'])(
    'when %p is typed at the phone step, then looksLikeCode agrees with the old regex',
    (text) => {
      expect(looksLikeCode(text)).toBe(OLD_LOOKS_LIKE_CODE(text));
    },
  );

  it('when pasted punctuation surrounds a name, then trimChars removes the runs at each end only', () => {
    expect(trimChars('<"jane@contoso.edu">.', `<"'(`, `>"'),.;:!?`)).toBe('jane@contoso.edu');
    expect(trimChars('2 hours!!', '', '.!')).toBe('2 hours');
    expect(trimChars('((((', '(', ')')).toBe('');
  });

  it('when a security answer is typed far longer than allowed, then it is too long without being normalised', () => {
    const ids = [...SECURITY_QUESTION_IDS];
    const answers = [{ questionId: ids[0]!, answer: `a${' '.repeat(ANSWER_MAX_TYPED_LENGTH)}b` }];
    expect(checkAnswers(answers, 1, ids)).toEqual({ problem: 'tooLong', index: 0 });
    expect(checkAnswers([{ questionId: ids[0]!, answer: `a${' '.repeat(20)}bc` }], 1, ids)).toBeNull();
  });
});
