import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import type { StreamDefinition } from '@streamgate/contracts';
import { Actor } from '../auth/actor.decorator';
import { AdminGuard } from '../auth/admin.guard';
import { StreamsService } from './streams.service';

@Controller('v1/streams')
@UseGuards(AdminGuard)
export class StreamsController {
  constructor(private readonly streams: StreamsService) {}

  @Post()
  create(@Body() body: unknown, @Actor() actor: string): Promise<StreamDefinition> {
    return this.streams.create(body, actor);
  }

  @Get()
  list(): Promise<StreamDefinition[]> {
    return this.streams.list();
  }

  @Get(':name')
  get(@Param('name') name: string): Promise<StreamDefinition> {
    return this.streams.get(name);
  }

  @Put(':name')
  replace(@Param('name') name: string, @Body() body: unknown, @Actor() actor: string): Promise<StreamDefinition> {
    return this.streams.replace(name, body, actor);
  }

  @Delete(':name')
  @HttpCode(204)
  remove(@Param('name') name: string, @Actor() actor: string): Promise<void> {
    return this.streams.remove(name, actor);
  }
}
