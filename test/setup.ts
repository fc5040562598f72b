/**
 * @file Vitest runs this before every test file (vitest.config.ts, setupFiles): it seeds every
 * fast-check property of the file (see test/fast-check.ts).
 */
import fc from 'fast-check';
import { fcSeed } from './fast-check.js';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: fcSeed() });
