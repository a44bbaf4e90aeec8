import { stopTestStack } from './jest-global-setup';

/** Stops only what the global setup started. */
export default async function globalTeardown(): Promise<void> {
  await stopTestStack();
}
