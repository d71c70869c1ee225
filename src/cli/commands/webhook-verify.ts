/**
 * `hanbill webhook verify --secret whsec_… --header 't=…,v1=…' < body`: check a webhook delivery's
 * Hanbill-Signature against the raw body on stdin with the client's verifier (docs/webhooks.md). Exit 0 when it
 * is genuine, 1 when not (the reason on stderr), 2 on a usage error. Works offline: no server is called.
 */
import { verifyWebhookSignature } from '../../../clients/typescript/src/index.ts';
import { intOf, parseArgs, UsageError, valueOf } from '../api/cli-args.ts';
import { EXIT_FAILED, EXIT_OK, json, reportFailure, write, type CliIo } from '../api/cli-output.ts';

export const WEBHOOK_USAGE = "usage: hanbill webhook verify --secret whsec_… [--secret …] --header 't=…,v1=…' [--tolerance SECONDS] [--now UNIX] [--json] < body";

const REASONS: Record<string, string> = {
  missing_header: '서명 헤더가 없습니다 (no signature header)',
  malformed_header: '서명 헤더 형식이 틀렸습니다 (malformed signature header)',
  timestamp_out_of_tolerance: '서명 시각이 허용 범위를 벗어났습니다 (timestamp outside the tolerance)',
  no_matching_signature: '서명이 일치하지 않습니다 (no signature matches)',
};

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
  return Buffer.concat(chunks);
}

export async function runWebhook(args: string[], io: CliIo): Promise<number> {
  try {
    const p = parseArgs(args, { json: { flag: true }, secret: { repeat: true }, header: {}, tolerance: {}, now: {} });
    const [sub, ...extra] = p.positionals;
    if (sub !== 'verify') throw new UsageError('webhook의 하위 명령은 verify입니다 (the webhook subcommand is verify)');
    if (extra.length) throw new UsageError(`알 수 없는 인자 (unexpected argument) ${extra[0]}`);
    const secrets = p.values.get('secret') ?? [];
    if (secrets.length === 0) throw new UsageError('--secret이 필요합니다 (--secret is required)');
    const header = valueOf(p, 'header') ?? io.env['HANBILL_SIGNATURE'];
    if (!header) throw new UsageError('--header가 필요합니다 (--header is required)');
    const tolerance = intOf(p, 'tolerance', { min: 0 });
    const now = intOf(p, 'now', { min: 0 });
    const body = await readAll(io.stdin);
    const r = verifyWebhookSignature({ body, header, secrets, ...(tolerance !== undefined ? { toleranceSeconds: tolerance } : {}), ...(now !== undefined ? { now: now * 1000 } : {}) });
    if (p.flags.has('json')) await write(io.stdout, json(r));
    if (r.valid) {
      if (!p.flags.has('json')) await write(io.stdout, `서명 유효 (signature valid): t=${r.timestamp}\n`);
      return EXIT_OK;
    }
    await write(io.stderr, `hanbill: ${REASONS[r.reason] ?? r.reason}\n`);
    return EXIT_FAILED;
  } catch (err) {
    return reportFailure(err, io, WEBHOOK_USAGE);
  }
}
