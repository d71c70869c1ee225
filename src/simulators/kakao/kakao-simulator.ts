/**
 * The Kakao simulator: the sender-profile part of Kakao (through a dealer), in-process, implementing KakaoGateway.
 *
 *  - requestToken: a random 6-digit token is "sent to the admin's KakaoTalk": recorded here and shown by
 *    `tokens()` (tests) and, on the embedded default, at the loopback-only dev route GET /dev/kakao/tokens.
 *    A new token voids the previous one of the same channel and phone. Tokens live TOKEN_TTL_MS (simulator clock).
 *  - confirmToken: the outstanding token → a random 40-character senderKey (letters and digits), a new one per
 *    confirmation; another token → wrong_token; no outstanding token or too old → expired.
 *
 * Patterns (documented in docs/messaging.md) to reach Kakao's refusals from tests:
 *  - a search ID starting `@unknown` → refused NO_CHANNEL (no such searchable business channel), field searchId;
 *  - an admin phone ending `0000` → refused NOT_ADMIN (the phone is not an admin of the channel), field adminPhone.
 */
import crypto from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { ChannelTokenRequest, ConfirmTokenOutcome, KakaoGateway, RequestTokenOutcome } from '../../modules/messaging/kakao-gateway.ts';

export const TOKEN_TTL_MS = 30 * 60_000;

export interface SentToken {
  searchId: string;
  adminPhone: string;
  token: string;
  sentAt: Date;
  /** Confirmed (used) tokens stay listed, marked. */
  used: boolean;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class KakaoSimulator implements KakaoGateway {
  private readonly sent: SentToken[] = [];
  private readonly maxKept = 1_000;

  constructor(private readonly clock: Clock) {}

  async requestToken(req: ChannelTokenRequest): Promise<RequestTokenOutcome> {
    if (req.searchId.toLowerCase().startsWith('@unknown')) {
      return { kind: 'refused', code: 'NO_CHANNEL', detail: '검색 가능한 비즈니스 채널이 아닙니다', field: 'searchId' };
    }
    if (req.adminPhone.endsWith('0000')) return { kind: 'refused', code: 'NOT_ADMIN', detail: '채널 관리자의 휴대폰 번호가 아닙니다', field: 'adminPhone' };
    const token = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    this.sent.push({ searchId: req.searchId, adminPhone: req.adminPhone, token, sentAt: this.clock.now(), used: false });
    if (this.sent.length > this.maxKept) this.sent.splice(0, this.sent.length - this.maxKept);
    return { kind: 'token_sent' };
  }

  async confirmToken(req: ChannelTokenRequest & { token: string }): Promise<ConfirmTokenOutcome> {
    const latest = this.latest(req.searchId, req.adminPhone);
    if (!latest || latest.used || this.clock.now().getTime() - latest.sentAt.getTime() > TOKEN_TTL_MS) return { kind: 'expired' };
    const sent = Buffer.from(latest.token);
    const given = Buffer.from(req.token);
    if (sent.length !== given.length || !crypto.timingSafeEqual(sent, given)) return { kind: 'wrong_token' };
    latest.used = true;
    const bytes = crypto.randomBytes(40);
    return { kind: 'confirmed', senderKey: [...bytes].map((b) => ALNUM[b % ALNUM.length]).join('') };
  }

  /** Tokens "sent to the admins' KakaoTalk", newest first. */
  tokens(): SentToken[] {
    return [...this.sent].reverse().map((t) => ({ ...t }));
  }

  /** The outstanding (newest) token of a channel and admin phone. */
  latestToken(searchId: string, adminPhone?: string): string | undefined {
    return this.latest(searchId, adminPhone)?.token;
  }

  private latest(searchId: string, adminPhone?: string): SentToken | undefined {
    const id = searchId.toLowerCase();
    for (let i = this.sent.length - 1; i >= 0; i--) {
      const t = this.sent[i]!;
      if (t.searchId.toLowerCase() === id && (adminPhone === undefined || t.adminPhone === adminPhone)) return t;
    }
    return undefined;
  }
}
