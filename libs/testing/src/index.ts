export { expectEventually } from './expect-eventually';
export { uniqueName } from './unique';
export { testKafka, testKafkaBrokers, createTestDatabase, dropTestDatabase, freePort } from './test-stack';
export { TestSubscriber } from './subscriber';
