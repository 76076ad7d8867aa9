// The fragmentation walk IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5) share: the payload is cut
// into pieces as large as the room after the header, multiples of 8 bytes except the last (both
// carry the offset in 8-byte units). Each version wraps the pieces in its own header.

/** Room for data after the header: in the first fragment, and in the later ones (IPv4 copies only some options). */
export interface FragmentRoom {
  first: number;
  later: number;
}

/**
 * Cuts `payload` into fragments; `emit` gets each piece, its byte offset in `payload` and whether
 * it is the last, and returns the packet. An empty payload gives one empty fragment. The caller
 * checks the room holds at least 8 bytes (naming its MTU in the error).
 */
export function fragmentPayload(payload: Uint8Array, room: FragmentRoom, emit: (piece: Uint8Array, offset: number, last: boolean) => Uint8Array): Uint8Array[] {
  const first = room.first & ~7;
  const later = room.later & ~7;
  const out: Uint8Array[] = [];
  let pos = 0;
  do {
    const end = Math.min(payload.length, pos + (pos === 0 ? first : later));
    out.push(emit(payload.subarray(pos, end), pos, end === payload.length));
    pos = end;
  } while (pos < payload.length);
  return out;
}
