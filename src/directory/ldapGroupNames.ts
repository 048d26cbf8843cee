// A group's name from its DN (as a memberOf value lists it): the cn of the first RDN, with RFC 4514 escapes undone.
// A one-pass character scanner (no regular expression), since the value comes from the directory and may hold
// escaped commas, plus signs or UTF-8 bytes written as \XX.

const HEX = '0123456789abcdefABCDEF';

/** The cn value of the DN's first RDN (`CN=Staff,OU=Groups,…` → `Staff`); undefined when it has none or is malformed. */
export function cnOfDn(dn: string): string | undefined {
  let i = 0;
  for (;;) {
    // One attributeTypeAndValue of the first RDN: type "=" value, then "+" (another one) or "," / end (RDN done).
    const equals = dn.indexOf('=', i);
    if (equals < 0) return undefined;
    const type = dn.slice(i, equals).trim().toLowerCase();
    const bytes: number[] = [];
    let j = equals + 1;
    let ended = false;
    while (j < dn.length && !ended) {
      const c = dn[j]!;
      if (c === '\\') {
        const a = dn[j + 1];
        const b = dn[j + 2];
        if (a !== undefined && b !== undefined && HEX.includes(a) && HEX.includes(b)) {
          bytes.push(parseInt(a + b, 16));
          j += 3;
        } else if (a !== undefined) {
          const char = String.fromCodePoint(dn.codePointAt(j + 1)!);
          bytes.push(...Buffer.from(char, 'utf8'));
          j += 1 + char.length;
        } else {
          return undefined;
        }
      } else if (c === ',' || c === '+' || c === ';') {
        ended = true;
      } else {
        const char = String.fromCodePoint(dn.codePointAt(j)!);
        bytes.push(...Buffer.from(char, 'utf8'));
        j += char.length;
      }
    }
    if (type === 'cn' || type === '2.5.4.3') {
      const value = Buffer.from(bytes).toString('utf8').trim();
      return value === '' ? undefined : value;
    }
    // Another value of the same RDN follows a '+'; a ',' ends the first RDN without a cn.
    if (!ended || dn[j] !== '+') return undefined;
    i = j + 1;
  }
}
