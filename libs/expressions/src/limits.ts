/** Compile-time limits; a source breaking one is rejected with an ExpressionSyntaxError. */
export const EXPRESSION_LIMITS = Object.freeze({
  /** Characters of source. */
  maxLength: 4096,
  /** Nesting levels: every operator, unary operator, array literal and parenthesis adds one. */
  maxDepth: 32,
  /** Literal, path, array, unary and binary nodes in the AST. */
  maxNodes: 500,
  /**
   * The cost model's assumption for the size (characters of a string, elements of an array or
   * object, deeply) of any value read from a record: the default MAX_RECORD_BYTES of ingest.
   */
  maxValueSize: 1_048_576,
  /**
   * Budget for the estimated cost of one evaluation, in passes over a value of maxValueSize
   * (see cost.ts): `data.tags contains "x"` is 1, `data.a + "/" + data.b` is 8 (building a string
   * costs 4 per value), the 240-way concatenation attack is 1200.
   */
  maxCost: 32,
} as const);
