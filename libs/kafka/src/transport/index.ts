export { KafkaBatchTransport } from './kafka-batch-transport';
export { ConsumerHooks } from './consumer-hooks';
export type { ConsumerHookSet } from './consumer-hooks';
export { ConsumeBatches, ConsumerController, RethrowConsumerErrors, consumerGroupId } from './consumer-pattern';
export type { ConsumerPattern } from './consumer-pattern';
