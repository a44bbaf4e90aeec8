import { Injectable } from '@nestjs/common';
import { redactSecrets } from '@streamgate/config';

export type HealthCheck = () => Promise<void>;

/** `starting` until every start-up hook finished, `stopping` from the first shutdown hook on. */
export type HealthPhase = 'starting' | 'running' | 'stopping';

export interface LinkStatus {
  status: 'up' | 'down';
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'unavailable';
  phase: HealthPhase;
  links: Record<string, LinkStatus>;
}

export interface LivenessReport {
  status: 'ok';
  phase: HealthPhase;
}

/** A check that has not answered by then counts as down: a probe must get an answer, not a timeout. */
export const CHECK_TIMEOUT_MS = 4_000;

/**
 * What the app needs to serve (Kafka, Postgres, its control-plane readers, its consumers):
 * each module that opens a link registers its check. Liveness asks none of them; readiness
 * asks all, and is also down while the app starts or stops.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private current: HealthPhase = 'starting';
  /** How long a check may take before it counts as down. */
  checkTimeoutMs = CHECK_TIMEOUT_MS;

  get phase(): HealthPhase {
    return this.current;
  }

  register(link: string, check: HealthCheck): void {
    this.checks.set(link, check);
  }

  /** Start-up finished: every hook (connections, migrations, control tables read) resolved. */
  markRunning(): void {
    if (this.current === 'starting') this.current = 'running';
  }

  /** Shutdown began: readiness fails at once, so traffic moves away while the app drains. */
  markStopping(): void {
    this.current = 'stopping';
  }

  /** The process answers: nothing external is asked, so an outage of a link never restarts it. */
  liveness(): LivenessReport {
    return { status: 'ok', phase: this.current };
  }

  /** Ok only while running with every link up; otherwise names the links that are down and why. */
  async readiness(): Promise<HealthReport> {
    const entries = await Promise.all([...this.checks].map(async ([link, check]) => [link, await this.run(check)] as const));
    const links = Object.fromEntries(entries);
    const healthy = this.current === 'running' && entries.every(([, result]) => result.status === 'up');
    return { status: healthy ? 'ok' : 'unavailable', phase: this.current, links };
  }

  private async run(check: HealthCheck): Promise<LinkStatus> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.checkTimeoutMs} ms`)), this.checkTimeoutMs);
    });
    try {
      await Promise.race([check(), timeout]);
      return { status: 'up' };
    } catch (error) {
      // Driver messages may quote connection strings: never let a password out.
      return { status: 'down', error: redactSecrets(error instanceof Error ? error.message : String(error)) };
    } finally {
      clearTimeout(timer);
    }
  }
}
