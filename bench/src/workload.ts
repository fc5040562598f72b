/**
 * @file What a workload is to the harness: its rows (configurations), and per row the systems
 * that run it in this process; optionally the data the PyTorch peer needs, a correctness check to
 * run before timing, and the targets the issue sets. Adding a workload is one file in workloads/
 * and one line in workloads/index.ts (and, for PyTorch, a function in peers/torch_workloads.py).
 */
import type { CheckRow } from './check.js';
import type { Row, TargetResult } from './report.js';

/** A function to time, made fresh for one measurement, and what to release afterwards. */
export interface Timed {
  run(): void;
  dispose?(): void | Promise<void>;
}

/** Makes the timed function of one system on one row; a string says why the system cannot run. */
export type System = () => Timed | string | Promise<Timed | string>;

/** One configuration of a workload: a row of the tables. */
export interface WorkloadRow {
  key: string;
  unit: Row['unit'];
  /** For ms/step and µs/op the value is median·scale; for GFLOP/s it is scale/median. */
  scale: number;
  /**
   * Systems timed in this process, by the names of the tables. Names starting with 'tapegrad' run
   * always; the others (the JS limit, tfjs) only with --peers.
   */
  systems: Record<string, System>;
}

/** What the PyTorch runs returned for a workload's correctness check, one entry per run that checked. */
export interface PeerChecks {
  torch: { system: string; check: unknown }[];
}

export interface Workload {
  /** 'W1', …: what --only takes and WORKLOADS.md defines. */
  id: string;
  /** One line: what a call measures. */
  title: string;
  rows(tiny: boolean): WorkloadRow[];
  /** The JSON-able data torch_workloads.py's function of the same id reads; absent: no PyTorch peer. */
  torch?(tiny: boolean): unknown;
  /** Checks against the peers before anything is timed (with --peers). */
  check?(tiny: boolean, peers: PeerChecks): Promise<CheckRow[]>;
  /** The targets, evaluated on this run's rows. */
  targets?(rows: readonly Row[]): TargetResult[];
}
