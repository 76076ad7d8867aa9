// A small, strict option parser: unknown options and missing values are usage errors, not guesses.
import { UsageError } from './command';

export interface OptionSpec {
  /** Takes a value (`--port 8080` or `--port=8080`). */
  value?: boolean;
  /** May be given several times (values collected in order). */
  repeat?: boolean;
  /** Short alias, e.g. `-Y`. */
  short?: string;
}

export interface ParsedArgs {
  options: Map<string, string[]>;
  positionals: string[];
}

export function parseArgs(args: readonly string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const options = new Map<string, string[]>();
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(spec).filter(([, s]) => s.short).map(([name, s]) => [s.short!, name]));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq > 0 ? arg.slice(eq + 1) : undefined;
      if (!(name in spec)) throw new UsageError(`unknown option --${name}`);
    } else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      name = byShort.get(arg.slice(1, 2));
      if (!name) throw new UsageError(`unknown option ${arg}`);
      inline = arg.length > 2 ? arg.slice(2) : undefined;
    } else {
      positionals.push(arg);
      continue;
    }
    const s = spec[name];
    let value = 'true';
    if (s.value) {
      if (inline !== undefined) value = inline;
      else if (i + 1 < args.length) value = args[++i];
      else throw new UsageError(`option --${name} needs a value`);
    } else if (inline !== undefined) {
      throw new UsageError(`option --${name} takes no value`);
    }
    const list = options.get(name) ?? [];
    if (list.length && !s.repeat) throw new UsageError(`option --${name} given twice`);
    list.push(value);
    options.set(name, list);
  }
  return { options, positionals };
}

export function intOption(parsed: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const raw = parsed.options.get(name)?.[0];
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}
