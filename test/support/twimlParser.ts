// A small strict XML parser for TwiML in tests (no XML parser is among the dependencies): elements, attributes,
// text and the five predefined entities; it throws on anything malformed, such as a tag closed out of order.
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (not its children's), entities decoded, trimmed. */
  readonly text: string;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (_m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    const value = ENTITIES[e];
    if (value === undefined) throw new Error(`unknown entity &${e};`);
    return value;
  });
}

export function parseXml(xml: string): XmlElement {
  let at = 0;
  const source = xml.replace(/^<\?xml[^?]*\?>/, '');
  type Building = { name: string; attributes: Record<string, string>; children: XmlElement[]; text: string };
  const stack: Building[] = [];
  let root: XmlElement | null = null;
  const finish = (b: Building): XmlElement => ({ name: b.name, attributes: b.attributes, children: b.children, text: b.text.trim() });
  while (at < source.length) {
    const lt = source.indexOf('<', at);
    const text = source.slice(at, lt < 0 ? source.length : lt);
    if (text.trim() !== '') {
      const top = stack.at(-1);
      if (!top) throw new Error('text outside the root element');
      top.text += decode(text);
    }
    if (lt < 0) break;
    const gt = source.indexOf('>', lt);
    if (gt < 0) throw new Error('unterminated tag');
    const tag = source.slice(lt + 1, gt);
    at = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (!open || open.name !== tag.slice(1).trim()) throw new Error(`unexpected </${tag.slice(1)}>`);
      const done = finish(open);
      if (stack.length === 0) root = done;
      else stack.at(-1)!.children.push(done);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const nameMatch = /^([A-Za-z][\w.-]*)/.exec(body);
    if (!nameMatch) throw new Error(`bad tag <${tag}>`);
    const attributes: Record<string, string> = {};
    const rest = body.slice(nameMatch[1]!.length);
    const attr = /\s+([A-Za-z_][\w.-]*)="([^"]*)"/g;
    let consumed = 0;
    for (let m = attr.exec(rest); m; m = attr.exec(rest)) {
      if (m.index !== consumed) throw new Error(`bad attributes in <${tag}>`);
      attributes[m[1]!] = decode(m[2]!);
      consumed = m.index + m[0].length;
    }
    if (rest.slice(consumed).trim() !== '') throw new Error(`bad attributes in <${tag}>`);
    const element: Building = { name: nameMatch[1]!, attributes, children: [], text: '' };
    if (selfClosing) {
      if (stack.length === 0) root = finish(element);
      else stack.at(-1)!.children.push(finish(element));
    } else {
      stack.push(element);
    }
  }
  if (stack.length > 0 || root === null) throw new Error('unclosed elements');
  return root;
}

/** The elements in document order, depth first (the root excluded). */
export function flatten(element: XmlElement): XmlElement[] {
  return element.children.flatMap((c) => [c, ...flatten(c)]);
}
