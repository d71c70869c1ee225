/**
 * `hanbill send sms|lms|mms|alimtalk|friendtalk --to N[,N…] …`: send a message through the partner's key.
 * SMS/LMS/MMS need an approved sender number (--from); AlimTalk a channel (--channel) and an approved template
 * (--template) with its variables (--var 이름=값, repeatable); --reserve-at reserves it. Prints the batch and
 * any refused recipients; exit 1 when a recipient was refused.
 */
import { type MessageRequest } from '../../../clients/typescript/src/index.ts';
import { intOf, listOf, parseArgs, UsageError, valueOf } from '../api/cli-args.ts';
import { clientOf, loadCliSettings } from '../api/cli-config.ts';
import { EXIT_FAILED, EXIT_OK, json, keyValues, reportFailure, table, write, type CliIo } from '../api/cli-output.ts';

export const SEND_USAGE =
  'usage: hanbill send sms|lms|mms|alimtalk|friendtalk --to 01012345678[,…] [--from 0212345678] [--text T] [--subject S]\n' +
  '         [--channel ID] [--template CODE] [--var 이름=값 …] [--image URL …] [--reserve-at ISO8601] [--ad] [--json] [--config FILE]';

const TYPES = ['sms', 'lms', 'mms', 'alimtalk', 'friendtalk'] as const;

export async function runSend(args: string[], io: CliIo): Promise<number> {
  let asJson = false;
  try {
    const p = parseArgs(args, {
      json: { flag: true }, ad: { flag: true }, config: {}, to: { repeat: true }, from: {}, text: {}, subject: {}, channel: {}, template: {}, var: { repeat: true }, image: { repeat: true }, 'reserve-at': {},
    });
    asJson = p.flags.has('json');
    const [type, ...extra] = p.positionals;
    if (!type || !(TYPES as readonly string[]).includes(type)) throw new UsageError(`메시지 유형을 주세요: ${TYPES.join(', ')} (give the message type)`);
    if (extra.length) throw new UsageError(`알 수 없는 인자 (unexpected argument) ${extra[0]}`);
    const to = listOf(p, 'to');
    if (to.length === 0) throw new UsageError('--to 수신번호가 필요합니다 (--to is required)');
    const variables: Record<string, string> = {};
    for (const v of p.values.get('var') ?? []) {
      const eq = v.indexOf('=');
      if (eq < 1) throw new UsageError(`--var는 이름=값 (--var is name=value): ${v}`);
      variables[v.slice(0, eq)] = v.slice(eq + 1);
    }
    const channelId = intOf(p, 'channel');
    const body: MessageRequest = {
      type: type as MessageRequest['type'],
      recipients: to.map((n) => ({ to: n, ...(Object.keys(variables).length ? { variables } : {}) })),
      ...(valueOf(p, 'from') ? { from: valueOf(p, 'from')! } : {}),
      ...(valueOf(p, 'text') ? { text: valueOf(p, 'text')! } : {}),
      ...(valueOf(p, 'subject') ? { subject: valueOf(p, 'subject')! } : {}),
      ...(channelId !== undefined ? { channelId } : {}),
      ...(valueOf(p, 'template') ? { templateCode: valueOf(p, 'template')! } : {}),
      ...(p.values.get('image') ? { images: p.values.get('image')! } : {}),
      ...(valueOf(p, 'reserve-at') ? { reserveAt: valueOf(p, 'reserve-at')! } : {}),
      ...(p.flags.has('ad') ? { ad: true } : {}),
      acceptValid: true,
    };
    const client = clientOf(loadCliSettings(io.env, valueOf(p, 'config')));
    const a = await client.messaging.send(body);
    if (asJson) {
      await write(io.stdout, json(a));
    } else {
      await write(io.stdout, keyValues([
        ['배치 (batch)', String(a.id ?? '')],
        ['상태 (state)', a.state ?? ''],
        ['접수 (accepted)', `${a.recipients.length}/${a.total}`],
        ['예약 (reserved at)', a.reserveAt ?? ''],
      ]));
      if (a.rejected.length) {
        await write(io.stdout, table(a.rejected, [
          { header: '번호 (#)', value: (r) => String(r.index + 1), right: true },
          { header: '필드 (field)', value: (r) => r.field },
          { header: '오류 (error)', value: (r) => `${r.code}: ${r.message}` },
        ]));
      }
    }
    return a.rejected.length ? EXIT_FAILED : EXIT_OK;
  } catch (err) {
    return reportFailure(err, io, SEND_USAGE, asJson);
  }
}
