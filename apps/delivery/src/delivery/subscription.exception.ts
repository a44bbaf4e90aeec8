import type { ErrorBody } from '@streamgate/contracts';

/** Codes a `subscribe`/`unsubscribe` ack can carry (DESIGN.md §5). */
export const SubscriptionErrorCode = {
  InvalidRequest: 'INVALID_REQUEST',
  UnknownStream: 'UNKNOWN_STREAM',
  NotEntitled: 'NOT_ENTITLED',
  InvalidFilter: 'INVALID_FILTER',
  TooManySubscriptions: 'TOO_MANY_SUBSCRIPTIONS',
  TooManyReplays: 'TOO_MANY_REPLAYS',
  ResumeFailed: 'RESUME_FAILED',
  TooManyFilters: 'TOO_MANY_FILTERS',
  TooManyResumes: 'TOO_MANY_RESUMES',
  NotSubscribed: 'NOT_SUBSCRIBED',
  QuotaExceeded: 'QUOTA_EXCEEDED',
} as const;
export type SubscriptionErrorCode = (typeof SubscriptionErrorCode)[keyof typeof SubscriptionErrorCode];

export class SubscriptionException extends Error {
  constructor(
    readonly code: SubscriptionErrorCode,
    message: string,
    /** For INVALID_FILTER: where in the expression. */
    readonly position?: number,
  ) {
    super(message);
    this.name = 'SubscriptionException';
  }

  toBody(): ErrorBody & { position?: number } {
    return { code: this.code, message: this.message, ...(this.position === undefined ? {} : { position: this.position }) };
  }
}
