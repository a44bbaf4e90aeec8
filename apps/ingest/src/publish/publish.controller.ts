import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { bearerToken } from '@streamgate/auth';
import { PublishService } from './publish.service';
import type { PublishResult } from './publish.service';

@Controller('v1/streams')
export class PublishController {
  constructor(private readonly publishing: PublishService) {}

  @Post(':stream/records')
  @HttpCode(202)
  publish(@Param('stream') stream: string, @Headers('authorization') authorization: string | undefined, @Body() body: unknown): Promise<PublishResult> {
    return this.publishing.publish(bearerToken(authorization), stream, body);
  }
}
