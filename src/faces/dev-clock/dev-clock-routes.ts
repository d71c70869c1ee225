/**
 * Dev: the sandbox clock (docs/settlement.md "The clock"), like a payment provider's test clock.
 *
 *   GET  /dev/clock                        now, UTC and KST
 *   POST /dev/clock { "advance": "P7D" }   move the system's clock forward (ISO 8601: days, hours, minutes,
 *                                          seconds), then run the billing tick and the message sweep at once
 *
 * Registered only on the embedded default with the simulators in process (main.ts: no DATABASE_URL, the NTS and
 * carrier simulators in this process) — never in production mode. Loopback callers only (the socket's address,
 * never a forwarding header); anyone else gets 403. Not part of the REST reference.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, invalidError, requiredError } from '../../platform/errors.ts';
import { isAdjustable, kstDateTime, OffsetClock } from '../../platform/clock.ts';
import type { Ctx } from '../../platform/context.ts';
import { isLoopback } from '../loopback.ts';
import { parseIsoDuration } from './iso-duration.ts';
import { saveClockOffset } from './clock-offset-file.ts';

/** At most a year and a bit per call. */
export const MAX_ADVANCE_MS = 400 * 86_400_000;

export interface DevClockOptions {
  ctx: Ctx;
  /** The billing tick, run right after the clock moved. */
  billingTick: () => Promise<unknown>;
  /** The message sweep's clock-driven part (the 48-hour rule, due reservations). */
  messageSweep: () => Promise<unknown>;
}

function loopbackOnly(req: FastifyRequest): void {
  if (!isLoopback(req.socket.remoteAddress)) throw new AppError('forbidden', '이 서버가 실행 중인 컴퓨터에서만 쓸 수 있습니다 (loopback callers only)');
}

export function readAdvance(body: unknown): number {
  const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['advance'] : undefined;
  if (v === undefined || v === null || v === '') throw requiredError('advance', '앞당길 시간 (ISO 8601 duration, e.g. P7D)');
  const ms = typeof v === 'string' ? parseIsoDuration(v) : undefined;
  if (ms === undefined || ms <= 0) throw invalidError('advance', 'ISO 8601 기간이어야 합니다: 일, 시, 분, 초 (an ISO 8601 duration of days, hours, minutes, seconds, e.g. P7D, PT48H, P1DT2H)');
  if (ms > MAX_ADVANCE_MS) throw invalidError('advance', '한 번에 400일까지 앞당길 수 있습니다 (at most P400D at once)');
  return ms;
}

export function devClockPlugin(opts: DevClockOptions): (app: FastifyInstance) => Promise<void> {
  const { ctx } = opts;
  const view = () => {
    const now = ctx.clock.now();
    return { now: now.toISOString(), nowKst: kstDateTime(now), offsetMs: ctx.clock instanceof OffsetClock ? ctx.clock.offset : null };
  };
  return async (app: FastifyInstance) => {
    app.get('/dev/clock', { schema: { hide: true } }, async (req, reply) => {
      loopbackOnly(req);
      return reply.header('cache-control', 'no-store').send(view());
    });
    app.post('/dev/clock', { schema: { hide: true } }, async (req, reply) => {
      loopbackOnly(req);
      const ms = readAdvance(req.body);
      const clock = ctx.clock;
      if (!isAdjustable(clock)) throw new AppError('forbidden', '이 시계는 옮길 수 없습니다 (this system\'s clock cannot be moved)');
      clock.advance(ms);
      if (clock instanceof OffsetClock) saveClockOffset(ctx.config.dataDir, clock.offset);
      ctx.log.warn({ advancedMs: ms, now: clock.now().toISOString() }, 'dev clock moved forward');
      const ran: Record<string, unknown> = {};
      for (const [name, fn] of [['messageSweep', opts.messageSweep], ['billing', opts.billingTick]] as const) {
        try {
          ran[name] = (await fn()) ?? { ok: true };
        } catch (err) {
          ran[name] = { error: String((err as Error).message ?? err) };
        }
      }
      return reply.header('cache-control', 'no-store').send({ ...view(), advancedMs: ms, ran });
    });
  };
}
