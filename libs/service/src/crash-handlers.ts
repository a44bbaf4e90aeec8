import type { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import { writeLogLine } from './json-logger';

export interface CrashHandlerOptions {
  /** Writes one structured line (default: JSON on stderr, secrets masked). */
  log?: (level: 'error' | 'fatal', fields: Record<string, unknown>) => void;
  exit?: (code: number) => void;
  /** The process (a stand-in in tests). */
  target?: Pick<EventEmitter, 'on' | 'off'>;
}

/**
 * Installs the process's last-resort handlers; returns their removal.
 *
 * - `unhandledRejection`: some promise failed and nothing awaited it. Only that piece of work
 *   is lost; every connection, consumer and table is intact, so the line is logged and the app
 *   keeps serving (Node's default would exit, and every pod would restart on one missed catch).
 * - `uncaughtException`: a throw unwound a stack mid-way through whatever ran, leaving its state
 *   half-updated: that state is truly lost, so the line is logged and the process exits 1 for
 *   the orchestrator to restart it.
 */
export function installCrashHandlers(options: CrashHandlerOptions = {}): () => void {
  const log = options.log ?? ((level, fields) => writeLogLine('stderr', level, fields));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const target = options.target ?? process;
  let rejections = 0;
  const onRejection = (reason: unknown) => {
    rejections++;
    log('error', { context: 'process', msg: 'unhandled rejection', rejections, ...describe(reason) });
  };
  const onException = (error: unknown) => {
    log('fatal', { context: 'process', msg: 'uncaught exception, exiting', ...describe(error) });
    exit(1);
  };
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}

function describe(reason: unknown): Record<string, unknown> {
  if (reason instanceof Error) return { error: reason.message, name: reason.name, stack: reason.stack };
  return { error: inspect(reason, { depth: 3, breakLength: Infinity }) };
}
