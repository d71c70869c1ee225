/**
 * `hanbill events tail`: the event log from the oldest kept event (or `--cursor`), one line per event, then the
 * cursor to resume from on stderr (`cursor: …`); with `--follow`, keeps polling for new events until interrupted
 * (Ctrl-C). `--json` prints one JSON object per line
 * (NDJSON). The partner's events with an API key, else the subscription's (`--subscription` forces the latter).
 */
import { intOf, listOf, parseArgs, UsageError, valueOf } from '../api/cli-args.ts';
import { clientOf, loadCliSettings } from '../api/cli-config.ts';
import { EXIT_OK, reportFailure, write, type CliIo } from '../api/cli-output.ts';

export const EVENTS_USAGE =
  'usage: hanbill events tail [--type T[,T…]] [--object-type T] [--object-id ID] [--cursor C] [--follow] [--interval MS] [--limit N] [--subscription] [--json] [--config FILE]';

export async function runEvents(args: string[], io: CliIo, stop?: AbortSignal): Promise<number> {
  try {
    const p = parseArgs(args, {
      json: { flag: true }, follow: { flag: true }, subscription: { flag: true }, type: { repeat: true }, 'object-type': {}, 'object-id': {}, cursor: {}, interval: {}, limit: {}, config: {},
    });
    const [sub, ...extra] = p.positionals;
    if (sub !== 'tail') throw new UsageError('events의 하위 명령은 tail입니다 (the events subcommand is tail)');
    if (extra.length) throw new UsageError(`알 수 없는 인자 (unexpected argument) ${extra[0]}`);
    const settings = loadCliSettings(io.env, valueOf(p, 'config'));
    const client = clientOf(settings);
    const types = listOf(p, 'type');
    const limit = intOf(p, 'limit', { max: 500 });
    const interval = intOf(p, 'interval', { min: 100, max: 600_000 }) ?? 2000;
    const scope = p.flags.has('subscription') || !settings.apiKey ? 'subscription' : 'partner';
    let last: string | undefined;
    const iterator = client.events.iterate(
      {
        ...(types.length ? { type: types } : {}),
        ...(valueOf(p, 'object-type') ? { objectType: valueOf(p, 'object-type')! } : {}),
        ...(valueOf(p, 'object-id') ? { objectId: valueOf(p, 'object-id')! } : {}),
        ...(valueOf(p, 'cursor') ? { cursor: valueOf(p, 'cursor')! } : {}),
        ...(limit ? { limit } : {}),
      },
      { scope, follow: p.flags.has('follow'), pollIntervalMs: interval, ...(stop ? { signal: stop } : {}), onCursor: (c) => (last = c) },
    );
    for await (const e of iterator) {
      await write(io.stdout, p.flags.has('json') ? `${JSON.stringify(e)}\n` : `${e.occurredAt}  ${e.type.padEnd(28)}  ${e.object.type} ${e.object.id} → ${e.object.state}\n`);
    }
    // where to resume: `hanbill events tail --cursor <it>` prints only what came after
    if (last) await write(io.stderr, `cursor: ${last}\n`);
    return EXIT_OK;
  } catch (err) {
    return reportFailure(err, io, EVENTS_USAGE);
  }
}
