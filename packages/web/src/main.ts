/**
 * @file The page's entry: mounts the four sections, then marks the document ready (the
 * `data-ready` attribute and a `tapegrad-ready` performance mark) for tests and load-time measures.
 */
import { mountFlow } from './flow/view.js';
import { mountSurface } from './surface/view.js';
import { mountTape } from './tape/view.js';
import { mountTraining } from './training/view.js';

mountTape();
mountFlow();
mountSurface();
mountTraining();
performance.mark('tapegrad-ready');
document.documentElement.dataset.ready = 'true';
