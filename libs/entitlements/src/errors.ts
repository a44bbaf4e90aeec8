export const EntitlementErrorCode = {
  InvalidFilter: 'INVALID_FILTER',
  InvalidEntitlement: 'INVALID_ENTITLEMENT',
} as const;
export type EntitlementErrorCode = (typeof EntitlementErrorCode)[keyof typeof EntitlementErrorCode];

/** A refused entitlement or subscriber filter; `position` points into the filter expression. */
export class EntitlementError extends Error {
  constructor(
    readonly code: EntitlementErrorCode,
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'EntitlementError';
  }
}
