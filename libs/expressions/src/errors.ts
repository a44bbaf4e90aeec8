// The only two error classes that may escape this library: anything else is a bug.

/** `EXPRESSION_TOO_COSTLY`: valid, but over the cost budget (EXPRESSION_LIMITS.maxCost); everything else is `INVALID_EXPRESSION`. */
export type ExpressionErrorCode = 'INVALID_EXPRESSION' | 'EXPRESSION_TOO_COSTLY';

/** A compile-time error: the source is not a valid expression or breaks a limit. */
export class ExpressionSyntaxError extends Error {
  readonly code: ExpressionErrorCode;
  /** 0-based character offset in the source. */
  readonly position: number;

  constructor(description: string, position: number, hint?: string, code: ExpressionErrorCode = 'INVALID_EXPRESSION') {
    super(`${description} at position ${position}${hint === undefined ? '' : `: ${hint}`}`);
    this.name = 'ExpressionSyntaxError';
    this.position = position;
    this.code = code;
  }
}

/** A run-time error from arithmetic: wrong operand types, division by zero, non-finite results. */
export class ExpressionEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionEvaluationError';
  }
}
