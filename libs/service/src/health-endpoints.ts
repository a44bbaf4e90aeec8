import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ErrorCode } from '@streamgate/contracts';
import type { HealthRegistry } from './health.registry';

/**
 * GET /health/live, /health/ready and /health (= ready, as before) as plain Express handlers,
 * mounted ahead of Nest: they answer from the moment the port is open, while the app still
 * connects and reads its control tables, when Nest's routes do not exist yet.
 */
export function healthEndpoints(health: HealthRegistry): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/health/live') {
      res.status(200).json(health.liveness());
      return;
    }
    if (req.path !== '/health/ready' && req.path !== '/health') return next();
    health.readiness().then((report) => {
      res.status(report.status === 'ok' ? 200 : 503).json(report);
    }, next);
  };
}

/** Every other request while the app starts: 503 with the contract's error body, not Express's 404. */
export function refuseWhileStarting(health: HealthRegistry): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    if (health.phase !== 'starting') return next();
    res
      .status(503)
      .set('Retry-After', '1')
      .json({ error: { code: ErrorCode.Unavailable, message: 'the service is starting: see GET /health/ready' } });
  };
}
