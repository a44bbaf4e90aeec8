export { expectEventually } from './expect-eventually';
export { uniqueName } from './unique';
export { testKafka, testKafkaBrokers, createTestDatabase, dropTestDatabase, freePort } from './test-stack';
export { TestSubscriber } from './subscriber';
export { httpClient } from './http';
export type { HttpClient, HttpResult } from './http';
export { TopicReader } from './topic-reader';
export type { ReadMessage } from './topic-reader';
