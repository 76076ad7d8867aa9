// Synchronous byte writes to stdout for commands that stream a lot of output (dissect): the bytes
// go out before the caller reuses its buffer, with no string round trip.
import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `bytes` to fd 1; a reader that went away (`| head`) ends the output quietly. */
export function writeStdoutSync(bytes: Uint8Array): void {
  for (let o = 0; o < bytes.length; ) {
    try {
      o += writeSync(1, bytes, o, bytes.length - o);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1); // a full non-blocking pipe: wait a millisecond, without spinning
    }
  }
}
