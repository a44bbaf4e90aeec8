import '@streamgate/kafka'; // first: kafkajs's consumer loads with the fixed aborted-record filter
import { Kafka, logLevel } from 'kafkajs';
import { applyKafkajsFixes, noDelaySocketFactory } from '@streamgate/kafka';

/**
 * The kafkajs client of the benchmarks' own processes (generator, baselines): KAFKA_BROKERS, and
 * the same kafkajs fixes as the apps, so no baseline is charged for a library bug.
 */
export function benchKafka(clientId: string): Kafka {
  applyKafkajsFixes();
  return new Kafka({ clientId, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.ERROR, socketFactory: noDelaySocketFactory });
}
