// One JSON line per request and per pool event, on disk under the log folder (pino).

import path from 'node:path';
import pino from 'pino';
import { RotatingFile } from './rotating-file';

export type Logger = pino.Logger;

export function createLogger(logDir: string, maxBytes: number): Logger {
  const file = new RotatingFile(path.resolve(logDir, 'webcompile.log'), maxBytes);
  return pino({ base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, file);
}
