/** Why a message broke its topic's contract; consumers count, log or dead-letter by it. */
export const ContractViolationCode = {
  /** The value is not JSON text. */
  InvalidJson: 'INVALID_JSON',
  /** JSON, but a field is missing or of the wrong type. */
  InvalidValue: 'INVALID_VALUE',
  /** No value (a tombstone) on a topic that has none. */
  MissingValue: 'MISSING_VALUE',
  /** No key where the topic needs one, or not the key its value implies. */
  InvalidKey: 'INVALID_KEY',
  /** A required header is missing or malformed. */
  InvalidHeader: 'INVALID_HEADER',
} as const;
export type ContractViolationCode = (typeof ContractViolationCode)[keyof typeof ContractViolationCode];

/** A payload read from Kafka (or about to be written) does not match its contract. */
export class ContractViolation extends Error {
  constructor(
    readonly contract: string,
    readonly detail: string,
    readonly code: ContractViolationCode = ContractViolationCode.InvalidValue,
  ) {
    super(`${contract}: ${detail}`);
    this.name = 'ContractViolation';
  }
}
