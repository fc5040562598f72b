/**
 * @file Command-line flags: a small declarative parser. Each subcommand lists its flags once
 * (name, how to read the value, default, help line); the same table produces `--help`, the usage
 * errors (exit code 2, listing the valid values) and the typed options object. Every value is
 * checked here, before any work starts, so a nonsense number never reaches a training loop.
 */

/** A command-line mistake: unknown flag or name, missing or nonsense value. The program exits with code 2. */
export class UsageError extends TypeError {
  override readonly name = 'UsageError';
  constructor(
    readonly command: string,
    detail: string,
  ) {
    super(`tapegrad ${command}: ${detail}`);
  }
}

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

/** Reads an integer ≥ `least`. */
export function intAtLeast(least: number): Reader<number> {
  return (raw) => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(v)) throw new Error(`expected an integer, got '${raw}'`);
    if (v < least) throw new Error(`must be ≥ ${least}, got ${v}`);
    return v;
  };
}

/** Reads a finite number strictly greater than `bound` (or ≥ when `inclusive`). */
export function numberAbove(bound: number, inclusive = false): Reader<number> {
  return (raw) => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v)) throw new Error(`expected a finite number, got '${raw}'`);
    if (inclusive ? v < bound : v <= bound) throw new Error(`must be ${inclusive ? '≥' : '>'} ${bound}, got ${v}`);
    return v;
  };
}

/** Reads one of a fixed set of names; the error lists them all. */
export function oneOf<T extends string>(values: readonly T[]): Reader<T> {
  return (raw) => {
    if (!(values as readonly string[]).includes(raw)) {
      throw new Error(`unknown value '${raw}'; valid values: ${values.join(', ')}`);
    }
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

/** Reads any finite number. */
export const finite: Reader<number> = (raw) => {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new Error(`expected a finite number, got '${raw}'`);
  return v;
};

/** Reads two finite numbers `A,B`; with `increasing`, A < B is required (a range). */
export function pair(increasing: boolean): Reader<[number, number]> {
  return (raw) => {
    const parts = raw.split(',');
    if (parts.length !== 2) throw new Error(`expected two numbers A,B, got '${raw}'`);
    const [a, b] = parts.map(finite);
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

/** Reads `50` or `50..200` (positive integers, MIN ≤ MAX). */
export const lengthSpec: Reader<LengthSpec> = (raw) => {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(raw.trim());
  if (!m) throw new Error(`expected N or MIN..MAX with positive integers, got '${raw}'`);
  const minLength = Number(m[1]);
  const maxLength = m[2] === undefined ? minLength : Number(m[2]);
  if (minLength < 1) throw new Error(`length must be ≥ 1, got ${minLength}`);
  if (maxLength < minLength) throw new Error(`MAX must be ≥ MIN, got ${raw}`);
  return { minLength, maxLength };
};

/** Formats a length spec the way {@link lengthSpec} reads it. */
export function showLength(l: LengthSpec): string {
  return l.maxLength === l.minLength ? `${l.minLength}` : `${l.minLength}..${l.maxLength}`;
}

/** The result of parsing: options, positional arguments, and whether help was asked for. */
export interface Parsed<F extends FlagTable> {
  readonly options: Options<F>;
  readonly positional: string[];
  readonly help: boolean;
}

/**
 * Parses `argv` against `table`. Accepts `--name value` and `--name=value`; `-h`/`--help` set
 * `help`. Unknown flags and bad values throw a {@link UsageError} naming the flag.
 *
 * @example
 * const table = { lr: flag(numberAbove(0), 0.01, 'learning rate') };
 * parseFlags('train', table, ['--lr', '0.1']).options.lr; // 0.1
 */
export function parseFlags<F extends FlagTable>(command: string, table: F, argv: readonly string[], maxPositional = 0): Parsed<F> {
  const options: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(table)) options[name] = f.default;
  const positional: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (positional.length >= maxPositional) throw new UsageError(command, `unexpected argument '${arg}'`);
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const key = camel(name);
    const f = Object.hasOwn(table, key) ? table[key] : undefined;
    if (!f) {
      const valid = Object.keys(table).map((k) => `--${kebab(k)}`);
      throw new UsageError(command, `unknown flag '--${name}'; valid flags: ${valid.join(', ')}, --help`);
    }
    if (f.read === 'bool') {
      if (eq >= 0) throw new UsageError(command, `flag '--${name}' takes no value`);
      options[key] = true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined) throw new UsageError(command, `flag '--${name}' needs a value (${f.metavar ?? 'VALUE'})`);
    try {
      options[key] = f.read(raw);
    } catch (e) {
      throw new UsageError(command, `flag '--${name}': ${(e as Error).message}`);
    }
  }
  return { options: options as Options<F>, positional, help };
}

/** The `--help` text of a subcommand: synopsis, description and one line per flag with its default. */
export function helpText(command: string, synopsis: string, description: string, table: FlagTable): string {
  const rows = Object.entries(table).map(([key, f]) => {
    const left = `--${kebab(key)}${f.read === 'bool' ? '' : ` ${f.metavar ?? 'VALUE'}`}`;
    const def = f.read === 'bool' || f.default === undefined ? '' : ` (default: ${showDefault(f.default)})`;
    return [left, `${f.help}${def}`] as const;
  });
  rows.push(['-h, --help', 'show this help'] as const);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const lines = rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`);
  return `Usage: tapegrad ${command} ${synopsis}\n\n${description}\n\nOptions:\n${lines.join('\n')}\n`;
}

function showDefault(v: unknown): string {
  if (Array.isArray(v)) return v.join(',');
  if (v !== null && typeof v === 'object' && 'minLength' in v) return showLength(v as LengthSpec);
  return String(v);
}

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
