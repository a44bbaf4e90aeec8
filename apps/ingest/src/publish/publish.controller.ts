import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import type { ApiKeyRecord } from '@streamgate/contracts';
import { PublishKey, PublishKeyGuard } from './publish-key.guard';
import { PublishService } from './publish.service';
import type { PublishResult } from './publish.service';

@Controller('v1/streams')
@UseGuards(PublishKeyGuard)
export class PublishController {
  constructor(private readonly publishing: PublishService) {}

  @Post(':stream/records')
  @HttpCode(202)
  publish(@Param('stream') stream: string, @PublishKey() key: ApiKeyRecord, @Body() body: unknown): Promise<PublishResult> {
    return this.publishing.publish(key, stream, body);
  }
}
