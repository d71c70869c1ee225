/**
 * SOAP with Attachments over HTTP: `multipart/related` bodies (NTS.md §4.1). Part 1 is the SOAP envelope
 * (`text/xml; charset=UTF-8`, Content-ID <SOAPPart>), part 2 (when present) the binary attachment whose
 * Content-ID is the ReferenceID. Binary-safe on Buffers.
 */
import { randomBytes } from 'node:crypto';

export interface MimePart {
  headers: Record<string, string>;
  body: Buffer;
}

export interface MultipartMessage {
  contentType: string;
  body: Buffer;
}

export const SOAP_PART_ID = 'SOAPPart';

/** Build a multipart/related message: the SOAP envelope first, then the attachments. */
export function buildMultipartRelated(soapXml: string, attachments: { contentId: string; body: Buffer }[] = []): MultipartMessage {
  const boundary = `----=_Part_${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  const part = (headers: string[], body: Buffer) => {
    chunks.push(Buffer.from(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'), body, Buffer.from('\r\n', 'latin1'));
  };
  part(['Content-Type: text/xml; charset=UTF-8', 'Content-Transfer-Encoding: 8bit', `Content-ID: <${SOAP_PART_ID}>`], Buffer.from(soapXml, 'utf8'));
  for (const a of attachments) {
    part(['Content-Type: application/octet-stream', 'Content-Transfer-Encoding: binary', `Content-ID: <${a.contentId}>`], a.body);
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return {
    contentType: `multipart/related; type="text/xml"; start="<${SOAP_PART_ID}>"; boundary="${boundary}"`,
    body: Buffer.concat(chunks),
  };
}

export class MimeFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MimeFormatError';
  }
}

/** A parameter of a Content-Type header value (`boundary`, `start`, `charset`), unquoted. */
export function contentTypeParameter(contentType: string, name: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i');
  const m = re.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split(/\r?\n(?![ \t])/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  return headers;
}

/** Split a multipart body into its parts. */
export function parseMultipart(contentType: string, body: Buffer): MimePart[] {
  const boundary = contentTypeParameter(contentType, 'boundary');
  if (!boundary) throw new MimeFormatError('multipart body without a boundary parameter');
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: MimePart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new MimeFormatError('multipart boundary not found in the body');
  for (;;) {
    let start = pos + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing delimiter "--"
    // skip transport padding and the CRLF after the delimiter
    while (body[start] === 0x20 || body[start] === 0x09) start++;
    if (body[start] === 0x0d) start++;
    if (body[start] === 0x0a) start++;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n', 'latin1'), delimiter]), start);
    const nextLf = next < 0 ? body.indexOf(Buffer.concat([Buffer.from('\n', 'latin1'), delimiter]), start) : -1;
    const end = next >= 0 ? next : nextLf;
    if (end < 0) throw new MimeFormatError('multipart body is not terminated');
    const raw = body.subarray(start, end);
    let split = raw.indexOf('\r\n\r\n');
    let sepLength = 4;
    if (split < 0) {
      split = raw.indexOf('\n\n');
      sepLength = 2;
    }
    if (split < 0) throw new MimeFormatError('multipart part without a header block');
    parts.push({ headers: parseHeaders(raw.subarray(0, split).toString('latin1')), body: Buffer.from(raw.subarray(split + sepLength)) });
    pos = end + (next >= 0 ? 2 : 1);
  }
  if (parts.length === 0) throw new MimeFormatError('multipart body without parts');
  return parts;
}

/** Content-ID without the angle brackets. */
export function contentIdOf(part: MimePart): string | undefined {
  const id = part.headers['content-id'];
  return id === undefined ? undefined : id.replace(/^<|>$/g, '');
}

/**
 * The SOAP envelope (as text) and attachments of a request/response body: multipart/related, or a bare
 * `text/xml` SOAP message (no attachments).
 */
export function readSoapBody(contentType: string | undefined, body: Buffer): { soapXml: string; attachments: Map<string, Buffer> } {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/')) {
    const parts = parseMultipart(contentType!, body);
    const start = contentTypeParameter(contentType!, 'start')?.replace(/^<|>$/g, '');
    const soap = (start ? parts.find((p) => contentIdOf(p) === start) : undefined) ?? parts[0]!;
    const attachments = new Map<string, Buffer>();
    for (const p of parts) {
      if (p === soap) continue;
      const id = contentIdOf(p);
      if (id) attachments.set(id, p.body);
    }
    return { soapXml: soap.body.toString('utf8'), attachments };
  }
  if (type.startsWith('text/xml') || type.startsWith('application/soap+xml') || type === '') return { soapXml: body.toString('utf8'), attachments: new Map() };
  throw new MimeFormatError(`unexpected content type ${contentType}`);
}
