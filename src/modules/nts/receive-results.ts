/**
 * The result push receiver (NTS → our kec:ReplyTo, action ResultsSubmit; NTS.md §4.1): check that the message
 * is signed by the NTS, store the per-invoice results, and answer ResultsRecvAck (wsa:RelatesTo = the push's
 * MessageID, RefResultID = its ResultID). Storing is idempotent, so duplicate pushes are harmless; when
 * storing fails the answer is a SOAP Server fault, so the NTS pushes again (and polling remains).
 */
import type { Ctx } from '../../platform/context.ts';
import { buildFault, buildResultsRecvAck, payloadText, readMessage, responseDocument, type BuiltMessage, type Endpoint } from './transport/kec-messages.ts';
import { ACTION, NTS_PARTY, type Party, type SoapSigner } from './transport/soap-message.ts';
import { PROCESS_DONE, TYPE_ACCEPTED } from './transport/tax-invoice-response.ts';
import type { NtsGateway } from './nts-gateway.ts';
import { recordResults, type RecordOutcome } from './record-results.ts';

export interface ReceiverDeps {
  gateway: NtsGateway;
  aspSigner: () => Promise<SoapSigner>;
  aspParty: Party;
}

export interface ReceiverAnswer {
  status: number;
  message: BuiltMessage;
  outcome?: RecordOutcome;
}

export async function receiveResultsPush(ctx: Ctx, deps: ReceiverDeps, contentType: string | undefined, body: Buffer, selfUrl: string): Promise<ReceiverAnswer> {
  const endpoint: Endpoint = { to: selfUrl, from: deps.aspParty, toParty: NTS_PARTY, signer: await deps.aspSigner() };
  const fault = (kind: 'Client' | 'Server', message: string, code?: string, relatesTo?: string): ReceiverAnswer => ({
    status: 500,
    message: buildFault(endpoint, kind, message, code, relatesTo),
  });
  let m: ReturnType<typeof readMessage>;
  try {
    m = readMessage(contentType, body);
  } catch (err) {
    return fault('Client', `malformed SOAP message: ${(err as Error).message}`, 'MSG001');
  }
  const messageId = m.soap.header.messageId;
  if (m.soap.header.action !== ACTION.results) return fault('Client', `wsa:Action must be ${ACTION.results}`, 'MSG001', messageId);
  const trusted = await deps.gateway.trustedSignerCertificates();
  const sig = m.soap.signature;
  if (!sig.valid || !sig.certDer || !trusted.some((c) => c.equals(sig.certDer!))) {
    ctx.log.warn({ reason: sig.valid ? 'signer is not the NTS' : sig.reason }, 'nts result push refused: not signed by the NTS');
    return fault('Client', `not signed by the NTS (${sig.valid ? 'unknown signer' : sig.reason})`, 'MSG002', messageId);
  }
  const resultId = payloadText(m, 'ResultID') ?? '';
  let outcome: RecordOutcome;
  try {
    const doc = responseDocument(m);
    if (doc.typeCode === TYPE_ACCEPTED && doc.processStatusCode === PROCESS_DONE) {
      outcome = await recordResults(ctx, doc.refSubmitId, doc.results, { failRemainingWith: 'HBL003' });
    } else if (doc.typeCode !== TYPE_ACCEPTED) {
      outcome = await recordResults(ctx, doc.refSubmitId, [], { failRemainingWith: doc.failReasonStatusCode ?? 'PKG002' });
    } else {
      outcome = { known: true, changed: 0, settled: false }; // an interim status: nothing to store
    }
    if (!outcome.known) ctx.log.warn({ submitId: doc.refSubmitId }, 'nts result push for an unknown submission (acknowledged, ignored)');
    else ctx.log.info({ submitId: doc.refSubmitId, changed: outcome.changed, via: 'push' }, 'nts results stored');
  } catch (err) {
    ctx.log.error({ err: String(err) }, 'nts result push could not be stored');
    return fault('Server', 'results could not be stored; push again', undefined, messageId);
  }
  return { status: 200, message: buildResultsRecvAck(endpoint, { relatesTo: messageId, refResultId: resultId }), outcome };
}
