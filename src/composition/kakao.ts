/**
 * The Kakao gateway, chosen here and only here. Today that is always the shipped Kakao simulator, in-process:
 * the HTTP transport to a Kakao dealer is the next piece of the messaging module, and until it exists there is
 * no setting that could name one (docs/messaging.md).
 */
import type { Ctx } from '../platform/context.ts';
import type { KakaoGateway } from '../modules/messaging/kakao-gateway.ts';
import type { KakaoSimulator } from '../simulators/kakao/kakao-simulator.ts';

export interface KakaoSystem {
  gateway: KakaoGateway;
  /** The in-process simulator: its tokens are shown at /dev/kakao/tokens. */
  simulator: KakaoSimulator | undefined;
}

export async function startKakao(ctx: Ctx): Promise<KakaoSystem> {
  const { KakaoSimulator } = await import('../simulators/kakao/kakao-simulator.ts');
  const simulator = new KakaoSimulator(ctx.clock);
  if (ctx.config.databaseUrl) ctx.log.warn({}, 'Kakao channel tokens go to the in-process Kakao simulator (no dealer transport yet)');
  return { gateway: simulator, simulator };
}
