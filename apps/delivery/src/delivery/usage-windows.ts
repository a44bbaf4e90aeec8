import { Injectable } from '@nestjs/common';
import { SocketRegistry, requireState } from './socket-registry';
import type { SocketState } from './socket-registry';

/** Connection time and peak concurrency of one partner on this instance, per metering window. */
export interface ConnectionUsage {
  partnerId: string;
  keyIds: string[];
  connectionSeconds: number;
  peakConnections: number;
}

interface Window {
  closedSeconds: number;
  peak: number;
  keyIds: Set<string>;
}

/**
 * Connection usage per metering window: seconds of sockets closed within the window, the open
 * ones' time up to the drain, and each partner's peak of concurrent sockets.
 */
@Injectable()
export class UsageWindows {
  private readonly windows = new Map<string, Window>();
  private windowStart = Date.now();

  constructor(private readonly registry: SocketRegistry) {}

  /** After the socket was registered. */
  opened(state: SocketState): void {
    const window = this.windowOf(state.principal.partnerId);
    window.keyIds.add(state.principal.keyId);
    window.peak = Math.max(window.peak, this.registry.ofPartner(state.principal.partnerId).length);
  }

  closed(state: SocketState, now = Date.now()): void {
    this.windowOf(state.principal.partnerId).closedSeconds += (now - Math.max(state.connectedAt, this.windowStart)) / 1000;
  }

  /** Connection time and peaks per partner since the last call; starts the next window. */
  drain(now = Date.now()): ConnectionUsage[] {
    const usage = new Map<string, ConnectionUsage>();
    for (const [partnerId, window] of this.windows) {
      usage.set(partnerId, { partnerId, keyIds: [...window.keyIds], connectionSeconds: window.closedSeconds, peakConnections: window.peak });
    }
    const open = this.registry.partners();
    for (const [partnerId, sockets] of open) {
      for (const socket of sockets) {
        const state = requireState(socket);
        const entry = usage.get(partnerId) ?? { partnerId, keyIds: [state.principal.keyId], connectionSeconds: 0, peakConnections: 0 };
        entry.connectionSeconds += (now - Math.max(state.connectedAt, this.windowStart)) / 1000;
        usage.set(partnerId, entry);
      }
    }
    this.windows.clear();
    this.windowStart = now;
    for (const [partnerId, sockets] of open) {
      this.windows.set(partnerId, { closedSeconds: 0, peak: sockets.length, keyIds: new Set(sockets.map((s) => requireState(s).principal.keyId)) });
    }
    return [...usage.values()].filter((u) => u.connectionSeconds > 0 || u.peakConnections > 0);
  }

  private windowOf(partnerId: string): Window {
    let window = this.windows.get(partnerId);
    if (!window) this.windows.set(partnerId, (window = { closedSeconds: 0, peak: 0, keyIds: new Set() }));
    return window;
  }
}
