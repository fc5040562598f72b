/**
 * @file The `tapegrad` program: the subcommand table, top-level help and `--version`, and the
 * mapping from failures to messages and exit codes (describe.ts: 0 success, 1 a file problem or
 * a run that failed, 2 a usage error found before any work, 130 interrupted).
 */
import { collectCommand } from './commands/collect.js';
import { diagnoseCommand } from './commands/diagnose.js';
import { evalCommand } from './commands/eval.js';
import { storyCommand } from './commands/story.js';
import { surfaceCommand } from './commands/surface.js';
import { sweepCommand } from './commands/sweep.js';
import { trainCommand } from './commands/train.js';
import type { Command } from './command.js';
import { describeError, exitCodeOf } from './describe.js';
import { UsageError } from './errors.js';
import { packageVersion } from './version.js';

/** The subcommands, in the order `tapegrad --help` lists them. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  story: storyCommand,
  train: trainCommand,
  eval: evalCommand,
  sweep: sweepCommand,
  collect: collectCommand,
  surface: surfaceCommand,
  diagnose: diagnoseCommand,
};

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`);
  return [
    'Usage: tapegrad COMMAND [OPTIONS]',
    '',
    'Reproduces Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural',
    'networks": vanishing and exploding gradients, gradient clipping and the Ω regularizer.',
    'Start with `tapegrad story`: the whole paper in about three minutes, with a report.',
    '',
    'Commands:',
    ...rows,
    '',
    'Run `tapegrad COMMAND --help` for the options of a command; `tapegrad --version` for the version.',
    'Exit codes: 0 done, 1 a file problem or a failed run, 2 a bad command line, 130 interrupted.',
    '',
  ].join('\n');
}

/**
 * Runs the program with `argv` (without `node` and the script) and returns the exit code.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    process.stdout.write(topHelp());
    return 0;
  }
  if (first === '--version' || first === '-V') {
    process.stdout.write(`tapegrad ${packageVersion()}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  try {
    if (!command) {
      const what = first.startsWith('-') ? `expected a command before '${first}'` : `unknown command '${first}'`;
      throw new UsageError(first, `${what}; valid commands: ${Object.keys(COMMANDS).join(', ')}`);
    }
    return await command.run(rest);
  } catch (e) {
    const code = exitCodeOf(e);
    const hint = e instanceof UsageError ? `\n(run 'tapegrad ${command ? `${first} ` : ''}--help' for usage)` : '';
    process.stderr.write(`tapegrad${command ? ` ${first}` : ''}: ${describeError(e)}${hint}\n`);
    return code;
  }
}
