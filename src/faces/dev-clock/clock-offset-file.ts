/**
 * The embedded default's clock offset survives a restart: POST /dev/clock writes it to <data dir>/dev-clock-offset,
 * the next start reads it (an offset that went away would move the system's time backwards).
 */
import fs from 'node:fs';
import path from 'node:path';
import { OffsetClock } from '../../platform/clock.ts';

const fileOf = (dataDir: string) => path.join(dataDir, 'dev-clock-offset');

export function loadOffsetClock(dataDir: string): OffsetClock {
  try {
    const n = Number(fs.readFileSync(fileOf(dataDir), 'utf8').trim());
    return new OffsetClock(Number.isSafeInteger(n) && n > 0 ? n : 0);
  } catch {
    return new OffsetClock(0);
  }
}

export function saveClockOffset(dataDir: string, offsetMs: number): void {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(fileOf(dataDir), `${offsetMs}\n`);
}
