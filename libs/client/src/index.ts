export { StreamgateClient } from './client';
export type { ClientOptions, SubscribeOptions, StreamHandlers } from './client';
