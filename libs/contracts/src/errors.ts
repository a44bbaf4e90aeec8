/**
 * Every machine code a client can receive, HTTP or Socket.IO. Services throw DomainException
 * with one of these; each transport maps codes to its own form once (HTTP: libs/service
 * `HTTP_STATUS_BY_CODE`; Socket.IO: the gateway's ack), so no service knows a status code.
 */
export const ErrorCode = {
  // authentication and authorization
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  NotEntitled: 'NOT_ENTITLED',
  RateLimited: 'RATE_LIMITED',
  QuotaExceeded: 'QUOTA_EXCEEDED',
  TokenExpired: 'TOKEN_EXPIRED',
  // requests
  InvalidJson: 'INVALID_JSON',
  InvalidBody: 'INVALID_BODY',
  InvalidQuery: 'INVALID_QUERY',
  InvalidRequest: 'INVALID_REQUEST',
  InvalidRecords: 'INVALID_RECORDS',
  TooManyRecords: 'TOO_MANY_RECORDS',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  // a record's structure (the dead-letter reasons of the same names)
  TooDeep: 'TOO_DEEP',
  TooManyFields: 'TOO_MANY_FIELDS',
  ArrayTooLong: 'ARRAY_TOO_LONG',
  NotFound: 'NOT_FOUND',
  // streams and reference tables
  StreamNotFound: 'STREAM_NOT_FOUND',
  StreamExists: 'STREAM_EXISTS',
  SourceInUse: 'SOURCE_IN_USE',
  NameMismatch: 'NAME_MISMATCH',
  InvalidStreamDefinition: 'INVALID_STREAM_DEFINITION',
  InvalidStreamName: 'INVALID_STREAM_NAME',
  InvalidSchema: 'INVALID_SCHEMA',
  InvalidSource: 'INVALID_SOURCE',
  UnknownOp: 'UNKNOWN_OP',
  InvalidStep: 'INVALID_STEP',
  InvalidExpression: 'INVALID_EXPRESSION',
  InvalidReferenceName: 'INVALID_REFERENCE_NAME',
  InvalidRow: 'INVALID_ROW',
  RowTooLarge: 'ROW_TOO_LARGE',
  RowNotFound: 'ROW_NOT_FOUND',
  // partners, keys, entitlements, tokens
  PartnerNotFound: 'PARTNER_NOT_FOUND',
  InvalidPartner: 'INVALID_PARTNER',
  IdMismatch: 'ID_MISMATCH',
  KeyNotFound: 'KEY_NOT_FOUND',
  InvalidScopes: 'INVALID_SCOPES',
  TooManyKeys: 'TOO_MANY_KEYS',
  InvalidEntitlement: 'INVALID_ENTITLEMENT',
  InvalidFilter: 'INVALID_FILTER',
  EntitlementNotFound: 'ENTITLEMENT_NOT_FOUND',
  InvalidTtl: 'INVALID_TTL',
  // plans, periods, invoices
  InvalidPlan: 'INVALID_PLAN',
  PlanExists: 'PLAN_EXISTS',
  PlanNotFound: 'PLAN_NOT_FOUND',
  InvalidPeriod: 'INVALID_PERIOD',
  PeriodNotEnded: 'PERIOD_NOT_ENDED',
  PeriodClosed: 'PERIOD_CLOSED',
  // Socket.IO subscriptions
  UnknownStream: 'UNKNOWN_STREAM',
  TooManySubscriptions: 'TOO_MANY_SUBSCRIPTIONS',
  NotSubscribed: 'NOT_SUBSCRIBED',
  // the service cannot answer yet (starting, a link down)
  Unavailable: 'UNAVAILABLE',
  // anything unexpected
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * A refusal a client can act on: a code from ErrorCode, a message for people, optional
 * details (e.g. every bad record of a request) and, for rate limits, when to retry.
 * Thrown by services and guards; never carries a transport status.
 */
export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Seconds after which a retry may succeed (RATE_LIMITED). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainException';
  }

  toBody(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}
