/**
 * @file The `tapegrad` program: the subcommand table, top-level help, and the mapping from
 * failures to exit codes (0 success, 1 a run that failed, 2 a usage error found before any work).
 */
import { ValueError } from '@tapegrad/autodiff';
import { UsageError } from './args.js';
import { CheckpointError } from './checkpoint.js';
import { collectCommand } from './commands/collect.js';
import { diagnoseCommand } from './commands/diagnose.js';
import { evalCommand } from './commands/eval.js';
import { storyCommand } from './commands/story.js';
import { surfaceCommand } from './commands/surface.js';
import { sweepCommand } from './commands/sweep.js';
import { trainCommand } from './commands/train.js';
import type { Command } from './command.js';

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
    'Usage: tapegrad [COMMAND] [OPTIONS]',
    '',
    'Reproduces Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural',
    'networks": vanishing and exploding gradients, gradient clipping and the Ω regularizer.',
    'With no command, runs `story`: the whole paper in about three minutes, with a report.',
    '',
    'Commands:',
    ...rows,
    '',
    'Run `tapegrad COMMAND --help` for the options of a command.',
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
  if (first === '-h' || first === '--help' || first === 'help') {
    process.stdout.write(topHelp());
    return 0;
  }
  const named = first !== undefined && !first.startsWith('-');
  const name = named ? first : 'story';
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (!command) throw new UsageError(name, `unknown command '${name}'; valid commands: ${Object.keys(COMMANDS).join(', ')}`);
    return await command.run(named ? rest : argv);
  } catch (e) {
    return reportFailure(e, name);
  }
}

function reportFailure(e: unknown, name: string): number {
  if (e instanceof UsageError) {
    process.stderr.write(`${e.message}\n(run 'tapegrad ${Object.hasOwn(COMMANDS, name) ? `${name} ` : ''}--help' for usage)\n`);
    return 2;
  }
  if (e instanceof ValueError) {
    // A library check that a flag value cannot pass (e.g. a length too short for a task's positions).
    process.stderr.write(`tapegrad ${name}: invalid input: ${e.message}\n`);
    return 2;
  }
  if (e instanceof CheckpointError) {
    process.stderr.write(`tapegrad ${name}: ${e.message}\n`);
    return 1;
  }
  process.stderr.write(`tapegrad ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 1;
}
