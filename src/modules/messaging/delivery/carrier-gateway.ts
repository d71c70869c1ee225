/**
 * The carrier gateway: whoever hands our messages to Kakao and the mobile carriers (a dealer such as NHN Cloud or
 * Solapi, or the shipped carrier simulator). The delivery pipeline only sees this interface; which gateway it is,
 * is chosen by src/composition/carrier.ts.
 *
 *  - `send(messages)` answers per message: accepted (with the carrier's reference) or refused at once (a code).
 *    Trouble of the whole call (network, time-out, HTTP 5xx) is thrown as CarrierTransientError: send the same
 *    messages again later with the same ids — the carrier de-duplicates by our message id (= our attempt id).
 *  - results arrive later as reports, pushed to our report URL (carrier-report-signature.ts) or fetched with
 *    `fetchReports` (polling, the fallback).
 */
import type { MessageKind } from '../sending/tables.ts';

export interface CarrierButton {
  [key: string]: unknown;
}

export interface CarrierMessage {
  /** Our message id: the attempt id, as text. The carrier's idempotency key. */
  messageId: string;
  kind: MessageKind;
  /** The sender: a registered sender number (sms/lms/mms) or the channel's sender key (Kakao kinds). */
  from: string;
  /** Recipient phone, digits only. */
  to: string;
  text: string;
  subject?: string | undefined;
  /** AlimTalk template code. */
  templateCode?: string | undefined;
  buttons?: CarrierButton[] | undefined;
  /** Images of an MMS or a FriendTalk photo (as the batch content carries them). */
  images?: unknown[] | undefined;
  ad?: boolean | undefined;
}

export type SendOutcome = { messageId: string; status: 'accepted'; carrierRef: string } | { messageId: string; status: 'refused'; code: string; message: string };

/** A final result of one message. */
export interface CarrierReport {
  messageId: string;
  carrierRef: string;
  /** Kakao: '1000' success, 30xx failures; carriers (SMS/LMS/MMS): '1000' success, 2000/3003/3012 … */
  code: string;
  message: string;
  delivered: boolean;
  /** When the carrier learned the result (its clock). */
  reportedAt: string;
}

/** Per asked message: its final report, 'pending' (no result yet) or 'unknown' (the carrier never took it). */
export type ReportLookup = { messageId: string; status: 'reported'; report: CarrierReport } | { messageId: string; status: 'pending' | 'unknown' };

export interface CarrierGateway {
  /** Hand messages over; `reportUrl` is where results are pushed. Throws CarrierTransientError on transient trouble. */
  send(messages: readonly CarrierMessage[], reportUrl: string | undefined): Promise<SendOutcome[]>;
  /** Ask for results by our message ids (≤ 1,000 per call). Throws CarrierTransientError on transient trouble. */
  fetchReports(messageIds: readonly string[]): Promise<ReportLookup[]>;
}

/** The call failed as a whole and may be repeated with the same message ids (network, time-out, HTTP 5xx). */
export class CarrierTransientError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CarrierTransientError';
  }
}

/** The gateway answered something that is not the protocol (HTTP 4xx, bad JSON): a bug or misconfiguration, not retried blindly. */
export class CarrierProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CarrierProtocolError';
  }
}
