/**
 * An error a transport can show to a client: a SNAKE_CASE code from the feature's own code
 * enum, a message, and the HTTP status it maps to. Thrown by services, mapped once per
 * transport (HTTP by ApiErrorFilter, Socket.IO by the gateways' acks).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Response headers that go with the error, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): { error: { code: string; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}
