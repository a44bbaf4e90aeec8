import { Body, Controller, Get, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ReaderGuard, Readers } from '../auth/reader.guard';
import type { Plan } from './plans.repository';
import { PlansService } from './plans.service';

@Controller('v1/plans')
@UseGuards(ReaderGuard)
@Readers('admin', 'finance')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Post()
  @Readers('admin')
  create(@Body() body: unknown): Promise<Plan> {
    return this.plans.create(body);
  }

  @Get()
  list(): Promise<Plan[]> {
    return this.plans.list();
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<Plan> {
    return this.plans.get(id);
  }

  @Put(':id')
  @Readers('admin')
  replace(@Param('id') id: string, @Body() body: unknown): Promise<Plan> {
    return this.plans.replace(id, body);
  }
}
