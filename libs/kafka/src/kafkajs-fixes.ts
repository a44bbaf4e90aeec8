import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's own interval for re-checking requests that wait behind in-flight ones. */
const CHECK_PENDING_REQUESTS_INTERVAL = 10;
const PATCHED_VERSION = '2.2.4';
let applied = false;

/**
 * Fixes kafkajs 2.2.4's RequestQueue, which re-arms a timer after every check even when no
 * request is waiting (tulios/kafkajs#1556, fix proposed in #1667 and never released): every
 * broker connection then spins a ~1 ms timer for as long as it is open. Measured here: about
 * 4 % of a core per idle app and the main cost of an idle platform. The fixed version arms the
 * timer only while requests wait: until the throttle ends, else after kafkajs's interval.
 * Applied once per process, before any connection exists; idempotent.
 */
export function applyKafkajsFixes(): void {
  if (applied) return;
  applied = true;
  const require = createRequire(__filename);
  // The patch replaces a private method of this exact version: an upgrade must be reviewed
  // (the bug may be fixed, or the method changed), so any other version fails loudly here.
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== PATCHED_VERSION) throw new Error(`kafkajs ${version} is not ${PATCHED_VERSION}: review libs/kafka/src/kafkajs-fixes.ts before upgrading`);
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueInternals };
  RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueInternals) {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL);
  };
}

const KEEP_ALIVE_DELAY_MS = 60_000;

/**
 * kafkajs's socket factory with Nagle's algorithm off. kafkajs leaves it on, so a small request
 * written while an earlier one on the same connection is unacknowledged (a fetch the broker
 * holds, a produce in flight) waits for the broker's delayed ACK: tens of milliseconds added
 * to a hop that otherwise takes one or two.
 */
export const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect) : net.connect({ host, port }, onConnect);
  socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
  socket.setNoDelay(true);
  return socket;
};
