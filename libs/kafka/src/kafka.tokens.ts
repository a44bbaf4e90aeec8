/** Injection tokens of the app's kafkajs client and admin (see KafkaModule). */
export const KAFKA = Symbol('KAFKA');
export const KAFKA_ADMIN = Symbol('KAFKA_ADMIN');
