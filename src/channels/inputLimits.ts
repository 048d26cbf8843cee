// How much of what people send Signet reads. Every channel cuts user text to these lengths at its entry, before
// any parsing, so no parser ever sees more; parsers keep their own tighter bounds where they need them.

export const INPUT_LIMITS = {
  /** A Teams message or a card's input: far more than any answer needs (the longest, security answers, are 100). */
  typedText: 1000,
  /** An inbound SMS body: a code or a keyword; Twilio allows up to 1 600, we read the first 1 000. */
  smsBody: 1000,
  /**
   * A string field of an API request body. Longer than every field's own maximum (the longest, callbackUrl, is
   * 2 048), so an over-long field is still refused by validation, never silently shortened into a valid one.
   */
  apiString: 4096,
  /** Strings nested deeper than this in a submitted object are left as they are: no parser reads that deep. */
  depth: 8,
} as const;

/** The first `max` characters of `text`, never ending on half of a surrogate pair. */
export function cutText(text: string, max: number = INPUT_LIMITS.typedText): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return text.slice(0, end);
}

/** A Teams activity's text and submit value, cut in place at the start of a turn. */
export function cutTurnInput(activity: { text?: string; value?: unknown }): void {
  if (typeof activity.text === 'string') activity.text = cutText(activity.text, INPUT_LIMITS.typedText);
  if (activity.value !== undefined) activity.value = cutStrings(activity.value, INPUT_LIMITS.typedText);
}

/**
 * A copy of a submitted value (card submit data, a JSON body) with every string cut to `max`, keys included.
 * Anything that is not a string, array or plain object is returned as it is.
 */
export function cutStrings<T>(value: T, max: number = INPUT_LIMITS.typedText, depth: number = INPUT_LIMITS.depth): T {
  if (typeof value === 'string') return cutText(value, max) as T;
  if (depth <= 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item: unknown) => cutStrings(item, max, depth - 1)) as T;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    // defineProperty: a "__proto__" key from JSON stays a plain property instead of replacing the prototype.
    Object.defineProperty(out, cutText(key, max), { value: cutStrings(item, max, depth - 1), enumerable: true, writable: true, configurable: true });
  }
  return out as T;
}
