// Child process of the benchmark: runs `packetlab dissect` in-process with stdout as output, and
// reports its own peak memory. `--noop` loads nothing (node's own footprint); `--load-only FILE`
// just reads the file and indexes it.
import { readFileSync } from 'node:fs';
import { writeStdoutSync } from '../../src-main/cli/stdout';
import { indexCapture } from '../../src-shared/capture';
import { runDissect } from '../../src-main/cli/commands/dissect';


async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let code = 0;
  if (args[0] === '--noop') {
    // node + this bundle, nothing read: the floor every figure is measured from
  } else if (args[0] === '--load-only') {
    const raw = readFileSync(args[1]);
    const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    const ix = indexCapture(bytes);
    if (!ix.count) code = 1;
  } else {
    code = await runDissect(args, {
      // Bytes are written synchronously (the writer reuses its buffer); text the same way so the
      // two never interleave out of order.
      outBytes: writeStdoutSync,
      out: (t) => writeStdoutSync(new TextEncoder().encode(t)),
      err: (t) => {
        process.stderr.write(t);
      },
      cwd: process.cwd(),
    });
  }
  process.stderr.write(`\n@@rusage ${JSON.stringify({ maxRSSKiB: process.resourceUsage().maxRSS })}\n`);
  process.exitCode = code;
}

void main();
