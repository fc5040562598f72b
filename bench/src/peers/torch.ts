/**
 * @file The PyTorch peer: finds a Python that can `import torch` and runs
 * bench/peers/torch_workloads.py on the data file this process wrote, once per thread count.
 * No Python with torch means the peer is reported as skipped, with the reason.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Timing } from '../measure.js';
import { PARAM_NAMES } from '../data.js';

const SCRIPT = fileURLToPath(new URL('../../peers/torch_workloads.py', import.meta.url));

/** What one run of the script reports. */
export interface TorchRun {
  torch: string;
  threads: number;
  /** Shared objects providing BLAS/LAPACK that were mapped into the process. */
  blas: string[];
  blasInfo: string;
  results: Record<string, Timing>;
  /** Per workload id, what its check computed (gradients as Float64Arrays), when asked to check. */
  checks?: Record<string, unknown>;
}

/**
 * The first of $TAPEGRAD_PYTHON, python3 on the PATH and /usr/bin/python3 that imports torch
 * (Debian's python3-torch lives in the system Python, which a pyenv python3 on the PATH hides).
 */
export function findTorchPython(): { python: string } | { skipped: string } {
  const candidates = [process.env.TAPEGRAD_PYTHON, 'python3', '/usr/bin/python3'].filter(
    (p): p is string => p !== undefined && p !== '',
  );
  const tried: string[] = [];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status === 0) return { python };
    tried.push(`${python}: ${probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`}`);
  }
  return { skipped: `no Python with torch (${tried.join('; ')}); install python3-torch` };
}

/** Runs the script on the workloads `only`; throws with its stderr when it fails. */
export function runTorch(
  python: string,
  dataFile: string,
  threads: number,
  only: readonly string[],
  quick: boolean,
  check: boolean,
): TorchRun {
  const args = [SCRIPT, dataFile, '--threads', String(threads), '--only', only.join(',')];
  if (quick) args.push('--quick');
  if (check) args.push('--check');
  const run = spawnSync(python, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 30 * 60_000,
    // torch also reads these at start-up; set them so OpenBLAS/OpenMP agree with set_num_threads
    env: { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) },
  });
  if (run.status !== 0)
    throw new Error(`torch_workloads.py (${threads} thread(s)) failed: ${run.error?.message ?? run.stderr.trim()}`);
  const out = JSON.parse(run.stdout) as TorchRun;
  if (out.checks !== undefined)
    for (const id of Object.keys(out.checks)) out.checks[id] = withFloat64Grads(out.checks[id]);
  return out;
}

/** A check's `grads` (plain arrays in JSON) as Float64Arrays, in PARAM_NAMES order. */
function withFloat64Grads(check: unknown): unknown {
  const c = check as { grads?: Record<string, number[]> };
  if (c.grads === undefined) return check;
  const grads: Record<string, Float64Array> = {};
  for (const name of PARAM_NAMES) grads[name] = Float64Array.from(c.grads[name]);
  return { ...c, grads };
}
