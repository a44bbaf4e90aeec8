/** A payload read from Kafka does not match its contract. */
export class ContractViolation extends Error {
  constructor(
    readonly contract: string,
    readonly detail: string,
  ) {
    super(`${contract}: ${detail}`);
    this.name = 'ContractViolation';
  }
}
