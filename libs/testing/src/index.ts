export { expectEventually } from './expect-eventually';
export { uniqueName } from './unique';
export { testKafka, testKafkaBrokers, createTestDatabase, dropTestDatabase, freePort } from './test-stack';
export { startPlatform } from './platform';
export type { TestPlatform } from './platform';
export { TestSubscriber } from './subscriber';
