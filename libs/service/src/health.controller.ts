import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthRegistry } from './health.registry';
import type { HealthReport } from './health.registry';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthRegistry) {}

  /** 200 when every link answers, 503 naming the broken ones. */
  @Get('health')
  async health$(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.health.report();
    res.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
