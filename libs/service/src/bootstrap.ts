import { DomainException, ErrorCode } from '@streamgate/contracts';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { redactSecrets } from '@streamgate/config';
import type { HttpEnv } from '@streamgate/config';
import { ApiErrorFilter } from './api-error.filter';
import { trustedProxies } from './client-address';
import { installCrashHandlers } from './crash-handlers';
import { healthEndpoints, refuseWhileStarting } from './health-endpoints';
import { HealthRegistry } from './health.registry';
import { JsonLogger, writeLogLine } from './json-logger';

export interface ServiceOptions {
  /** App name: the logger context and the `app` field of every log line. */
  name: string;
  http: HttpEnv;
  /** Largest JSON body accepted, in bytes (larger: 413). */
  bodyLimit?: number;
  /**
   * The app's message transport (the Kafka batch transport): its handlers start once the
   * start-up hooks ran, and stop when the app closes, before the shutdown hooks close the links.
   */
  transport?: Type<CustomTransportStrategy>;
}

const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Starts one Streamgate app: JSON logs (secrets masked), the contract's error body, graceful
 * shutdown on SIGTERM/SIGINT (consumers stop and commit, producers flush, HTTP drains), HTTPS
 * when TLS_CERT/TLS_KEY are set, `req.ip` from X-Forwarded-For behind TRUSTED_PROXIES.
 *
 * The port opens before the start-up hooks run, so /health/live answers at once and
 * /health/ready says what start-up waits for (a link down, control tables being read); the
 * app's own routes answer 503 until start-up finished.
 */
export async function bootstrapService(module: Type | DynamicModule, options: ServiceOptions): Promise<INestApplication> {
  const logger = new JsonLogger(options.name);
  const { TLS_CERT, TLS_KEY, PORT } = options.http;
  const httpsOptions = TLS_CERT && TLS_KEY ? { cert: readFileSync(TLS_CERT), key: readFileSync(TLS_KEY) } : undefined;
  const app = await NestFactory.create<NestExpressApplication>(module, { logger, httpsOptions, bodyParser: false, abortOnError: false });
  const health = app.get(HealthRegistry);
  app.use(healthEndpoints(health), refuseWhileStarting(health));
  // req.ip is the real client behind TRUSTED_PROXIES (the same walk as the Socket.IO edge's).
  if (options.http.TRUSTED_PROXIES.length > 0) app.set('trust proxy', trustedProxies(options.http.TRUSTED_PROXIES));
  app.use(json({ limit: options.bodyLimit ?? 1024 * 1024 }), bodyParserErrors);
  app.useGlobalFilters(new ApiErrorFilter());
  // Readiness fails the moment a stop is asked for, before the shutdown hooks drain anything
  // (Nest runs the features' hooks before those of global modules). `once`: Nest re-raises
  // the signal after its shutdown, which must then find no listener and end the process.
  for (const signal of SHUTDOWN_SIGNALS) process.once(signal, () => health.markStopping());
  app.enableShutdownHooks([...SHUTDOWN_SIGNALS]);
  // Idle keep-alive connections live longer than a load balancer's or client's idle timeout
  // (60 s on most): otherwise the server may close one just as a client reuses it, and that
  // request fails with a reset. Headers must be allowed to take longer than the keep-alive.
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  // Nest's listen() would run the start-up hooks first: listen on its server, then start.
  await listen(server, PORT);
  const url = `${httpsOptions ? 'https' : 'http'}://127.0.0.1:${PORT}`;
  new Logger('bootstrap').log({ msg: 'listening', app: options.name, url, pid: process.pid });
  try {
    await app.init();
    if (options.transport) {
      app.connectMicroservice({ strategy: app.get(options.transport) });
      await app.startAllMicroservices();
    }
  } catch (error) {
    // A SIGTERM during start-up ends the connection attempts: the shutdown under way ends the process.
    if (health.phase === 'stopping') return app;
    throw error;
  }
  health.markRunning();
  new Logger('bootstrap').log({ msg: 'started', app: options.name });
  return app;
}

/**
 * main.ts wrapper: installs the process's crash handlers; a start-up failure (bad config, a
 * failed migration) exits non-zero with the reason, credentials masked.
 */
export function runService(start: () => Promise<unknown>): void {
  installCrashHandlers();
  start().catch((error: Error) => {
    writeLogLine('stderr', 'fatal', { msg: 'start-up failed', error: redactSecrets(error.message) });
    process.exit(1);
  });
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

// body-parser's failures become contract errors before Nest sees them (Nest would turn malformed
// JSON into a generic 400 and an oversize body into a 500).
function bodyParserErrors(error: { type?: string } | undefined, _req: Request, _res: Response, next: NextFunction): void {
  if (error?.type === 'entity.parse.failed') return next(new DomainException(ErrorCode.InvalidJson, 'request body is not valid JSON'));
  if (error?.type === 'entity.too.large') return next(new DomainException(ErrorCode.PayloadTooLarge, 'request body is too large'));
  next(error);
}
