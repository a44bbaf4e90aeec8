import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { redactSecrets } from '@streamgate/config';
import type { HealthCheck, HealthRegistry } from './health.registry';

export interface LinkConnection {
  /** The readiness link: `kafka`, `postgres`. */
  link: string;
  /** One attempt; throws with the reason when the other side does not answer. */
  connect(): Promise<void>;
  /** The link's readiness check once connected. */
  check: HealthCheck;
}

/** Waits between attempts: quick at first, then every 10 s for as long as the outage lasts. */
export const CONNECT_BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000];

export interface ConnectOptions {
  backoffMs?: readonly number[];
  /** Where attempts are reported (default: a Nest logger named after the link). */
  logger?: Pick<Logger, 'log' | 'warn'>;
  wait?: (ms: number) => Promise<unknown>;
}

/**
 * Connects a link the app cannot serve without, retrying until it answers: an outage at
 * start-up keeps the app up and not ready (readiness names the link and its last error)
 * instead of exiting and being restarted into the same outage. Gives up only when the app
 * stops. Once connected, the link's own check reports it.
 */
export async function connectLink(health: HealthRegistry, connection: LinkConnection, options: ConnectOptions = {}): Promise<void> {
  const backoff = options.backoffMs ?? CONNECT_BACKOFF_MS;
  const logger = options.logger ?? new Logger(`link.${connection.link}`);
  const wait = options.wait ?? ((ms: number) => sleep(ms, undefined, { ref: false }));
  const stopped = () => health.phase === 'stopping';
  let lastError = 'connecting';
  let connected = false;
  health.register(connection.link, async () => {
    if (!connected) throw new Error(`not connected: ${lastError}`);
    await connection.check();
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await connection.connect();
      connected = true;
      if (attempt > 1) logger.log({ msg: 'link connected', link: connection.link, attempts: attempt });
      return;
    } catch (error) {
      lastError = redactSecrets(error instanceof Error ? error.message : String(error));
      if (stopped()) throw new Error(`${connection.link}: stopped before connecting (${lastError})`);
      const delay = backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 1_000;
      logger.warn({ msg: 'link unavailable, retrying', link: connection.link, attempt, retryInMs: delay, error: lastError });
      await wait(delay);
      if (stopped()) throw new Error(`${connection.link}: stopped before connecting (${lastError})`);
    }
  }
}
