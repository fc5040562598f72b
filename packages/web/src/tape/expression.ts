/**
 * @file The small language of the tape section, so a learner can type a function: an expression in
 * named inputs with + − * / ^ and the library's ops as functions (`sum(tanh(x) * y)`,
 * `matmul(W, x)`), and the inputs as lines `name = [1, 2]`. The expression is parsed once into a
 * tree and evaluated with @tapegrad/autodiff's own ops, so the tape records exactly what a program
 * calling those ops records.
 */
import {
  abs,
  add,
  div,
  dot,
  exp,
  log,
  logsumexp,
  matmul,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  neg,
  norm,
  outer,
  pow,
  relu,
  scalar,
  sigmoid,
  softmax,
  sqrt,
  square,
  sub,
  sum,
  tanh,
  tensor,
  type NestedArray,
  type Tensor,
} from '@tapegrad/autodiff';

/**
 * A syntax error in the expression or the inputs, with the column (1-based) or line it is at.
 *
 * @example
 * parseExpression('sum(x'); // throws ExpressionError: expected ')' at column 6, found the end
 */
export class ExpressionError extends SyntaxError {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

type Value = Tensor | number;
type Node =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'name'; readonly name: string; readonly at: number }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly Node[]; readonly at: number }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly kind: 'neg'; readonly arg: Node };

const asTensor = (v: Value): Tensor => (typeof v === 'number' ? scalar(v) : v);

/** A function an expression may call: how many arguments it takes and the op it runs. */
interface Fn {
  readonly arity: 1 | 2;
  readonly apply: (...xs: Value[]) => Tensor;
}
const unary = (f: (x: Tensor) => Tensor): Fn => ({ arity: 1, apply: (x) => f(asTensor(x)) });
const binary = (f: (a: Tensor, b: Tensor) => Tensor): Fn => ({
  arity: 2,
  apply: (a, b) => f(asTensor(a), asTensor(b)),
});

/** The functions an expression may call: the library's ops of the same name (reductions over all axes). */
export const FUNCTIONS: Readonly<Record<string, Fn>> = {
  tanh: unary(tanh),
  sigmoid: unary(sigmoid),
  exp: unary(exp),
  log: unary(log),
  sqrt: unary(sqrt),
  square: unary(square),
  abs: unary(abs),
  relu: unary(relu),
  neg: unary(neg),
  softmax: unary((x) => softmax(x)),
  sum: unary((x) => sum(x)),
  mean: unary((x) => mean(x)),
  max: unary((x) => max(x)),
  min: unary((x) => min(x)),
  norm: unary((x) => norm(x)),
  logsumexp: unary((x) => logsumexp(x)),
  matmul: binary(matmul),
  dot: binary(dot),
  outer: binary(outer),
  maximum: binary(maximum),
  minimum: binary(minimum),
};

const OPERATORS: Readonly<Record<string, (a: Value, b: Value) => Tensor>> = {
  '+': (a, b) => add(a, b),
  '-': (a, b) => sub(a, b),
  '*': (a, b) => mul(a, b),
  '/': (a, b) => div(a, b),
  '^': (a, b) => pow(a, b),
};

/** A parsed expression: the input names it uses, and its evaluation with the library's ops. */
export interface Expression {
  readonly names: readonly string[];
  evaluate(inputs: Readonly<Record<string, Tensor>>): Tensor;
}

/**
 * Parses `source`; throws an {@link ExpressionError} naming the column of the first mistake.
 *
 * @example
 * parseExpression('sum(tanh(x) * y)').evaluate({ x: tensor([0, 1]), y: tensor([2, 3]) }).item(); // 3·tanh(1)
 */
export function parseExpression(source: string): Expression {
  const tokens = tokenize(source);
  let p = 0;
  const peek = () => tokens[p];
  const expect = (text: string): void => {
    const t = tokens[p++];
    if (t.text !== text) throw new ExpressionError(`expected '${text}' at column ${t.at}, found ${describe(t.text)}`);
  };
  // expression := term (('+' | '-') term)*;  term := unary (('*' | '/') unary)*;  unary := '-' unary | power;
  // power := atom ('^' unary)?;  atom := number | name | name '(' args ')' | '(' expression ')'
  const expression = (): Node => {
    let left = term();
    while (peek().text === '+' || peek().text === '-')
      left = { kind: 'binary', op: tokens[p++].text, left, right: term() };
    return left;
  };
  const term = (): Node => {
    let left = unaryMinus();
    while (peek().text === '*' || peek().text === '/')
      left = { kind: 'binary', op: tokens[p++].text, left, right: unaryMinus() };
    return left;
  };
  const unaryMinus = (): Node => {
    if (peek().text !== '-') return power();
    p++;
    return { kind: 'neg', arg: unaryMinus() };
  };
  const power = (): Node => {
    const base = atom();
    if (peek().text !== '^') return base;
    p++;
    return { kind: 'binary', op: '^', left: base, right: unaryMinus() };
  };
  const atom = (): Node => {
    const t = tokens[p++];
    if (t.kind === 'number') return { kind: 'number', value: Number(t.text) };
    if (t.text === '(') {
      const inner = expression();
      expect(')');
      return inner;
    }
    if (t.kind !== 'name') throw new ExpressionError(`unexpected ${describe(t.text)} at column ${t.at}`);
    if (peek().text !== '(') return { kind: 'name', name: t.text, at: t.at };
    if (!(t.text in FUNCTIONS)) {
      throw new ExpressionError(
        `unknown function '${t.text}' at column ${t.at}; the functions are ${Object.keys(FUNCTIONS).join(', ')}`,
      );
    }
    p++;
    const args: Node[] = [];
    if (peek().text !== ')') {
      args.push(expression());
      while (peek().text === ',') {
        p++;
        args.push(expression());
      }
    }
    expect(')');
    const { arity } = FUNCTIONS[t.text];
    if (args.length !== arity)
      throw new ExpressionError(
        `${t.text} at column ${t.at} takes ${arity} argument${arity > 1 ? 's' : ''}, got ${args.length}`,
      );
    return { kind: 'call', fn: t.text, args, at: t.at };
  };
  const tree = expression();
  if (peek().kind !== 'end') throw new ExpressionError(`unexpected ${describe(peek().text)} at column ${peek().at}`);
  const names = new Set<string>();
  collectNames(tree, names);
  return { names: [...names], evaluate: (inputs) => asTensor(evaluate(tree, inputs)) };
}

function evaluate(node: Node, inputs: Readonly<Record<string, Tensor>>): Value {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'name': {
      const v = inputs[node.name];
      if (v === undefined)
        throw new ExpressionError(
          `'${node.name}' at column ${node.at} is not an input; give it a value below, as ${node.name} = [1, 2]`,
        );
      return v;
    }
    case 'neg':
      return neg(asTensor(evaluate(node.arg, inputs)));
    case 'binary':
      return OPERATORS[node.op](evaluate(node.left, inputs), evaluate(node.right, inputs));
    case 'call':
      return FUNCTIONS[node.fn].apply(...node.args.map((a) => evaluate(a, inputs)));
  }
}

function collectNames(node: Node, names: Set<string>): void {
  if (node.kind === 'name') names.add(node.name);
  else if (node.kind === 'neg') collectNames(node.arg, names);
  else if (node.kind === 'binary') [node.left, node.right].forEach((n) => collectNames(n, names));
  else if (node.kind === 'call') node.args.forEach((n) => collectNames(n, names));
}

interface Token {
  readonly kind: 'number' | 'name' | 'symbol' | 'end';
  readonly text: string;
  readonly at: number;
}

const TOKEN = /(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|([A-Za-z_]\w*)|([-+*/^(),·])/y;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < source.length && /\s/.test(source[i])) i++;
    if (i === source.length) break;
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(source);
    if (m === null) throw new ExpressionError(`unexpected '${source[i]}' at column ${i + 1}`);
    const [kind, text] =
      m[1] !== undefined
        ? (['number', m[1]] as const)
        : m[2] !== undefined
          ? (['name', m[2]] as const)
          : (['symbol', m[3] === '·' ? '*' : m[3]] as const);
    tokens.push({ kind, text, at: i + 1 });
    i = TOKEN.lastIndex;
  }
  tokens.push({ kind: 'end', text: '', at: source.length + 1 });
  return tokens;
}

function describe(text: string): string {
  return text === '' ? 'the end' : `'${text}'`;
}

/**
 * Reads inputs written one per line as `name = value`, the value a number or nested arrays of
 * numbers (JSON); blank lines and lines starting with // are skipped.
 *
 * @example
 * parseInputs('x = [0.5, -1]\ny = 2'); // { x: tensor([0.5, -1]), y: tensor(2) }
 */
export function parseInputs(source: string): Record<string, Tensor> {
  const inputs: Record<string, Tensor> = {};
  source.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('//')) return;
    const m = /^([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(line);
    if (m === null)
      throw new ExpressionError(`inputs, line ${i + 1}: expected name = value, as x = [1, 2]; got '${line}'`);
    let value: unknown;
    try {
      value = JSON.parse(m[2]);
    } catch {
      throw new ExpressionError(
        `inputs, line ${i + 1}: the value of ${m[1]} is not a number or an array of numbers: ${m[2]}`,
      );
    }
    if (!isNumbers(value))
      throw new ExpressionError(
        `inputs, line ${i + 1}: the value of ${m[1]} must be a number or nested arrays of numbers`,
      );
    inputs[m[1]] = tensor(value);
  });
  return inputs;
}

function isNumbers(v: unknown): v is NestedArray {
  return typeof v === 'number' || (Array.isArray(v) && v.every(isNumbers));
}

/**
 * Writes inputs back in the form {@link parseInputs} reads, with every float64 exact.
 *
 * @example
 * formatInputs({ x: tensor([0.5, -1]) }); // 'x = [0.5,-1]'
 */
export function formatInputs(inputs: Readonly<Record<string, Tensor>>): string {
  return Object.entries(inputs)
    .map(([name, t]) => `${name} = ${JSON.stringify(t.toArray())}`)
    .join('\n');
}
