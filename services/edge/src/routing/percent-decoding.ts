/** RFC 6570 reserved characters: kept percent-encoded in multi-segment path variables. */
const reserved = new Set("!#$&'()*+,/:;=?@[]");
const escape = /^%[0-9A-Fa-f]{2}/;
/** Text the decoding leaves as it is: no escape, no '+', no surrogate (a lone one would become U+FFFD). */
const plain = /^[^%+\uD800-\uDFFF]*$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Percent-decodes `text` the way Envoy's transcoder does: a malformed escape stays as written, and
 * with `keepReserved` so does the escape of a reserved character (so `%2F` in `{name=**}` is not
 * mistaken for a segment separator).
 */
export function percentDecode(text: string, options: { keepReserved: boolean; plusAsSpace: boolean }): string {
  // Nothing to decode (most path segments): the loop below would give back the same text.
  if (plain.test(text)) return text;
  const bytes: number[] = [];
  for (let index = 0; index < text.length; ) {
    const char = text.charAt(index);
    if (char === '%' && escape.test(text.slice(index, index + 3))) {
      const byte = Number.parseInt(text.slice(index + 1, index + 3), 16);
      if (options.keepReserved && reserved.has(String.fromCharCode(byte))) bytes.push(...encoder.encode(text.slice(index, index + 3)));
      else bytes.push(byte);
      index += 3;
    } else {
      const codePoint = text.codePointAt(index) ?? 0;
      const symbol = String.fromCodePoint(codePoint);
      bytes.push(...encoder.encode(options.plusAsSpace && symbol === '+' ? ' ' : symbol));
      index += symbol.length;
    }
  }
  return decoder.decode(new Uint8Array(bytes));
}
