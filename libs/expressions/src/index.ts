// Public API of @streamgate/expressions: a small, safe expression language for record filters
// and derived fields. Sources are parsed and compiled to closures, never evaluated as code.
import { collectPaths } from './analyze';
import type { ExpressionNode } from './ast';
import type { CompiledExpression, EvaluationContext } from './compile';
import { compileNode } from './compile';
import type { CostOptions } from './cost';
import { checkCost, estimateCost } from './cost';
import { ExpressionSyntaxError } from './errors';
import { parse } from './parser';

export type {
  ArithmeticOperator,
  ArrayNode,
  BinaryNode,
  BinaryOperator,
  EqualityOperator,
  ExpressionNode,
  LiteralNode,
  LiteralValue,
  LogicalOperator,
  MembershipOperator,
  OrderOperator,
  PathNode,
  UnaryNode,
  UnaryOperator,
} from './ast';
export type { CompiledExpression, EvaluationContext } from './compile';
export type { CostOptions } from './cost';
export type { ExpressionErrorCode } from './errors';
export { ExpressionEvaluationError, ExpressionSyntaxError } from './errors';
export { EXPRESSION_LIMITS } from './limits';

/** Evaluates to `true` or `false`; evaluation errors count as `false`, so it never throws. */
export type CompiledFilter = (context: EvaluationContext) => boolean;

export type ExpressionValidation = { ok: true } | { ok: false; error: { code: string; message: string; position: number } };

/** Parses and checks limits, the cost budget included; throws ExpressionSyntaxError. */
export function parseExpression(source: string, options?: CostOptions): ExpressionNode {
  const root = parse(source);
  checkCost(root, options);
  return root;
}

/** Compile once, evaluate per record. Throws ExpressionSyntaxError; the result may throw ExpressionEvaluationError. */
export function compileExpression(source: string, options?: CostOptions): CompiledExpression {
  return compileNode(parseExpression(source, options));
}

/** A record matches when the expression evaluates to exactly `true`. */
export function compileFilter(source: string, options?: CostOptions): CompiledFilter {
  const evaluate = compileNode(parseExpression(source, options));
  return (context) => {
    try {
      return evaluate(context) === true;
    } catch {
      return false;
    }
  };
}

export function validateExpression(source: string, options?: CostOptions): ExpressionValidation {
  try {
    parseExpression(source, options);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    return { ok: false, error: { code: error.code, message: error.message, position: error.position } };
  }
}

/** Paths the expression reads, e.g. `['data.price', 'meta.tier']`; bracket segments join with dots (`data.items.0`). */
export function referencedPaths(source: string): string[] {
  return collectPaths(parse(source));
}

/** The estimated worst-case cost of one evaluation, in passes over a value of maxValueSize (the budget is EXPRESSION_LIMITS.maxCost). Throws ExpressionSyntaxError for invalid sources, not for costly ones. */
export function expressionCost(source: string, options?: CostOptions): number {
  return estimateCost(parse(source), options).cost;
}
