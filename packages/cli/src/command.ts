/**
 * @file What a subcommand is, and the small helpers every subcommand shares: parsing its flags
 * with `--help` handled, and printing either a human summary or `--json`.
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

/**
 * Parses `argv` for `spec`; prints the help and returns null when `--help` was given.
 *
 * @example
 * const parsed = parseCommand(spec, argv);
 * if (!parsed) return 0;
 */
export function parseCommand<F extends FlagTable>(spec: CommandSpec<F>, argv: readonly string[]): { options: Options<F>; positional: string[] } | null {
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
