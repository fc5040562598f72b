/**
 * @file The paper's three initialisations (N(0, s) has standard deviation s; biases are 0):
 *   sigmoid      σ = sigmoid, W_in, W_out, W_rec ~ N(0, 0.01)
 *   basic-tanh   σ = tanh,    W_in, W_out, W_rec ~ N(0, 0.1)
 *   smart-tanh   σ = tanh,    W_in, W_out ~ N(0, 0.01); W_rec ~ N(0, 0.01) with only 15 non-zero
 *                incoming weights per unit (per row, in the column-vector convention of eq. 2),
 *                then rescaled to spectral radius exactly 0.95.
 * Draw order from the seeded generator: W_rec (for smart-tanh: per row, the 15 columns, then their
 * values), then W_in, then W_out.
 */
import { Rng, Tensor, ValueError, mul, randn, spectralRadius, zeros } from '@tapegrad/autodiff';
import type { Activation } from './cell.js';
import type { RnnParams } from './batch.js';

/** The initialisation names. */
export type InitName = 'sigmoid' | 'basic-tanh' | 'smart-tanh';

/** Every initialisation name, in the order error messages list them. */
export const INITS: readonly InitName[] = ['sigmoid', 'basic-tanh', 'smart-tanh'];

/** Non-zero incoming weights per unit in smart-tanh's W_rec. */
export const SMART_TANH_FAN_IN = 15;

/** Spectral radius smart-tanh rescales W_rec to. */
export const SMART_TANH_RADIUS = 0.95;

/** Options of {@link initRnn}. */
export interface InitOptions {
  nIn: number;
  nHidden: number;
  nOut: number;
  init: InitName;
  /** A seed or a generator to draw from. */
  seed: number | Rng;
  /** Add a learned initial state x0 (zeros) to the record; default false (x_0 = 0, fixed). */
  learnInitialState?: boolean;
}

/**
 * Parameters drawn as the paper's table says, and the activation that goes with them.
 *
 * @example
 * const { params, activation } = initRnn({ nIn: 6, nHidden: 50, nOut: 4, init: 'smart-tanh', seed: 1 });
 * activation; // 'tanh'
 */
export function initRnn(options: InitOptions): { params: RnnParams; activation: Activation } {
  const op = 'initRnn';
  const { nIn, nHidden, nOut, init } = options;
  for (const [name, v] of [
    ['nIn', nIn],
    ['nHidden', nHidden],
    ['nOut', nOut],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new ValueError(op, `options.${name}`, `must be a positive integer, got ${v}`);
  }
  if (!(INITS as readonly unknown[]).includes(init)) {
    throw new ValueError(
      op,
      'options.init',
      `unknown initialisation ${JSON.stringify(init)}; valid values: ${INITS.join(', ')}`,
    );
  }
  const rng = typeof options.seed === 'number' ? new Rng(options.seed) : options.seed;
  if (!(rng instanceof Rng))
    throw new ValueError(op, 'options.seed', `must be an integer or an Rng, got ${String(options.seed)}`);
  const std = init === 'basic-tanh' ? 0.1 : 0.01;
  const W_rec = init === 'smart-tanh' ? smartTanhRecurrent(nHidden, rng) : randn([nHidden, nHidden], rng, 0, std);
  const params: RnnParams = {
    W_rec,
    W_in: randn([nHidden, nIn], rng, 0, std),
    b: zeros([nHidden]),
    W_out: randn([nOut, nHidden], rng, 0, std),
    b_out: zeros([nOut]),
  };
  if (options.learnInitialState === true) params.x0 = zeros([nHidden]);
  return { params, activation: init === 'sigmoid' ? 'sigmoid' : 'tanh' };
}

/**
 * Smart tanh's W_rec: each row gets min(15, n) distinct columns (a partial Fisher–Yates shuffle)
 * with N(0, 0.01) values, then the matrix is scaled to spectral radius 0.95.
 *
 * @example
 * spectralRadius(smartTanhRecurrent(50, new Rng(1))); // 0.95
 */
export function smartTanhRecurrent(n: number, rng: Rng): Tensor {
  const data = new Float64Array(n * n);
  const fanIn = Math.min(SMART_TANH_FAN_IN, n);
  const columns = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < n; c++) columns[c] = c;
    for (let p = 0; p < fanIn; p++) {
      const q = p + rng.int(n - p);
      [columns[p], columns[q]] = [columns[q], columns[p]];
      data[i * n + columns[p]] = 0.01 * rng.normal();
    }
  }
  const W = new Tensor(data, [n, n]);
  const rho = spectralRadius(W);
  if (!(rho > 0))
    throw new ValueError(
      'smartTanhRecurrent',
      'W_rec',
      `drew a matrix with spectral radius ${rho}; cannot rescale it to ${SMART_TANH_RADIUS}`,
    );
  return mul(W, SMART_TANH_RADIUS / rho);
}
