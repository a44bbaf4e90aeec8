// The only two error classes that may escape this library: anything else is a bug.

/** A compile-time error: the source is not a valid expression or breaks a limit. */
export class ExpressionSyntaxError extends Error {
  readonly code = 'INVALID_EXPRESSION' as const;
  /** 0-based character offset in the source. */
  readonly position: number;

  constructor(description: string, position: number, hint?: string) {
    super(`${description} at position ${position}${hint === undefined ? '' : `: ${hint}`}`);
    this.name = 'ExpressionSyntaxError';
    this.position = position;
  }
}

/** A run-time error from arithmetic: wrong operand types, division by zero, non-finite results. */
export class ExpressionEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionEvaluationError';
  }
}
