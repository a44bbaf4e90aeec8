import { Body, Controller, Get, Param, Post, Put, Req } from '@nestjs/common';
import type { Request } from 'express';
import { FinanceAuth } from '../auth/finance-auth.service';
import type { Plan } from './plans.repository';
import { PlansService } from './plans.service';

@Controller('v1/plans')
export class PlansController {
  constructor(
    private readonly plans: PlansService,
    private readonly auth: FinanceAuth,
  ) {}

  @Post()
  create(@Req() req: Request, @Body() body: unknown): Promise<Plan> {
    this.auth.reader(req, ['admin']);
    return this.plans.create(body);
  }

  @Get()
  list(@Req() req: Request): Promise<Plan[]> {
    this.auth.reader(req, ['admin', 'finance']);
    return this.plans.list();
  }

  @Get(':id')
  get(@Req() req: Request, @Param('id') id: string): Promise<Plan> {
    this.auth.reader(req, ['admin', 'finance']);
    return this.plans.get(id);
  }

  @Put(':id')
  replace(@Req() req: Request, @Param('id') id: string, @Body() body: unknown): Promise<Plan> {
    this.auth.reader(req, ['admin']);
    return this.plans.replace(id, body);
  }
}
