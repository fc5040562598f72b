/**
 * @file The TensorFlow.js peer (float32, its only float type): W1, W2 and W3 written the way a
 * tfjs user would (variables, `tf.variableGrads`, an SGD optimizer), run on the cpu backend (plain
 * JavaScript) and the wasm backend (XNNPACK, SIMD). Loaded with a dynamic import so a machine
 * without the dev dependencies reports the peer as skipped.
 */
import {
  CLIP_THRESHOLD,
  LEARNING_RATE,
  N_IN,
  N_OUT,
  PARAM_NAMES,
  makeW3Data,
  type ParamName,
  type W1Data,
} from '../data.js';
import type { W1Gradients } from '../tapegrad.js';

export type Tf = typeof import('@tensorflow/tfjs');
type Scalar = import('@tensorflow/tfjs').Scalar;
type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type Variable = import('@tensorflow/tfjs').Variable;

/** Loads tfjs and the wasm backend; returns a reason string when they are not installed. */
export async function loadTfjs(): Promise<Tf | string> {
  try {
    const tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
    // production mode: no debug checks, and no "install tfjs-node" banner on stdout
    tf.env().set('PROD', true);
    return tf;
  } catch (error) {
    return `@tensorflow/tfjs not installed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

let loading: Promise<Tf | string> | null = null;

/**
 * tfjs on a backend, loaded once per process; a string says why it cannot run.
 *
 * @example
 * const tf = await tfjsOn('wasm');
 * if (typeof tf !== 'string') new TfjsW1(tf, data).step();
 */
export async function tfjsOn(backend: 'cpu' | 'wasm'): Promise<Tf | string> {
  const tf = await (loading ??= loadTfjs());
  if (typeof tf === 'string') return tf;
  return (await useBackend(tf, backend)) ?? tf;
}

/** Switches backend; returns a reason when it cannot start. */
export async function useBackend(tf: Tf, backend: 'cpu' | 'wasm'): Promise<string | null> {
  const ok = await tf.setBackend(backend);
  await tf.ready();
  return ok && tf.getBackend() === backend ? null : `tfjs backend '${backend}' failed to initialise`;
}

// tfjs variable names must be unique for the whole process
let variableCount = 0;

/** W1 in tfjs: the same data, parameters as float32 variables. */
export class TfjsW1 {
  private readonly vars: Record<ParamName, Variable>;
  private readonly steps: Tensor2D[];
  private readonly targets: Tensor2D;
  private readonly optimizer;

  constructor(
    private readonly tf: Tf,
    data: W1Data,
  ) {
    this.vars = {} as Record<ParamName, Variable>;
    for (const name of PARAM_NAMES) {
      const p = data.params[name];
      this.vars[name] = tf.variable(
        tf.tensor(Float32Array.from(p.data), [...p.shape], 'float32'),
        true,
        `w1_${name}_${++variableCount}`,
      );
    }
    this.steps = [];
    for (let t = 0; t < data.T; t++) {
      const symbols = tf.tensor1d(data.symbols.subarray(t * data.B, (t + 1) * data.B), 'int32');
      this.steps.push(tf.oneHot(symbols, N_IN).toFloat() as Tensor2D);
    }
    this.targets = tf.oneHot(tf.tensor1d(data.targets, 'int32'), N_OUT).toFloat() as Tensor2D;
    this.optimizer = tf.train.sgd(LEARNING_RATE);
  }

  /** The mean cross-entropy after T steps (a function of the variables). */
  private loss(): Scalar {
    const tf = this.tf;
    const { W_rec, W_in, b, W_out, b_out } = this.vars;
    let h = tf.zeros([this.steps[0].shape[0], W_rec.shape[0]]) as Tensor2D;
    for (const u of this.steps) {
      const x = tf.add(
        tf.add(tf.matMul(h, W_rec as Tensor2D, false, true), tf.matMul(u, W_in as Tensor2D, false, true)),
        b,
      );
      h = tf.tanh(x) as Tensor2D;
    }
    const y = tf.add(tf.matMul(h, W_out as Tensor2D, false, true), b_out);
    const picked = tf.sum(tf.mul(y, this.targets), 1);
    return tf.mean(tf.sub(tf.logSumExp(y, 1), picked));
  }

  /** One training step: gradients, global-norm clip at 1, SGD. */
  step(): void {
    const tf = this.tf;
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => this.loss());
      const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))).dataSync()[0];
      const scale = norm >= CLIP_THRESHOLD ? CLIP_THRESHOLD / norm : 1;
      const clipped: Record<string, import('@tensorflow/tfjs').Tensor> = {};
      for (const [name, g] of Object.entries(grads)) clipped[name] = scale === 1 ? g : tf.mul(g, scale);
      this.optimizer.applyGradients(clipped);
    });
  }

  /** Loss and unclipped gradients at the current parameters, widened to float64 for the check. */
  gradients(): W1Gradients {
    const tf = this.tf;
    const { value, grads } = tf.variableGrads(() => this.loss());
    const out = {} as Record<ParamName, Float64Array>;
    for (const name of PARAM_NAMES) out[name] = Float64Array.from(grads[this.vars[name].name].dataSync());
    const loss = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    return { loss, grads: out };
  }

  /** Frees the variables and inputs. */
  dispose(): void {
    for (const v of Object.values(this.vars)) v.dispose();
    for (const u of this.steps) u.dispose();
    this.targets.dispose();
    this.optimizer.dispose();
  }
}

/** W2 in tfjs: the same chain of add/mul/tanh on a length-8 vector, sum, gradient. */
export function tfjsW2(tf: Tf, ops: number): () => void {
  const x = tf.tensor1d([0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8]);
  const f = tf.grad((x0: import('@tensorflow/tfjs').Tensor) => {
    let h = x0;
    for (let i = 0; i < ops; i++) {
      const phase = i % 3;
      h = phase === 0 ? tf.add(h, 0.1) : phase === 1 ? tf.mul(h, 0.9) : tf.tanh(h);
    }
    return tf.sum(h);
  });
  return () => tf.tidy(() => void f(x).dataSync());
}

/** W3 in tfjs: C = A·B (float32), and with `backward` the gradients of sum(C). */
export function tfjsW3(tf: Tf, n: number, backward: boolean): { run: () => void; dispose: () => void } {
  const { a: a64, b: b64 } = makeW3Data(n);
  const a = tf.tensor2d(Float32Array.from(a64.data), [n, n]);
  const b = tf.tensor2d(Float32Array.from(b64.data), [n, n]);
  const grads = tf.grads((x: import('@tensorflow/tfjs').Tensor, y: import('@tensorflow/tfjs').Tensor) =>
    tf.sum(tf.matMul(x as Tensor2D, y as Tensor2D)),
  );
  const run = backward
    ? () => tf.tidy(() => grads([a, b]).forEach((g) => g.dataSync()))
    : () => tf.tidy(() => void tf.matMul(a, b).dataSync());
  return { run, dispose: () => (a.dispose(), b.dispose()) };
}
