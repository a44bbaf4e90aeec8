import type { ArithmeticOperator, ArrayNode, BinaryNode, ExpressionNode, OrderOperator, PathNode, UnaryNode } from './ast';
import { ExpressionEvaluationError } from './errors';
import { child, deepEqual, includesDeep, isPrimitive, typeName } from './values';

export interface EvaluationContext {
  data: unknown;
  meta: unknown;
}

/** Evaluates a compiled expression against one record; may throw ExpressionEvaluationError. */
export type CompiledExpression = (context: EvaluationContext) => unknown;

type Evaluator = CompiledExpression;

/**
 * Turns an AST into a tree of closures, built once per expression so that evaluation never
 * re-inspects node types. The AST height is bounded by the parser, so recursion here and in
 * the closures is shallow.
 */
export function compileNode(node: ExpressionNode): Evaluator {
  switch (node.type) {
    case 'Literal': {
      const value = node.value;
      return () => value;
    }
    case 'Array':
      return compileArray(node);
    case 'Path':
      return compilePath(node);
    case 'Unary':
      return compileUnary(node);
    case 'Binary':
      return compileBinary(node);
  }
}

/** The value of a subtree made only of literals, wrapped so that `null` is distinguishable from "not constant". */
function constantOf(node: ExpressionNode): { value: unknown } | undefined {
  if (node.type === 'Literal') return { value: node.value };
  if (node.type !== 'Array') return undefined;
  const values: unknown[] = [];
  for (const element of node.elements) {
    const constant = constantOf(element);
    if (constant === undefined) return undefined;
    values.push(constant.value);
  }
  return { value: values };
}

function compileArray(node: ArrayNode): Evaluator {
  const elements = node.elements.map(compileNode);
  // A fresh array per evaluation: results may be stored in records and mutated by callers.
  return (context) => {
    const values = new Array<unknown>(elements.length);
    for (let i = 0; i < elements.length; i++) values[i] = elements[i](context);
    return values;
  };
}

function compilePath(node: PathNode): Evaluator {
  const keys = node.segments;
  const data = node.root === 'data';
  // Unrolled for the common short paths; `?? null` because a caller may pass undefined.
  switch (keys.length) {
    case 0:
      return data ? (context) => context.data ?? null : (context) => context.meta ?? null;
    case 1: {
      const [k0] = keys;
      return data ? (context) => child(context.data, k0) : (context) => child(context.meta, k0);
    }
    case 2: {
      const [k0, k1] = keys;
      return data ? (context) => child(child(context.data, k0), k1) : (context) => child(child(context.meta, k0), k1);
    }
    default:
      return (context) => {
        let value = data ? context.data : context.meta;
        for (let i = 0; i < keys.length; i++) value = child(value, keys[i]);
        return value;
      };
  }
}

function compileUnary(node: UnaryNode): Evaluator {
  const operand = compileNode(node.operand);
  if (node.operator === '!') return (context) => operand(context) !== true;
  return (context) => {
    const value = operand(context);
    if (typeof value === 'number') return -value;
    if (value === null) return null;
    throw new ExpressionEvaluationError(`cannot negate ${typeName(value)} at position ${node.position}`);
  };
}

/** Operands of comparison operators never escape, so constant arrays can be shared between evaluations. */
function compileOperand(node: ExpressionNode): Evaluator {
  const constant = constantOf(node);
  if (constant === undefined) return compileNode(node);
  const value = constant.value;
  return () => value;
}

function compileBinary(node: BinaryNode): Evaluator {
  switch (node.operator) {
    case '||': {
      const left = compileNode(node.left);
      const right = compileNode(node.right);
      return (context) => left(context) === true || right(context) === true;
    }
    case '&&': {
      const left = compileNode(node.left);
      const right = compileNode(node.right);
      return (context) => left(context) === true && right(context) === true;
    }
    case '==':
      return compileEquality(node, false);
    case '!=':
      return compileEquality(node, true);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compileOrder(node.operator, compileNode(node.left), node.right);
    case 'in':
      return compileIn(node);
    case 'contains': {
      const left = compileNode(node.left);
      const right = compileOperand(node.right);
      return (context) => {
        const l = left(context);
        const r = right(context);
        if (typeof l === 'string') return typeof r === 'string' && l.includes(r);
        return Array.isArray(l) && includesDeep(l, r);
      };
    }
    case 'startsWith': {
      const left = compileNode(node.left);
      const right = compileNode(node.right);
      return (context) => {
        const l = left(context);
        const r = right(context);
        return typeof l === 'string' && typeof r === 'string' && l.startsWith(r);
      };
    }
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return compileArithmetic(node, node.operator);
  }
}

function compileEquality(node: BinaryNode, negate: boolean): Evaluator {
  const leftConstant = constantOf(node.left);
  const rightConstant = constantOf(node.right);
  // Against a primitive literal, === is exactly deep equality (literals are never NaN).
  const primitive = rightConstant !== undefined && isPrimitive(rightConstant.value) ? { side: node.left, value: rightConstant.value }
    : leftConstant !== undefined && isPrimitive(leftConstant.value) ? { side: node.right, value: leftConstant.value }
    : undefined;
  if (primitive !== undefined) {
    const operand = compileNode(primitive.side);
    const value = primitive.value;
    return negate ? (context) => operand(context) !== value : (context) => operand(context) === value;
  }
  const left = compileOperand(node.left);
  const right = compileOperand(node.right);
  return negate ? (context) => !deepEqual(left(context), right(context)) : (context) => deepEqual(left(context), right(context));
}

function compileOrder(operator: OrderOperator, left: Evaluator, rightNode: ExpressionNode): Evaluator {
  // `data.x > 100` is the common shape: specialise on a numeric literal to skip a call and a type test.
  if (rightNode.type === 'Literal' && typeof rightNode.value === 'number') {
    const c = rightNode.value;
    switch (operator) {
      case '<':
        return (context) => {
          const l = left(context);
          return typeof l === 'number' && l < c;
        };
      case '<=':
        return (context) => {
          const l = left(context);
          return typeof l === 'number' && l <= c;
        };
      case '>':
        return (context) => {
          const l = left(context);
          return typeof l === 'number' && l > c;
        };
      case '>=':
        return (context) => {
          const l = left(context);
          return typeof l === 'number' && l >= c;
        };
    }
  }
  const right = compileNode(rightNode);
  const test = ORDER_TESTS[operator];
  return (context) => {
    const l = left(context);
    const r = right(context);
    return ((typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string')) && test(l, r);
  };
}

// Only called with two numbers or two strings; string order is by UTF-16 code units.
const ORDER_TESTS: Readonly<Record<OrderOperator, (l: number | string, r: number | string) => boolean>> = {
  '<': (l, r) => l < r,
  '<=': (l, r) => l <= r,
  '>': (l, r) => l > r,
  '>=': (l, r) => l >= r,
};

function compileIn(node: BinaryNode): Evaluator {
  const left = compileNode(node.left);
  const constant = constantOf(node.right);
  if (constant !== undefined && Array.isArray(constant.value)) {
    const values: unknown[] = constant.value;
    if (values.every(isPrimitive)) {
      // Set.has is SameValueZero: same as === here since literals are never NaN, and a NaN from data finds nothing.
      const set = new Set<unknown>(values);
      return (context) => set.has(left(context));
    }
    return (context) => includesDeep(values, left(context));
  }
  const right = compileNode(node.right);
  return (context) => {
    const l = left(context);
    const r = right(context);
    return Array.isArray(r) && includesDeep(r, l);
  };
}

function compileArithmetic(node: BinaryNode, operator: ArithmeticOperator): Evaluator {
  const left = compileNode(node.left);
  const right = compileNode(node.right);
  const at = node.operatorPosition;
  if (operator === '+') {
    return (context) => {
      const l = left(context);
      const r = right(context);
      if (typeof l === 'number' && typeof r === 'number') return finite(l + r, at);
      if (typeof l === 'string' || typeof r === 'string') return concatenate(l, r, at);
      if (l === null || r === null) return null;
      throw operandError(operator, l, r, at);
    };
  }
  const compute = ARITHMETIC[operator];
  return (context) => {
    const l = left(context);
    const r = right(context);
    if (typeof l === 'number' && typeof r === 'number') return compute(l, r, at);
    // Null (a missing field) propagates, whatever the other operand; any other non-number is a type error.
    if (l === null || r === null) return null;
    throw operandError(operator, l, r, at);
  };
}

const ARITHMETIC: Readonly<Record<Exclude<ArithmeticOperator, '+'>, (l: number, r: number, at: number) => number>> = {
  '-': (l, r, at) => finite(l - r, at),
  '*': (l, r, at) => finite(l * r, at),
  '/': (l, r, at) => {
    if (r === 0) throw new ExpressionEvaluationError(`division by zero at position ${at}`);
    return finite(l / r, at);
  },
  '%': (l, r, at) => {
    if (r === 0) throw new ExpressionEvaluationError(`modulo by zero at position ${at}`);
    return finite(l % r, at);
  },
};

function finite(value: number, at: number): number {
  if (!Number.isFinite(value)) throw new ExpressionEvaluationError(`arithmetic result is not a finite number at position ${at}`);
  return value;
}

// Strings, numbers, booleans and null concatenate; arrays and objects have no useful text form.
function concatenate(l: unknown, r: unknown, at: number): string {
  if (!isPrimitive(l) || !isPrimitive(r)) throw operandError('+', l, r, at);
  return String(l) + String(r);
}

function operandError(operator: ArithmeticOperator, l: unknown, r: unknown, at: number): ExpressionEvaluationError {
  return new ExpressionEvaluationError(`cannot apply "${operator}" to ${typeName(l)} and ${typeName(r)} at position ${at}`);
}
