import { Injectable } from '@nestjs/common';

export type HealthCheck = () => Promise<void>;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  links: Record<string, { status: 'up' | 'down'; error?: string }>;
}

/** The app's external links (Kafka, Postgres); each module that opens one registers its check. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(link: string, check: HealthCheck): void {
    this.checks.set(link, check);
  }

  async report(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([link, check]) => {
        try {
          await check();
          return [link, { status: 'up' as const }] as const;
        } catch (error) {
          return [link, { status: 'down' as const, error: (error as Error).message }] as const;
        }
      }),
    );
    const links = Object.fromEntries(entries);
    const healthy = entries.every(([, result]) => result.status === 'up');
    return { status: healthy ? 'ok' : 'unavailable', links };
  }
}
