import Module, { createRequire } from 'node:module';
import filterAbortedMessages = require('./kafkajs-aborted-filter');

/**
 * Puts the fixed aborted-record filter (kafkajs-aborted-filter.ts) where kafkajs's consumer
 * will require it. kafkajs binds it when its consumer modules load, so this must run before
 * kafkajs is first required: `@streamgate/kafka`'s index imports it first. Under Jest, the
 * module registry is Jest's own: jest.config maps the module instead.
 */
const load = createRequire(__filename);
const path = load.resolve('kafkajs/src/consumer/filterAbortedMessages.js');
const batchPath = load.resolve('kafkajs/src/consumer/batch.js');

/**
 * False when kafkajs's consumer was loaded before this module: its original filter is in use.
 * Under Jest the code under test has a registry of its own, where jest.config maps the filter
 * (Node's cache may still hold the original, loaded by the global setup of an in-band run).
 */
export const abortedFilterInstalled = process.env.JEST_WORKER_ID !== undefined || !(batchPath in load.cache);

if (!(batchPath in load.cache) && !(path in load.cache)) {
  const module = new Module(path);
  module.filename = path;
  module.loaded = true;
  module.exports = filterAbortedMessages;
  load.cache[path] = module;
}

/**
 * For consumers: loud, not silent. A read_committed consumer with kafkajs's own filter can hand
 * out aborted records. (A process that only produces or administers may load kafkajs first.)
 */
export function assertAbortedFilter(): void {
  if (!abortedFilterInstalled) throw new Error("kafkajs's consumer was loaded before @streamgate/kafka: import @streamgate/kafka first (kafkajs-preload.ts)");
}
