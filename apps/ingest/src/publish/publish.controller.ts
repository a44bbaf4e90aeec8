import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { bearerToken } from '@streamgate/auth';
import { PublishService } from './publish.service';
import type { PublishResult } from './publish.service';

@Controller('v1/streams')
export class PublishController {
  constructor(private readonly publishing: PublishService) {}

  @Post(':stream/records')
  @HttpCode(202)
  publish(@Param('stream') stream: string, @Req() req: Request, @Body() body: unknown): Promise<PublishResult> {
    return this.publishing.publish(bearerToken(req.headers.authorization), stream, body, req.socket.remoteAddress ?? 'unknown');
  }
}
