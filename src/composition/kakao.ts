/**
 * The Kakao gateway, chosen here and only here: the shipped Kakao simulator, in-process, unless KAKAO_GATEWAY_URL
 * is set. A real HTTP transport to a Kakao dealer is not written yet: with the URL set the start stops with a
 * configuration error saying so, rather than pretending to talk to Kakao.
 */
import { ConfigError } from '../config.ts';
import type { Ctx } from '../platform/context.ts';
import type { KakaoGateway } from '../modules/messaging/kakao-gateway.ts';
import type { KakaoSimulator } from '../simulators/kakao/kakao-simulator.ts';

export interface KakaoSystem {
  gateway: KakaoGateway;
  /** The in-process simulator (KAKAO_GATEWAY_URL unset): its tokens are shown at /dev/kakao/tokens. */
  simulator: KakaoSimulator | undefined;
}

export async function startKakao(ctx: Ctx): Promise<KakaoSystem> {
  if (ctx.config.kakaoGatewayUrl) {
    throw new ConfigError([`KAKAO_GATEWAY_URL: the HTTP transport to a Kakao dealer is not implemented yet (unset it to use the shipped in-process Kakao simulator)`]);
  }
  const { KakaoSimulator } = await import('../simulators/kakao/kakao-simulator.ts');
  const simulator = new KakaoSimulator(ctx.clock);
  if (ctx.config.databaseUrl) ctx.log.warn({}, 'KAKAO_GATEWAY_URL is not set: Kakao channel tokens go to the in-process Kakao simulator');
  return { gateway: simulator, simulator };
}
