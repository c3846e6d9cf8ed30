// JSON.parse of a large document whose bulk is one array, an element at a time: SUBSCRIBED carries every task of
// the cluster (7 MB of JSON at 1,000 agents), and parsed whole its tree holds several times that in memory at once,
// the daemon's largest allocation. Parsed element by element, each element's tree is garbage as soon as `item` has
// read it, so the peak is the largest element, not the document. The result is what JSON.parse then `item` on
// every element would give: the text outside the array is still parsed by JSON.parse, each element too.

/** Where the array at a path of object keys lies, and its elements: byte offsets in the text. */
interface Found {
  start: number;
  end: number;
  items: [number, number][];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Index just past the string that opens at `i` (a quote), or -1 when it does not close. */
function skipString(buf: Uint8Array, i: number): number {
  for (let j = i + 1; j < buf.length; j++) {
    if (buf[j] === BACKSLASH) j++;
    else if (buf[j] === QUOTE) return j + 1;
  }
  return -1;
}

/**
 * Finds the array at `path`. Null when it is not there, is there more than once, or the text is malformed on the
 * way (JSON.parse of the whole then says what is wrong). A key spelled with escapes never matches: the check after
 * parsing (see parseSplit) catches a duplicate written that way.
 */
function findArray(buf: Uint8Array, path: readonly string[]): Found | null {
  const keys: (string | null)[] = [];
  const kinds: number[] = [];
  let found: Found | null = null;
  let pendingKey: string | null = null;
  let i = 0;
  while (i < buf.length) {
    const c = buf[i];
    if (isSpace(c) || c === 0x2c || c === 0x3a) {
      i++;
      continue;
    }
    const inObject = kinds.length > 0 && kinds[kinds.length - 1] === 0x7b;
    if (c === QUOTE) {
      const end = skipString(buf, i);
      if (end < 0) return null;
      let j = end;
      while (j < buf.length && isSpace(buf[j])) j++;
      if (inObject && buf[j] === 0x3a) pendingKey = Buffer.from(buf.buffer, buf.byteOffset + i + 1, end - i - 2).toString('latin1');
      else pendingKey = null;
      i = end;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      keys.push(inObject ? pendingKey : null);
      kinds.push(c);
      pendingKey = null;
      if (c === 0x5b && keys.length === path.length + 1 && keys.slice(1).every((k, n) => k === path[n]) && kinds[kinds.length - 2] === 0x7b) {
        if (found) return null;
        const items = elements(buf, i);
        if (!items) return null;
        found = items;
        i = items.end;
        keys.pop();
        kinds.pop();
        continue;
      }
      i++;
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      keys.pop();
      kinds.pop();
      i++;
      continue;
    }
    i++; // a number or a literal
  }
  return found;
}

/** The elements of the array that opens at `open`, by bracket depth, strings skipped. */
function elements(buf: Uint8Array, open: number): Found | null {
  const items: [number, number][] = [];
  let depth = 0;
  let itemStart = -1;
  for (let i = open + 1; i < buf.length; i++) {
    const c = buf[i];
    if (c === QUOTE) {
      if (depth === 0 && itemStart < 0) itemStart = i;
      const end = skipString(buf, i);
      if (end < 0) return null;
      i = end - 1;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === 0 && itemStart < 0) itemStart = i;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) {
        if (itemStart >= 0) items.push([itemStart, i]);
        return { start: open, end: i + 1, items };
      }
      depth--;
    } else if (depth === 0 && c === 0x2c) {
      items.push([itemStart, i]);
      itemStart = -1;
    } else if (depth === 0 && itemStart < 0 && !isSpace(c)) itemStart = i;
  }
  return null;
}

/**
 * JSON.parse of the text, with the array at `path` (object keys from the root) read an element at a time: `items`
 * holds `item` of each element, and the array is left empty in `root`. When the array cannot be split out (not
 * there, there twice, or the text malformed), `root` is the whole text parsed and `items` is null.
 * Throws JSON.parse's SyntaxError for malformed text, and whatever `item` throws.
 */
export function parseSplit<T>(buf: Uint8Array, path: readonly string[], item: (v: unknown, index: number) => T): { root: unknown; items: T[] | null } {
  const text = (from: number, to: number) => Buffer.from(buf.buffer, buf.byteOffset + from, to - from).toString('utf8');
  const found = findArray(buf, path);
  if (found) {
    // A placeholder no document holds by chance: it checks that the array split out is the one JSON.parse keeps.
    const mark = `split-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    const root: unknown = JSON.parse(`${text(0, found.start)}${JSON.stringify(mark)}${text(found.end, buf.length)}`);
    const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], root) as Record<string, unknown>;
    const key = path[path.length - 1];
    if (parent[key] === mark) {
      parent[key] = [];
      return { root, items: found.items.map(([from, to], n) => item(JSON.parse(text(from, to)), n)) };
    }
  }
  return { root: JSON.parse(text(0, buf.length)), items: null };
}
