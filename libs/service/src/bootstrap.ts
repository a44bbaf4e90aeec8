import { readFileSync } from 'node:fs';
import { ConsoleLogger, Logger } from '@nestjs/common';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './api-error';
import type { HttpEnv } from '@streamgate/config';
import { ApiErrorFilter } from './api-error.filter';

export interface ServiceOptions {
  /** App name: the logger context and the `app` field of every log line. */
  name: string;
  http: HttpEnv;
  /** Largest JSON body accepted, in bytes (larger: 413). */
  bodyLimit?: number;
}

const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Starts one Streamgate app: JSON logs, the contract's error body, graceful shutdown on
 * SIGTERM/SIGINT (consumers stop and commit, producers flush, HTTP drains), HTTPS when
 * TLS_CERT/TLS_KEY are set.
 */
export async function bootstrapService(module: Type | DynamicModule, options: ServiceOptions): Promise<INestApplication> {
  const logger = new ConsoleLogger(options.name, { json: true, colors: false });
  const { TLS_CERT, TLS_KEY, PORT } = options.http;
  const httpsOptions = TLS_CERT && TLS_KEY ? { cert: readFileSync(TLS_CERT), key: readFileSync(TLS_KEY) } : undefined;
  const app = await NestFactory.create<NestExpressApplication>(module, { logger, httpsOptions, bodyParser: false, abortOnError: false });
  app.use(json({ limit: options.bodyLimit ?? 1024 * 1024 }), bodyParserErrors);
  app.useGlobalFilters(new ApiErrorFilter());
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  // Idle keep-alive connections live longer than a load balancer's or client's idle timeout
  // (60 s on most): otherwise the server may close one just as a client reuses it, and that
  // request fails with a reset. Headers must be allowed to take longer than the keep-alive.
  const server = app.getHttpServer() as { keepAliveTimeout: number; headersTimeout: number };
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  await app.listen(PORT, '0.0.0.0');
  const url = `${httpsOptions ? 'https' : 'http'}://127.0.0.1:${PORT}`;
  new Logger('bootstrap').log({ msg: 'listening', app: options.name, url, pid: process.pid });
  return app;
}

/** main.ts wrapper: a start-up failure (bad config, unreachable broker) exits non-zero with the reason. */
export function runService(start: () => Promise<unknown>): void {
  start().catch((error: Error) => {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), msg: 'start-up failed', error: error.message })}\n`);
    process.exit(1);
  });
}

// body-parser's failures become contract errors before Nest sees them (Nest would turn malformed
// JSON into a generic 400 and an oversize body into a 500).
function bodyParserErrors(error: { type?: string } | undefined, _req: Request, _res: Response, next: NextFunction): void {
  if (error?.type === 'entity.parse.failed') return next(new ApiError(400, 'INVALID_JSON', 'request body is not valid JSON'));
  if (error?.type === 'entity.too.large') return next(new ApiError(413, 'PAYLOAD_TOO_LARGE', 'request body is too large'));
  next(error);
}
