import { ConsoleLogger } from '@nestjs/common';
import { redactSecrets } from '@streamgate/config';

/**
 * The apps' logger: one JSON object per line, with URL passwords and the configuration's
 * secret values masked in every line, whatever a message or an error quoted.
 */
export class JsonLogger extends ConsoleLogger {
  constructor(context: string) {
    super(context, { json: true, colors: false });
  }

  protected override stringifyJsonLogObject(logObject: Record<string, unknown>): string {
    return redactSecrets(super.stringifyJsonLogObject(logObject));
  }
}

/**
 * A log line written directly, for when Nest's logger is not there (before the app exists, in
 * process handlers): the same shape as the app's lines, masked the same way.
 */
export function writeLogLine(stream: 'stdout' | 'stderr', level: string, fields: Record<string, unknown>): void {
  process[stream].write(`${redactSecrets(JSON.stringify({ level, time: new Date().toISOString(), ...fields }))}\n`);
}
