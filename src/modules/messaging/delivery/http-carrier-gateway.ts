/**
 * Our carrier relay protocol over HTTP/JSON (docs/messaging.md "Carrier relay protocol"); the shipped carrier
 * simulator serves it, and a dealer adapter (NHN Cloud, Solapi) implements the same CarrierGateway interface.
 *
 *   POST <base>/v1/messages       {reportUrl?, messages: CarrierMessage[]}  → 200 {results: SendOutcome[]}
 *   POST <base>/v1/reports/query  {messageIds: string[]}                     → 200 {results: ReportLookup[]}
 *   (push) POST <reportUrl>       {reports: CarrierReport[]}, signed (carrier-report-signature.ts) → 2xx when stored
 *
 * Network errors, time-outs and HTTP 5xx/429 are CarrierTransientError (the same call may be repeated: the
 * carrier de-duplicates by messageId); other statuses or a malformed answer are CarrierProtocolError.
 */
import { CarrierProtocolError, CarrierTransientError, type CarrierGateway, type CarrierMessage, type ReportLookup, type SendOutcome } from './carrier-gateway.ts';

export interface HttpCarrierGatewayOptions {
  baseUrl: string;
  timeoutMs: number;
}

export class HttpCarrierGateway implements CarrierGateway {
  constructor(private readonly opts: HttpCarrierGatewayOptions) {}

  async send(messages: readonly CarrierMessage[], reportUrl: string | undefined): Promise<SendOutcome[]> {
    if (messages.length === 0) return [];
    const body = await this.call('/v1/messages', { ...(reportUrl ? { reportUrl } : {}), messages });
    const results = resultsOf(body, messages.length);
    return results.map((r) => {
      const o = r as Record<string, unknown>;
      if (o['status'] === 'accepted' && typeof o['messageId'] === 'string' && typeof o['carrierRef'] === 'string') return { messageId: o['messageId'], status: 'accepted', carrierRef: o['carrierRef'] };
      if (o['status'] === 'refused' && typeof o['messageId'] === 'string' && typeof o['code'] === 'string')
        return { messageId: o['messageId'], status: 'refused', code: o['code'], message: typeof o['message'] === 'string' ? o['message'] : '' };
      throw new CarrierProtocolError(`carrier gateway: malformed send result ${JSON.stringify(r).slice(0, 200)}`);
    });
  }

  async fetchReports(messageIds: readonly string[]): Promise<ReportLookup[]> {
    if (messageIds.length === 0) return [];
    const body = await this.call('/v1/reports/query', { messageIds });
    const results = resultsOf(body, messageIds.length);
    return results.map((r) => {
      const o = r as Record<string, unknown>;
      const id = o['messageId'];
      if (typeof id !== 'string') throw new CarrierProtocolError('carrier gateway: report lookup without messageId');
      if (o['status'] === 'pending' || o['status'] === 'unknown') return { messageId: id, status: o['status'] };
      const rep = o['report'] as Record<string, unknown> | undefined;
      if (o['status'] !== 'reported' || !rep || typeof rep['code'] !== 'string' || typeof rep['delivered'] !== 'boolean') throw new CarrierProtocolError('carrier gateway: malformed report');
      return {
        messageId: id,
        status: 'reported',
        report: {
          messageId: id,
          carrierRef: String(rep['carrierRef'] ?? ''),
          code: rep['code'],
          message: String(rep['message'] ?? ''),
          delivered: rep['delivered'],
          reportedAt: String(rep['reportedAt'] ?? new Date().toISOString()),
        },
      };
    });
  }

  private async call(path: string, payload: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.opts.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      throw new CarrierTransientError(`carrier gateway ${path}: ${(err as Error).name === 'TimeoutError' ? 'timed out' : String((err as Error).message ?? err)}`);
    }
    const text = await res.text().catch(() => '');
    if (res.status >= 500 || res.status === 429) throw new CarrierTransientError(`carrier gateway ${path}: HTTP ${res.status}`, res.status);
    if (res.status !== 200) throw new CarrierProtocolError(`carrier gateway ${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new CarrierProtocolError(`carrier gateway ${path}: answer is not JSON`);
    }
  }
}

function resultsOf(body: unknown, expected: number): unknown[] {
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results) || results.length !== expected) throw new CarrierProtocolError(`carrier gateway: expected ${expected} results`);
  return results;
}
