/** Injection tokens of the app's kafkajs client and admin (see KafkaModule). */
export const KAFKA = Symbol('KAFKA');
export const KAFKA_ADMIN = Symbol('KAFKA_ADMIN');
/** The transaction interval of transactional consumers, in ms (KAFKA_TRANSACTION_INTERVAL). */
export const TRANSACTION_INTERVAL = Symbol('TRANSACTION_INTERVAL');
