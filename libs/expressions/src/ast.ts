// The AST is plain data (no classes) so it can be compared, serialized and logged as is.

export type LiteralValue = string | number | boolean | null;

export type UnaryOperator = '!' | '-';

export type LogicalOperator = '||' | '&&';
export type EqualityOperator = '==' | '!=';
export type OrderOperator = '<' | '<=' | '>' | '>=';
export type MembershipOperator = 'in' | 'contains' | 'startsWith';
export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';
export type BinaryOperator = LogicalOperator | EqualityOperator | OrderOperator | MembershipOperator | ArithmeticOperator;

/** `position` is the 0-based offset of the node's first token (enclosing parentheses excluded). */
export interface LiteralNode {
  readonly type: 'Literal';
  readonly value: LiteralValue;
  readonly position: number;
}

export interface ArrayNode {
  readonly type: 'Array';
  readonly elements: readonly ExpressionNode[];
  readonly position: number;
}

/** `data.items[0]["odd key"]` is `{ root: 'data', segments: ['items', 0, 'odd key'] }`. */
export interface PathNode {
  readonly type: 'Path';
  readonly root: 'data' | 'meta';
  readonly segments: readonly (string | number)[];
  readonly position: number;
}

export interface UnaryNode {
  readonly type: 'Unary';
  readonly operator: UnaryOperator;
  readonly operand: ExpressionNode;
  readonly position: number;
}

export interface BinaryNode {
  readonly type: 'Binary';
  readonly operator: BinaryOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
  readonly position: number;
  /** Offset of the operator itself, used in evaluation error messages. */
  readonly operatorPosition: number;
}

export type ExpressionNode = LiteralNode | ArrayNode | PathNode | UnaryNode | BinaryNode;
