/**
 * Who has an embedded data folder open: `<pgdata>/hanbill.pid` holds the process id of the Hanbill process that
 * opened the PGlite folder, written on open and removed on close. PGlite's own postmaster.pid always says -42, so it
 * cannot tell a running server from one that crashed; this file can (the process is alive or it is not).
 * `hanbill export` refuses a folder a live process holds: PGlite is one process's memory, a second reader would see
 * a folder half written.
 */
import fs from 'node:fs';
import path from 'node:path';

const FILE = 'hanbill.pid';

/** Record that this process has `pgdataDir` open; the returned function forgets it (only if still ours). */
export function markDataDirOpen(pgdataDir: string): () => void {
  const file = path.join(pgdataDir, FILE);
  fs.writeFileSync(file, `${process.pid}\n`);
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}

/** The live process (this one included) that has `pgdataDir` open, if any. A file left by a dead process is stale. */
export function dataDirHolder(pgdataDir: string): { pid: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(pgdataDir, FILE), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  // this process removes its own file when it closes the folder: the file naming us means we have it open now
  return pid === process.pid || alive(pid) ? { pid } : undefined;
}
