// The carrier keywords on SMS (protocols.md 3.2), and AYUDA for help in Spanish: only a whole message that is one
// keyword counts, in any case.
export type SmsKeyword = 'stop' | 'start' | 'help';

const KEYWORDS: Readonly<Record<string, SmsKeyword>> = {
  STOP: 'stop',
  STOPALL: 'stop',
  UNSUBSCRIBE: 'stop',
  CANCEL: 'stop',
  END: 'stop',
  QUIT: 'stop',
  REVOKE: 'stop',
  OPTOUT: 'stop',
  START: 'start',
  YES: 'start',
  UNSTOP: 'start',
  HELP: 'help',
  INFO: 'help',
  // Spanish-speaking people text AYUDA, as the Spanish help answer tells them to; Twilio itself knows only HELP/INFO,
  // so it never stops or starts anything, and no Spanish stop word is taken (Twilio would not block on it).
  AYUDA: 'help',
};

/** The keyword (and its upper-case spelling) when the whole message is one, else null. */
export function smsKeyword(body: string): { readonly keyword: SmsKeyword; readonly word: string } | null {
  const word = body.trim().toUpperCase();
  const keyword = Object.prototype.hasOwnProperty.call(KEYWORDS, word) ? KEYWORDS[word] : undefined;
  return keyword ? { keyword, word } : null;
}
