/**
 * @file Command-line flags. Each subcommand lists its flags once (name, how to read the value,
 * default, help line); the same table produces `--help`, the usage errors (exit code 2, naming
 * the flag and the valid values) and the typed options object. node:util's parseArgs splits the
 * arguments (`--name value`, `--name=value`, `-h`, `--` ending the flags); the readers here check
 * every value, before any work starts, with one number grammar for all flags (numbers.ts).
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import { formatCount, parseDecimal, parseInteger } from './numbers.js';

/** How one flag's text becomes a value; throws a plain message, which the parser wraps with the flag name. */
export type Reader<T> = (raw: string) => T;

/** One flag of a subcommand. `bool` flags take no value. */
export interface Flag<T> {
  readonly read: Reader<T> | 'bool';
  readonly default: T;
  readonly help: string;
  /** Shown in `--help` in place of the value, e.g. `N` or `sgd|sgd-c|sgd-cr`. */
  readonly metavar?: string;
}

/** A subcommand's flag table. */
export type FlagTable = Record<string, Flag<unknown>>;

/** The parsed options of a flag table: each flag's value type. */
export type Options<F extends FlagTable> = { -readonly [K in keyof F]: F[K]['default'] };

/** Builds a flag (helps inference keep each flag's value type). */
export function flag<T>(read: Reader<T>, defaultValue: T, help: string, metavar?: string): Flag<T> {
  return { read, default: defaultValue, help, metavar };
}

/** A flag without a value: present means true. */
export function boolFlag(help: string): Flag<boolean> {
  return { read: 'bool', default: false, help };
}

/** The largest count any flag accepts unless it says otherwise (updates, intervals). */
export const MAX_COUNT = 1e12;

/** Reads an integer in [least, most]. */
export function integer(least: number, most = MAX_COUNT): Reader<number> {
  return (raw) => parseInteger(raw, least, most);
}

/** Reads a number strictly greater than `bound` (or ≥ when `inclusive`), at most `most`. */
export function numberAbove(bound: number, inclusive = false, most = Number.MAX_VALUE): Reader<number> {
  return (raw) => {
    const v = parseDecimal(raw);
    if (inclusive ? v < bound : v <= bound) throw new Error(`must be ${inclusive ? '≥' : '>'} ${bound}, got '${raw}'`);
    if (v > most) throw new Error(`must be at most ${most}, got '${raw}'`);
    return v;
  };
}

/** Reads one of a fixed set of names; the error lists them all. */
export function oneOf<T extends string>(values: readonly T[]): Reader<T> {
  return (raw) => {
    if (!(values as readonly string[]).includes(raw))
      throw new Error(`unknown value '${raw}'; valid values: ${values.join(', ')}`);
    return raw as T;
  };
}

/** Reads a comma-separated list with `item` applied to each element, e.g. `--seeds 1,2,3`. */
export function listOf<T>(item: Reader<T>): Reader<T[]> {
  return (raw) => {
    const parts = raw.split(',').map((s) => s.trim());
    if (parts.some((p) => p === '')) throw new Error(`expected a comma-separated list, got '${raw}'`);
    return parts.map(item);
  };
}

/** Reads two numbers `A,B` within ±`most`; with `increasing`, A < B is required (a range). */
export function pair(increasing: boolean, most = 1e6): Reader<[number, number]> {
  return (raw) => {
    const parts = raw.split(',');
    if (parts.length !== 2) throw new Error(`expected two numbers A,B, got '${raw}'`);
    const [a, b] = parts.map(parseDecimal);
    if (Math.abs(a) > most || Math.abs(b) > most)
      throw new Error(`each number must be within ±${formatCount(most)}, got '${raw}'`);
    if (increasing && !(a < b)) throw new Error(`expected A < B, got '${raw}'`);
    return [a, b];
  };
}

/** Any non-empty text (paths). */
export const text: Reader<string> = (raw) => {
  if (raw === '') throw new Error('expected a non-empty value');
  return raw;
};

/** A length: `N` for a fixed length or `MIN..MAX` for the paper's uniform draw from [MIN, MAX − 1]. */
export interface LengthSpec {
  readonly minLength: number;
  readonly maxLength: number;
}

/** The longest sequence length any flag accepts (memory is checked separately, per run). */
export const MAX_LENGTH = 1_000_000;

/** Reads `50` or `50..200` (integers in the number grammar, 1 ≤ MIN ≤ MAX ≤ {@link MAX_LENGTH}). */
export const lengthSpec: Reader<LengthSpec> = (raw) => {
  const parts = raw.split('..');
  if (parts.length > 2) throw new Error(`expected N or MIN..MAX, got '${raw}'`);
  const [minLength, maxLength] = parts.map((p) => parseInteger(p.trim(), 1, MAX_LENGTH));
  if (maxLength !== undefined && maxLength < minLength) throw new Error(`MAX must be ≥ MIN, got '${raw}'`);
  return { minLength, maxLength: maxLength ?? minLength };
};

/** Formats a length spec the way {@link lengthSpec} reads it. */
export function showLength(l: LengthSpec): string {
  return l.maxLength === l.minLength ? `${l.minLength}` : `${l.minLength}..${l.maxLength}`;
}

/** The result of parsing: options, positional arguments, the flags given explicitly, and whether help was asked for. */
export interface Parsed<F extends FlagTable> {
  readonly options: Options<F>;
  readonly positional: string[];
  readonly given: ReadonlySet<keyof F & string>;
  readonly help: boolean;
}

/**
 * Parses `argv` against `table`. Unknown flags, missing values and bad values throw a
 * {@link UsageError} naming the flag. A flag given twice takes its last value.
 *
 * @example
 * const table = { lr: flag(numberAbove(0), 0.01, 'learning rate') };
 * parseFlags('train', table, ['--lr', '0.1']).options.lr; // 0.1
 */
export function parseFlags<F extends FlagTable>(
  command: string,
  table: F,
  argv: readonly string[],
  maxPositional = 0,
): Parsed<F> {
  const spec: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [key, f] of Object.entries(table)) spec[kebab(key)] = { type: f.read === 'bool' ? 'boolean' : 'string' };
  // Not strict: the loop below makes the errors, in this program's words.
  const { tokens } = parseArgs({ args: [...argv], options: spec, strict: false, allowPositionals: true, tokens: true });
  const options: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(table)) options[key] = f.default;
  const positional: string[] = [];
  const given = new Set<string>();
  let help = false;
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      if (positional.length >= maxPositional) throw new UsageError(command, `unexpected argument '${t.value}'`);
      positional.push(t.value);
      continue;
    }
    if (t.name === 'help') {
      help = true;
      continue;
    }
    const key = camel(t.name);
    const f = Object.hasOwn(table, key) && kebab(key) === t.name ? table[key] : undefined;
    if (!f) {
      const valid = Object.keys(table).map((k) => `--${kebab(k)}`);
      throw new UsageError(command, `unknown flag '${t.rawName}'; valid flags: ${valid.join(', ')}, --help`);
    }
    given.add(key);
    if (f.read === 'bool') {
      if (t.inlineValue) throw new UsageError(command, `flag '${t.rawName}' takes no value`);
      options[key] = true;
      continue;
    }
    if (t.value === undefined)
      throw new UsageError(command, `flag '${t.rawName}' needs a value (${f.metavar ?? 'VALUE'})`);
    try {
      options[key] = f.read(t.value);
    } catch (e) {
      throw new UsageError(command, `flag '${t.rawName}': ${(e as Error).message}`);
    }
  }
  return { options: options as Options<F>, positional, given: given as Set<keyof F & string>, help };
}

/**
 * The `--help` text of a subcommand: synopsis, description and one line per flag with its
 * default (left out where the help line says it, or where there is none).
 */
export function helpText(command: string, synopsis: string, description: string, table: FlagTable): string {
  const rows = Object.entries(table).map(([key, f]) => {
    const left = `--${kebab(key)}${f.read === 'bool' ? '' : ` ${f.metavar ?? 'VALUE'}`}`;
    const shown = f.read === 'bool' || /\(default/.test(f.help) ? '' : showDefault(f.default);
    return [left, `${f.help}${shown === '' ? '' : ` (default: ${shown})`}`] as const;
  });
  rows.push(
    ['-h, --help', 'show this help'] as const,
    ['--', 'end of the flags: what follows is an argument'] as const,
  );
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const lines = rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`);
  return `Usage: tapegrad ${command} ${synopsis}\n\n${description}\n\nOptions:\n${lines.join('\n')}\n`;
}

function showDefault(v: unknown): string {
  if (Array.isArray(v)) return v.join(',');
  if (v !== null && typeof v === 'object' && 'minLength' in v) return showLength(v as LengthSpec);
  return v === undefined ? '' : String(v);
}

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `validateEvery` → `validate-every`: how a flag key is spelled on the command line. */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
