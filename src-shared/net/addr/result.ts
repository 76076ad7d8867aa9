// Result shapes shared by the address parsers and the wire codecs. Parsers of untrusted text or
// bytes return these instead of throwing, so table parsers can add line:col and dissectors can
// turn failures into expert info.

/** Where and why parsing failed. `offset` is a character index (text) or byte offset (packets). */
export interface ParseError {
  message: string;
  offset: number;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ParseError };

/** Thrown by the convenience constructors (`ipv4('…')`, `mac('…')`) on bad input. */
export class AddrParseError extends Error {
  readonly offset: number;
  constructor(error: ParseError, input: string) {
    super(`${error.message} at position ${error.offset} in "${input}"`);
    this.name = 'AddrParseError';
    this.offset = error.offset;
  }
}

export function fail(message: string, offset: number): { ok: false; error: ParseError } {
  return { ok: false, error: { message, offset } };
}

export function unwrap<T>(result: ParseResult<T>, input: string): T {
  if (result.ok) return result.value;
  throw new AddrParseError(result.error, input);
}

/**
 * Outcome of a wire-format parser (`parseEthernet`, `parseIpv4`, …). Offsets are absolute
 * indexes into the byte array that was passed in; `payloadLength` is what the header says the
 * payload spans (trailing padding is excluded).
 */
export interface WireParsed<R> {
  ok: true;
  repr: R;
  headerLength: number;
  payloadOffset: number;
  payloadLength: number;
}

export interface WireFailure {
  ok: false;
  error: ParseError;
}

export type WireResult<R> = WireParsed<R> | WireFailure;

export function wireFail(message: string, offset: number): WireFailure {
  return { ok: false, error: { message, offset } };
}
