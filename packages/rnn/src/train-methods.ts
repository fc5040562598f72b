/**
 * @file The training methods as a table: what each one does to ∇E before the SGD step (add
 * α·∇Ω, clip the global norm). The loop reads only this table, so a method that combines these
 * parts is one row here; the paper's Figure 7 compares the first three.
 */

/** What a method does before the SGD step. */
export interface MethodSpec {
  /** Algorithm 1: clip the global norm of the gradient at the configured threshold. */
  readonly clips: boolean;
  /** Add α·∇Ω (the paper's immediate gradient) to W_rec's gradient, before any clipping. */
  readonly regularizes: boolean;
  /** One line for error messages and help texts. */
  readonly summary: string;
}

/**
 * The methods. `sgd-r` is Ω without clipping: the paper's footnote 4 says it usually fails from
 * exploding gradients, and this method lets a run show it.
 *
 * @example
 * METHOD_SPECS['sgd-cr']; // { clips: true, regularizes: true, summary: 'SGD with clipping and Ω' }
 */
export const METHOD_SPECS = {
  sgd: { clips: false, regularizes: false, summary: 'plain SGD' },
  'sgd-c': { clips: true, regularizes: false, summary: 'SGD with gradient norm clipping (Algorithm 1)' },
  'sgd-cr': { clips: true, regularizes: true, summary: 'SGD with clipping and Ω' },
  'sgd-r': { clips: false, regularizes: true, summary: 'SGD with Ω and no clipping (footnote 4)' },
} as const satisfies Record<string, MethodSpec>;

/** A training method's name. */
export type TrainMethod = keyof typeof METHOD_SPECS;

/** Every method, in the order error messages list them. */
export const ALL_TRAIN_METHODS = Object.keys(METHOD_SPECS) as TrainMethod[];

/** The three methods of the paper's Figure 7: SGD, SGD-C, SGD-CR (what the page and the story compare). */
export const TRAIN_METHODS: readonly TrainMethod[] = ['sgd', 'sgd-c', 'sgd-cr'];
