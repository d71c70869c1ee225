/**
 * The API commands of `hanbill` (issue, list, show, file, send, events, webhook): clients of a Hanbill server
 * through the TypeScript client (clients/typescript), one module per command, run with the process's streams.
 */
import type { CliIo } from '../api/cli-output.ts';

export async function runApiCommand(command: string, args: string[], io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  switch (command) {
    case 'issue':
      return (await import('./issue.ts')).runIssue(args, io);
    case 'list':
      return (await import('./documents-list.ts')).runList(args, io);
    case 'show':
      return (await import('./documents-list.ts')).runShow(args, io);
    case 'file':
      return (await import('./nts-file.ts')).runFile(args, io);
    case 'send':
      return (await import('./send-message.ts')).runSend(args, io);
    case 'events': {
      // --follow runs until Ctrl-C (or SIGTERM): the poll stops and the command exits 0
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        return await (await import('./events-tail.ts')).runEvents(args, io, stop.signal);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }
    case 'webhook':
      return (await import('./webhook-verify.ts')).runWebhook(args, io);
    default:
      throw new Error(`not an API command: ${command}`);
  }
}
