/**
 * The Kakao gateway adapter: what sender setup needs from Kakao (through a dealer such as NHN Cloud), behind one
 * interface (MESSAGING-AND-BILLING-FACTS.md §2.7):
 *
 *   requestToken(…)   register a channel (search ID, admin phone, category code): Kakao sends a token to the
 *                     admin's KakaoTalk
 *   confirmToken(…)   the admin's token back: Kakao answers the channel's 40-character senderKey
 *
 * The shipped simulator (src/simulators/kakao) implements it in-process; a real HTTP transport is not written
 * yet (src/composition/kakao.ts always chooses the simulator; docs/messaging.md). Transient trouble is thrown as
 * KakaoTransientError (nothing changed: the caller may try again); a refusal is an outcome.
 */

export interface ChannelTokenRequest {
  /** `@` + the channel's search ID (plusFriendId), as registered at Kakao. */
  searchId: string;
  /** The channel admin's mobile number, digits only. */
  adminPhone: string;
  /** 11-digit category code, e.g. 00100010001 (건강/병원/종합병원). */
  categoryCode: string;
}

export type RequestTokenOutcome =
  | { kind: 'token_sent' }
  /** Kakao refuses: no such (searchable, business) channel, or the phone is not one of its admins. */
  | { kind: 'refused'; code: string; detail: string; field: 'searchId' | 'adminPhone' | 'categoryCode' };

export type ConfirmTokenOutcome =
  | { kind: 'confirmed'; senderKey: string }
  /** The token is not the one sent (or no token is outstanding for this channel and phone). */
  | { kind: 'wrong_token' }
  /** The token was sent too long ago, or was voided: request a new one. */
  | { kind: 'expired' };

export interface KakaoGateway {
  requestToken(req: ChannelTokenRequest): Promise<RequestTokenOutcome>;
  confirmToken(req: ChannelTokenRequest & { token: string }): Promise<ConfirmTokenOutcome>;
}

export class KakaoTransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KakaoTransientError';
  }
}
