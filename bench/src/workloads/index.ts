/**
 * @file The workloads of WORKLOADS.md, in the order the tables list them. A new workload is a file
 * beside this one and a line here.
 */
import type { Workload } from '../workload.js';
import { W1 } from './w1.js';
import { W2 } from './w2.js';
import { W3 } from './w3.js';
import { W4 } from './w4.js';

export const WORKLOADS: readonly Workload[] = [W1, W2, W3, W4];
