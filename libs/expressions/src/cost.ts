import type { BinaryNode, ExpressionNode } from './ast';
import { ExpressionSyntaxError } from './errors';
import { EXPRESSION_LIMITS } from './limits';

/**
 * Static cost model, worst case, in characters (or array/object elements) touched:
 * - sizes: a path's value is at most `maxValueSize` (the largest record); a string literal is its
 *   length; `a + b` is size(a) + size(b); an array literal is the sum of its elements; any other
 *   result is a scalar.
 * - cost: every node costs 1 plus its operands' costs (both sides of && and ||), plus the data it
 *   walks: a path its segments; `<` `<=` `>` `>=` `startsWith`, and `==` `!=` against a literal,
 *   the smaller side; `==` `!=` otherwise both sides (both sides' keys are counted); `contains`
 *   and `in` the haystack plus the needle (plus the smaller side, for a literal needle or a
 *   haystack of literals); `+` CONCATENATION_WEIGHT × the size of the string it builds. V8
 *   concatenates as ropes, so a chain costs its final size once, whatever its shape; building
 *   (allocating, copying, collecting) is far slower than scanning, hence the weight.
 * The budget is `maxCost` passes over a value of `maxValueSize`: work in proportion to the record
 * is inherent, a multiple of it far beyond what a filter needs is refused. The AST height is
 * bounded by the parser, so the recursion is shallow.
 */
export interface CostOptions {
  /** Assumed largest value read from a record; default EXPRESSION_LIMITS.maxValueSize. */
  readonly maxValueSize?: number;
  /** Budget in passes over a value of maxValueSize; default EXPRESSION_LIMITS.maxCost. */
  readonly maxCost?: number;
}

export interface CostEstimate {
  /** Estimated worst-case cost, in passes over a value of maxValueSize. */
  readonly cost: number;
  /** The node whose own work is the largest (the root of a concatenation chain counts the whole chain), and that work in passes. */
  readonly costliest: { readonly node: ExpressionNode; readonly cost: number };
}

// Measured (tools/bench/expression-cost.ts): a 15-way concatenation of a 64 KiB field, searched,
// takes ~11 ms, where one search of the field takes ~2 µs; 4 keeps a 6-field join (a typical derive) in budget.
const CONCATENATION_WEIGHT = 4;

// Numbers print in at most 24 characters (-1.7976931348623157e+308); booleans in 5.
const SCALAR_SIZE = 24;

interface Estimate {
  readonly size: number;
  readonly cost: number;
}

export function estimateCost(root: ExpressionNode, options: CostOptions = {}): CostEstimate {
  const valueSize = options.maxValueSize ?? EXPRESSION_LIMITS.maxValueSize;
  let costliest = { node: root, work: -1 };
  // Compared in whole passes, so that a concatenation wins the tie with the operator consuming it.
  const note = (node: ExpressionNode, work: number): void => {
    if (Math.floor(work / valueSize) > Math.floor(costliest.work / valueSize) || costliest.work < 0) costliest = { node, work };
  };

  const visit = (node: ExpressionNode, inConcatenation: boolean): Estimate => {
    switch (node.type) {
      case 'Literal':
        return { size: typeof node.value === 'string' ? node.value.length : String(node.value).length, cost: 1 };
      case 'Path':
        return { size: valueSize, cost: 1 + node.segments.length };
      case 'Array': {
        let size = node.elements.length;
        let cost = 1 + node.elements.length;
        for (const element of node.elements) {
          const estimate = visit(element, false);
          size += estimate.size;
          cost += estimate.cost;
        }
        return { size, cost };
      }
      case 'Unary':
        return { size: SCALAR_SIZE, cost: 1 + visit(node.operand, false).cost };
      case 'Binary':
        return visitBinary(node, inConcatenation);
    }
  };

  const visitBinary = (node: BinaryNode, inConcatenation: boolean): Estimate => {
    const concatenation = node.operator === '+';
    const left = visit(node.left, concatenation);
    const right = visit(node.right, concatenation);
    const operands = 1 + left.cost + right.cost;
    const smaller = Math.min(left.size, right.size);
    let work = 0;
    switch (node.operator) {
      case '+': {
        // A rope: the whole chain is paid once, at its top.
        const size = left.size + right.size;
        if (!inConcatenation) note(node, CONCATENATION_WEIGHT * size);
        const built = (isConcatenation(node.left) ? 0 : left.size) + (isConcatenation(node.right) ? 0 : right.size);
        return { size, cost: operands + CONCATENATION_WEIGHT * built };
      }
      case '==':
      case '!=':
        // Against a literal it is ===, which stops at the shorter side; otherwise both sides' keys are counted.
        work = node.left.type === 'Literal' || node.right.type === 'Literal' ? smaller : left.size + right.size;
        break;
      case '<':
      case '<=':
      case '>':
      case '>=':
      case 'startsWith':
        work = smaller;
        break;
      case 'contains':
        work = membership(node.left, node.right, left.size, right.size);
        break;
      case 'in':
        work = membership(node.right, node.left, right.size, left.size);
        break;
      default:
        // && || - * / %: no data walked beyond the operands.
        break;
    }
    note(node, work);
    return { size: SCALAR_SIZE, cost: operands + work };
  };

  const total = visit(root, false);
  return { cost: total.cost / valueSize, costliest: { node: costliest.node, cost: Math.max(0, costliest.work) / valueSize } };
}

// The haystack once, and the needle's keys once (values.ts includesDeep); a literal needle or a
// haystack of literals (a Set, in compile.ts) is compared with ===, which stops at the shorter side.
function membership(haystack: ExpressionNode, needle: ExpressionNode, haystackSize: number, needleSize: number): number {
  const literalHaystack = haystack.type === 'Array' && haystack.elements.every((element) => element.type === 'Literal');
  if (needle.type === 'Literal' || literalHaystack) return haystackSize + Math.min(haystackSize, needleSize);
  return haystackSize + needleSize;
}

function isConcatenation(node: ExpressionNode): boolean {
  return node.type === 'Binary' && node.operator === '+';
}

/** Throws EXPRESSION_TOO_COSTLY when the estimate is over budget, at the costliest node, saying what it does. */
export function checkCost(root: ExpressionNode, options: CostOptions = {}): void {
  const budget = options.maxCost ?? EXPRESSION_LIMITS.maxCost;
  const { cost, costliest } = estimateCost(root, options);
  if (cost <= budget) return;
  const valueSize = options.maxValueSize ?? EXPRESSION_LIMITS.maxValueSize;
  const { node } = costliest;
  throw new ExpressionSyntaxError(
    `expression is too costly (estimated cost ${formatPasses(cost)}, budget ${budget} passes over a value of up to ${valueSize} characters)`,
    node.position,
    describe(node, costliest.cost),
    'EXPRESSION_TOO_COSTLY',
  );
}

function describe(node: ExpressionNode, passes: number): string {
  const values = (n: number): string => `${Math.round(n * 10) / 10} record-sized values`;
  if (node.type !== 'Binary') return 'too many record-sized values';
  if (node.operator === '+') return `string concatenation builds up to ${values(passes / CONCATENATION_WEIGHT)} (cost ${CONCATENATION_WEIGHT} each)`;
  return `"${node.operator}" walks up to ${values(passes)}`;
}

// Rounded up to a tenth, so that a cost just over the budget never prints as the budget.
function formatPasses(passes: number): string {
  return String(Math.ceil(passes * 10) / 10);
}
