/**
 * @file Parameter records: nested objects and arrays whose leaves are tensors. The transforms and
 * the optimizers walk them in one fixed order (array order, then object key order).
 */
import { ShapeError, showShape } from './errors.js';
import { Tensor } from './tensor.js';

/** A tensor, or an array or plain object of trees: a parameter record such as `{ W, b }`. */
export type TensorTree = Tensor | readonly TensorTree[] | { readonly [key: string]: TensorTree };

/** The tensors of a tree, in walk order. */
export function treeLeaves(tree: TensorTree): Tensor[] {
  const leaves: Tensor[] = [];
  visit(tree, '', (x) => leaves.push(x));
  return leaves;
}

/** The tensors of a tree with their paths (`W_rec`, `layers[0].b`), in walk order. */
export function treeEntries(tree: TensorTree): [string, Tensor][] {
  const entries: [string, Tensor][] = [];
  visit(tree, '', (x, path) => entries.push([path, x]));
  return entries;
}

/** A tree of the same structure with `fn` applied to each tensor. */
export function treeMap<T extends TensorTree>(tree: T, fn: (x: Tensor, path: string) => Tensor): T {
  return mapAt(tree, '', fn) as T;
}

/**
 * Applies `fn` to matching tensors of two trees of the same structure and shapes.
 * Throws a {@link ShapeError} naming the first path where the structures or shapes differ.
 */
export function treeZip<T extends TensorTree>(
  op: string,
  a: T,
  b: TensorTree,
  fn: (x: Tensor, y: Tensor, path: string) => Tensor,
): T {
  return zipAt(op, a, b, '', fn) as T;
}

/** Rebuilds a tree of `like`'s structure from leaves in walk order. */
export function treeUnflatten<T extends TensorTree>(like: T, leaves: readonly Tensor[]): T {
  let i = 0;
  const out = treeMap(like, () => leaves[i++]);
  if (i !== leaves.length)
    throw new ShapeError('treeUnflatten', 'leaves', `expected ${i} tensors, got ${leaves.length}`);
  return out;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function visit(tree: TensorTree, path: string, fn: (x: Tensor, path: string) => void): void {
  if (tree instanceof Tensor) fn(tree, path);
  else if (Array.isArray(tree)) tree.forEach((t, i) => visit(t, join(path, i), fn));
  else if (isRecord(tree)) for (const key of Object.keys(tree)) visit(tree[key], join(path, key), fn);
  else throw notATree(path, tree);
}

function mapAt(tree: TensorTree, path: string, fn: (x: Tensor, path: string) => Tensor): TensorTree {
  if (tree instanceof Tensor) return fn(tree, path);
  if (Array.isArray(tree)) return tree.map((t, i) => mapAt(t, join(path, i), fn));
  if (isRecord(tree)) {
    const out: { [key: string]: TensorTree } = {};
    for (const key of Object.keys(tree)) out[key] = mapAt(tree[key], join(path, key), fn);
    return out;
  }
  throw notATree(path, tree);
}

function zipAt(
  op: string,
  a: TensorTree,
  b: TensorTree,
  path: string,
  fn: (x: Tensor, y: Tensor, path: string) => Tensor,
): TensorTree {
  const where = path === '' ? 'the root' : `'${path}'`;
  if (a instanceof Tensor) {
    if (!(b instanceof Tensor))
      throw new ShapeError(op, path || 'tree', `structures differ at ${where}: a tensor vs ${kind(b)}`);
    if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
      throw new ShapeError(
        op,
        path || 'tree',
        `shapes differ at ${where}: ${showShape(a.shape)} vs ${showShape(b.shape)}`,
      );
    }
    return fn(a, b, path);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || b.length !== a.length) {
      throw new ShapeError(op, path || 'tree', `structures differ at ${where}: an array of ${a.length} vs ${kind(b)}`);
    }
    return a.map((t, i) => zipAt(op, t, b[i], join(path, i), fn));
  }
  if (isRecord(a)) {
    if (!isRecord(b) || b instanceof Tensor || Array.isArray(b)) {
      throw new ShapeError(op, path || 'tree', `structures differ at ${where}: an object vs ${kind(b)}`);
    }
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const missing = ka.filter((k) => !(k in b));
    const extra = kb.filter((k) => !(k in a));
    if (missing.length > 0 || extra.length > 0) {
      throw new ShapeError(
        op,
        path || 'tree',
        `keys differ at ${where}: missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]`,
      );
    }
    const out: { [key: string]: TensorTree } = {};
    for (const key of ka) out[key] = zipAt(op, a[key], (b as { [key: string]: TensorTree })[key], join(path, key), fn);
    return out;
  }
  throw notATree(path, a);
}

function isRecord(x: unknown): x is { readonly [key: string]: TensorTree } {
  return typeof x === 'object' && x !== null && !(x instanceof Tensor) && !Array.isArray(x);
}

function kind(x: unknown): string {
  if (x instanceof Tensor) return `a tensor of shape ${showShape(x.shape)}`;
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (x === null || x === undefined) return String(x);
  return typeof x === 'object' ? 'an object' : `a ${typeof x}`;
}

function notATree(path: string, x: unknown): TypeError {
  return new TypeError(
    `tree: ${path === '' ? 'the value' : `'${path}'`} must be a Tensor, an array or an object of tensors, got ${kind(x)}`,
  );
}
