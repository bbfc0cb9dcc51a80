// A small strict XML well-formedness checker for the SVG tests: balanced tags, quoted and unique
// attributes, only the five predefined entities or character references, no raw `<` or `&` in text.
// It is independent of the code under test (which only writes markup), so it can catch its mistakes.

/** One parsed element: its name, attributes and child elements. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

function decode(raw: string, where: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '<') throw new SyntaxError(`raw '<' in ${where}`);
    if (ch !== '&') { out += ch; continue; }
    const m = ENTITY.exec(raw.slice(i));
    if (!m) throw new SyntaxError(`bad entity in ${where}: ${raw.slice(i, i + 12)}`);
    const e = m[0];
    out += e === '&amp;' ? '&' : e === '&lt;' ? '<' : e === '&gt;' ? '>' : e === '&quot;' ? '"' : e === '&apos;' ? "'"
      : String.fromCodePoint(e[2] === 'x' ? parseInt(e.slice(3, -1), 16) : parseInt(e.slice(2, -1), 10));
    i += e.length - 1;
  }
  return out;
}

/** Parses an XML document (one root element) and throws SyntaxError when it is not well-formed. */
export function parseXml(source: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const skipProlog = () => {
    for (;;) {
      while (/\s/.test(source[i] ?? '')) i++;
      if (source.startsWith('<?', i)) i = source.indexOf('?>', i) + 2;
      else if (source.startsWith('<!--', i)) i = source.indexOf('-->', i) + 3;
      else return;
      if (i < 2) throw new SyntaxError('unterminated prolog');
    }
  };
  skipProlog();
  while (i < source.length) {
    if (source.startsWith('<!--', i)) {
      const end = source.indexOf('-->', i);
      if (end < 0) throw new SyntaxError('unterminated comment');
      i = end + 3;
    } else if (source.startsWith('</', i)) {
      const m = NAME.exec(source.slice(i + 2));
      const top = stack.pop();
      if (!m || !top || m[0] !== top.name) throw new SyntaxError(`mismatched </${m?.[0]}> (open: ${top?.name ?? 'none'}) at ${i}`);
      i += 2 + m[0].length;
      while (/\s/.test(source[i])) i++;
      if (source[i++] !== '>') throw new SyntaxError(`bad end tag at ${i}`);
      if (stack.length === 0) { skipProlog(); if (i < source.length) throw new SyntaxError(`content after the root element at ${i}`); }
    } else if (source[i] === '<') {
      const m = NAME.exec(source.slice(i + 1));
      if (!m) throw new SyntaxError(`bad tag at ${i}: ${source.slice(i, i + 20)}`);
      if (stack.length === 0 && root) throw new SyntaxError('second root element');
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
      i += 1 + m[0].length;
      for (;;) {
        const ws = /^\s*/.exec(source.slice(i))![0].length;
        i += ws;
        if (source.startsWith('/>', i)) { i += 2; break; }
        if (source[i] === '>') { i += 1; stack.push(el); break; }
        if (ws === 0) throw new SyntaxError(`missing space before attribute in <${el.name}> at ${i}`);
        const a = NAME.exec(source.slice(i));
        if (!a) throw new SyntaxError(`bad attribute in <${el.name}> at ${i}: ${source.slice(i, i + 20)}`);
        i += a[0].length;
        if (source[i] !== '=' || (source[i + 1] !== '"' && source[i + 1] !== "'")) throw new SyntaxError(`unquoted attribute ${a[0]} in <${el.name}>`);
        const quote = source[i + 1];
        const end = source.indexOf(quote, i + 2);
        if (end < 0) throw new SyntaxError(`unterminated attribute ${a[0]}`);
        if (a[0] in el.attrs) throw new SyntaxError(`duplicate attribute ${a[0]} in <${el.name}>`);
        el.attrs[a[0]] = decode(source.slice(i + 2, end), `attribute ${a[0]}`);
        i = end + 1;
      }
      if (stack.length === 0 || stack[stack.length - 1] !== el) {
        // Self-closing: attach now.
        if (stack.length) stack[stack.length - 1].children.push(el); else { root = el; skipProlog(); if (i < source.length) throw new SyntaxError('content after the root element'); }
      } else {
        if (stack.length > 1) stack[stack.length - 2].children.push(el); else root = el;
      }
    } else {
      const end = source.indexOf('<', i);
      const raw = source.slice(i, end < 0 ? source.length : end);
      if (stack.length === 0) { if (raw.trim()) throw new SyntaxError('text outside the root element'); }
      else stack[stack.length - 1].text += decode(raw, `<${stack[stack.length - 1].name}> text`);
      i += raw.length;
    }
  }
  if (stack.length) throw new SyntaxError(`unclosed <${stack[stack.length - 1].name}>`);
  if (!root) throw new SyntaxError('no root element');
  return root;
}

/** All elements of a tree named `name` (depth first, the root included). */
export function findAll(root: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => { if (e.name === name) out.push(e); e.children.forEach(walk); };
  walk(root);
  return out;
}

/** The text of an element and its descendants. */
export function textOf(e: XmlElement): string {
  return e.text + e.children.map(textOf).join('');
}
