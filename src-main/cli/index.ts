// Process entry of the bundled CLI (out/cli/packetlab.cjs).
import { runCli } from './main';
import { writeStdoutSync } from './stdout';

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  // dissect streams its lines as bytes (stdout is synchronous for files and pipes on Linux, so the two stay in order)
  outBytes: writeStdoutSync,
  err: (text) => process.stderr.write(text),
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`packetlab: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
