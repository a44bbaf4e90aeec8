import { EventEmitter } from 'node:events';
import { rememberSecret } from '@streamgate/config';
import { installCrashHandlers } from './crash-handlers';
import { writeLogLine } from './json-logger';

describe('installCrashHandlers', () => {
  const setup = () => {
    const target = new EventEmitter();
    const lines: Array<{ level: string; fields: Record<string, unknown> }> = [];
    const exit = jest.fn();
    const uninstall = installCrashHandlers({ target, exit, log: (level, fields) => lines.push({ level, fields }) });
    return { target, lines, exit, uninstall };
  };

  it('logs an unhandled rejection as one structured line and keeps the process running', () => {
    const { target, lines, exit } = setup();
    target.emit('unhandledRejection', new TypeError('x is undefined'), Promise.resolve());
    target.emit('unhandledRejection', { code: 42 }, Promise.resolve());
    expect(exit).not.toHaveBeenCalled();
    expect(lines).toEqual([
      { level: 'error', fields: expect.objectContaining({ msg: 'unhandled rejection', rejections: 1, name: 'TypeError', error: 'x is undefined', stack: expect.stringContaining('TypeError') }) },
      { level: 'error', fields: expect.objectContaining({ msg: 'unhandled rejection', rejections: 2, error: '{ code: 42 }' }) },
    ]);
  });

  it('logs an uncaught exception and exits 1: the state it interrupted is lost', () => {
    const { target, lines, exit } = setup();
    target.emit('uncaughtException', new Error('boom'));
    expect(lines).toEqual([{ level: 'fatal', fields: expect.objectContaining({ msg: 'uncaught exception, exiting', error: 'boom' }) }]);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('removes its handlers', () => {
    const { target, uninstall } = setup();
    uninstall();
    expect(target.listenerCount('unhandledRejection')).toBe(0);
    expect(target.listenerCount('uncaughtException')).toBe(0);
  });

  it('writes its default lines as JSON with credentials masked', () => {
    rememberSecret('crash-handler-token-0123456789');
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      writeLogLine('stderr', 'error', { msg: 'unhandled rejection', error: 'postgres://app:Hunter2Pass@db/x crash-handler-token-0123456789' });
      const line = String(write.mock.calls[0]?.[0]);
      expect(JSON.parse(line)).toMatchObject({ level: 'error', msg: 'unhandled rejection', error: 'postgres://app:***@db/x ***' });
    } finally {
      write.mockRestore();
    }
  });
});
