/** Compile-time limits; a source breaking one is rejected with an ExpressionSyntaxError. */
export const EXPRESSION_LIMITS = Object.freeze({
  /** Characters of source. */
  maxLength: 4096,
  /** Nesting levels: every operator, unary operator, array literal and parenthesis adds one. */
  maxDepth: 32,
  /** Literal, path, array, unary and binary nodes in the AST. */
  maxNodes: 500,
} as const);
