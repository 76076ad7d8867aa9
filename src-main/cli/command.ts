// The shape every `packetlab <command>` implements. Commands write through `io` (not process.stdout
// directly) so tests can run them in-process and read what they printed.

export interface CliIO {
  out(text: string): void;
  /** Optional synchronous byte output for commands that stream a lot (must be done when it returns). */
  outBytes?(bytes: Uint8Array): void;
  err(text: string): void;
  /** Current working directory used to resolve relative paths. */
  cwd: string;
}

export interface CliCommand {
  name: string;
  /** One line for `packetlab --help`. */
  summary: string;
  /** Full usage text for `packetlab <command> --help`. */
  usage: string;
  /** Returns the process exit code. Throwing is reserved for bugs; user errors print and return 1 or 2. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Error for bad command-line usage: printed with the usage text, exit code 2. */
export class UsageError extends Error {}
