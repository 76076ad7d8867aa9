// The HPACK Huffman code (RFC 7541 Appendix B). The code is canonical — codes of each length are
// consecutive, assigned in order of (length, symbol) — so the bit lengths of the 257 symbols
// (0–255 and EOS) define it completely: one character per symbol, its length + 48.
const LENGTHS = '=GLLLLLLLHNLLNLLLLLLLLNLLLLLLLLL6::<=68;::8;8666555666666678?6<:=67777777777777777777777878=C=>6?56565666577666567655677777?;>=LDFDDFFFGFGGGGGHGHHFGHGGGGEFGFGGHFEDFFGGEGFFHEFGGEEFEGFGGDFFFGFFGJJDCFGFIJJJKKJHICEJKKJKHEEJJLKKKDHDEFEEGFFIIHHJGJKJJKKKKKLKKKKKJN';

/** Decoding tree as flat arrays: node*2 + bit → child node, or ~symbol for a leaf. */
const tree = new Int32Array(2 * 512).fill(0);

(function build(): void {
  const order = Array.from({ length: 257 }, (_, s) => s).sort((a, b) => LENGTHS.charCodeAt(a) - LENGTHS.charCodeAt(b) || a - b);
  let code = 0;
  let prevLen = LENGTHS.charCodeAt(order[0]) - 48;
  let nodes = 1;
  order.forEach((sym, i) => {
    const len = LENGTHS.charCodeAt(sym) - 48;
    if (i > 0) code = (code + 1) * 2 ** (len - prevLen);
    prevLen = len;
    let node = 0;
    for (let bit = len - 1; bit >= 0; bit--) {
      const slot = node * 2 + (Math.floor(code / 2 ** bit) & 1);
      if (bit === 0) tree[slot] = ~sym;
      else {
        if (tree[slot] === 0) tree[slot] = nodes++;
        node = tree[slot];
      }
    }
  });
})();

/**
 * Decodes a Huffman-coded string literal into `out` (at least 8/5 of the input long); returns the
 * number of bytes written, or -1 when the input is invalid (EOS inside, padding longer than 7 bits
 * or not all ones: RFC 7541 section 5.2).
 */
export function huffmanDecode(b: Uint8Array, off: number, end: number, out: Uint8Array): number {
  let n = 0;
  let node = 0;
  let depth = 0; // bits read since the last symbol
  let ones = true; // whether those bits are all ones (valid padding)
  for (let i = off; i < end; i++) {
    const byte = b[i];
    for (let bit = 7; bit >= 0; bit--) {
      const v = (byte >> bit) & 1;
      const next = tree[node * 2 + v];
      depth++;
      ones &&= v === 1;
      if (next < 0) {
        const sym = ~next;
        if (sym === 256) return -1;
        out[n++] = sym;
        node = 0;
        depth = 0;
        ones = true;
      } else if (next === 0) return -1;
      else node = next;
    }
  }
  return depth > 7 || !ones ? -1 : n;
}
