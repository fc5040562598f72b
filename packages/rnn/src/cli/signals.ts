/**
 * @file Graceful stop on Ctrl-C / SIGTERM: the first signal asks the run to stop after the current
 * update (it then writes its checkpoint, so `--resume` continues from there); a second signal exits
 * at once (the previous checkpoint is intact, since checkpoints are written atomically).
 */

/**
 * Installs the handlers; `requested()` turns true after the first signal.
 *
 * @example
 * const stop = stopOnSignals();
 * trainer.run({ shouldStop: stop.requested });
 * stop.dispose();
 */
export function stopOnSignals(): { requested: () => boolean; dispose: () => void } {
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) process.stderr.write(`\n${signal}: stopping after this update and saving a checkpoint (again to exit now)\n`);
    else process.exit(130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    requested: () => count > 0,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
