/**
 * @file What a subcommand is, and the small helpers every subcommand shares: parsing its flags
 * with `--help` handled, printing either a human summary or `--json`, and hearing Ctrl-C.
 */
import { helpText, parseFlags, type FlagTable, type Options } from './args.js';

/** A subcommand: a one-line summary for `tapegrad --help` and a runner returning the exit code. */
export interface Command {
  readonly summary: string;
  run(argv: readonly string[]): Promise<number>;
}

/** The description of a subcommand's flags and help text. */
export interface CommandSpec<F extends FlagTable> {
  readonly name: string;
  readonly synopsis: string;
  readonly description: string;
  readonly flags: F;
  readonly maxPositional?: number;
}

/** A parsed command line: typed options, positional arguments, and the flags given explicitly. */
export interface ParsedCommand<F extends FlagTable> {
  readonly options: Options<F>;
  readonly positional: string[];
  readonly given: ReadonlySet<keyof F & string>;
}

/**
 * Parses `argv` for `spec`; prints the help and returns null when `--help` was given.
 *
 * @example
 * const parsed = parseCommand(spec, argv);
 * if (!parsed) return 0;
 */
export function parseCommand<F extends FlagTable>(
  spec: CommandSpec<F>,
  argv: readonly string[],
): ParsedCommand<F> | null {
  const parsed = parseFlags(spec.name, spec.flags, argv, spec.maxPositional ?? 0);
  if (parsed.help) {
    process.stdout.write(helpText(spec.name, spec.synopsis, spec.description, spec.flags));
    return null;
  }
  return parsed;
}

/** Writes `value` as pretty JSON on stdout (the `--json` output). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED = 130;

/**
 * Calls `stop` on the first Ctrl-C (SIGINT) or SIGTERM, so the work can end with a checkpoint;
 * a second one exits at once. Returns a function that removes the handlers.
 *
 * @example
 * const controller = new AbortController();
 * const unhook = onInterrupt(() => controller.abort());
 * try { await work(controller.signal); } finally { unhook(); }
 */
export function onInterrupt(stop: () => void): () => void {
  let heard = false;
  const handler = () => {
    if (heard) process.exit(INTERRUPTED);
    heard = true;
    process.stderr.write('\n');
    stop();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
