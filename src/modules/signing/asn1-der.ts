/**
 * A deliberately small DER reader/writer: just what the NPKI key files, X.509 extensions and the
 * VID hash need. Definite lengths only (DER); anything else is rejected with a DerError, which the
 * callers turn into an AppError naming the file at fault.
 */

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export const TagClass = { universal: 0, application: 1, context: 2, private: 3 } as const;

export const UniversalTag = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  null: 5,
  oid: 6,
  utf8String: 12,
  sequence: 16,
  set: 17,
  printableString: 19,
  ia5String: 22,
  utcTime: 23,
  generalizedTime: 24,
  bmpString: 30,
} as const;

/** One decoded TLV. `content` and `raw` are views into the input buffer (no copies). */
export interface DerNode {
  tagClass: number;
  constructed: boolean;
  tagNumber: number;
  /** The whole TLV (header + content). */
  raw: Buffer;
  content: Buffer;
}

/** Decode the TLV that starts at `offset`. */
export function readDerAt(buf: Buffer, offset: number): DerNode {
  if (offset + 2 > buf.length) throw new DerError('truncated DER header');
  const first = buf[offset]!;
  const tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) throw new DerError('multi-byte DER tags are not supported');
  let pos = offset + 1;
  const lenByte = buf[pos++]!;
  let length: number;
  if (lenByte < 0x80) {
    length = lenByte;
  } else {
    const count = lenByte & 0x7f;
    if (count === 0) throw new DerError('indefinite length is not DER');
    if (count > 4 || pos + count > buf.length) throw new DerError('bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos++]!;
  }
  const end = pos + length;
  if (end > buf.length) throw new DerError('DER value runs past the end of the data');
  return {
    tagClass: first >> 6,
    constructed: (first & 0x20) !== 0,
    tagNumber,
    raw: buf.subarray(offset, end),
    content: buf.subarray(pos, end),
  };
}

/** Decode a buffer that must hold exactly one TLV. */
export function readDer(buf: Buffer): DerNode {
  const node = readDerAt(buf, 0);
  if (node.raw.length !== buf.length) throw new DerError('trailing bytes after DER value');
  return node;
}

/** The child TLVs of a constructed node. */
export function derChildren(node: DerNode): DerNode[] {
  if (!node.constructed) throw new DerError('expected a constructed DER value');
  const out: DerNode[] = [];
  let offset = 0;
  while (offset < node.content.length) {
    const child = readDerAt(node.content, offset);
    out.push(child);
    offset += child.raw.length;
  }
  return out;
}

export function isUniversal(node: DerNode, tag: number): boolean {
  return node.tagClass === TagClass.universal && node.tagNumber === tag;
}

export function isContext(node: DerNode, tagNumber: number): boolean {
  return node.tagClass === TagClass.context && node.tagNumber === tagNumber;
}

function expectUniversal(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || !isUniversal(node, tag)) throw new DerError(`expected ${what}`);
  return node;
}

/** Children of a SEQUENCE (throws if `node` is not one). */
export function readSequence(node: DerNode | undefined): DerNode[] {
  return derChildren(expectUniversal(node, UniversalTag.sequence, 'SEQUENCE'));
}

export function readOid(node: DerNode | undefined): string {
  const bytes = expectUniversal(node, UniversalTag.oid, 'OBJECT IDENTIFIER').content;
  if (bytes.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER) throw new DerError('OID arc too large');
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        arcs.push(first, value - first * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
    }
  }
  if ((bytes[bytes.length - 1]! & 0x80) !== 0) throw new DerError('truncated OID');
  return arcs.join('.');
}

/** A non-negative INTEGER that fits a JS number (iteration counts, key lengths, versions). */
export function readSmallInteger(node: DerNode | undefined): number {
  const bytes = expectUniversal(node, UniversalTag.integer, 'INTEGER').content;
  if (bytes.length === 0 || bytes.length > 6 || (bytes[0]! & 0x80) !== 0) {
    throw new DerError('INTEGER out of range');
  }
  return bytes.readUIntBE(0, bytes.length);
}

export function readOctetString(node: DerNode | undefined): Buffer {
  return expectUniversal(node, UniversalTag.octetString, 'OCTET STRING').content;
}

/** BIT STRING contents; only whole-octet strings (0 unused bits) are accepted. */
export function readBitString(node: DerNode | undefined): Buffer {
  const bytes = expectUniversal(node, UniversalTag.bitString, 'BIT STRING').content;
  if (bytes.length === 0 || bytes[0] !== 0) throw new DerError('BIT STRING with unused bits');
  return bytes.subarray(1);
}

/** UTF8String, PrintableString, IA5String or BMPString as a JS string. */
export function readText(node: DerNode | undefined): string {
  if (!node || node.tagClass !== TagClass.universal) throw new DerError('expected a string');
  switch (node.tagNumber) {
    case UniversalTag.utf8String:
    case UniversalTag.printableString:
    case UniversalTag.ia5String:
      return node.content.toString('utf8');
    case UniversalTag.bmpString:
      return Buffer.from(node.content).swap16().toString('utf16le');
    default:
      throw new DerError('expected a string');
  }
}

/** UTCTime (YYMMDDhhmmssZ, 1950–2049) or GeneralizedTime (YYYYMMDDhhmmssZ) as a Date. */
export function readTime(node: DerNode | undefined): Date {
  if (!node || node.tagClass !== TagClass.universal) throw new DerError('expected a time');
  const text = node.content.toString('latin1');
  let match: RegExpExecArray | null;
  let year: number;
  if (node.tagNumber === UniversalTag.utcTime && (match = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text))) {
    const yy = Number(match[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
  } else if (
    node.tagNumber === UniversalTag.generalizedTime &&
    (match = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text))
  ) {
    year = Number(match[1]);
  } else {
    throw new DerError(`unsupported time value "${text}"`);
  }
  const [, , mo, d, h, mi, s] = match.map(Number) as number[];
  return new Date(Date.UTC(year, mo! - 1, d!, h!, mi!, s!));
}

/** The single value of an `[n] EXPLICIT` wrapper. */
export function unwrapExplicit(node: DerNode | undefined, tagNumber: number): DerNode {
  if (!node || !isContext(node, tagNumber) || !node.constructed) throw new DerError(`expected [${tagNumber}]`);
  const inner = derChildren(node);
  if (inner.length !== 1) throw new DerError(`expected one value inside [${tagNumber}]`);
  return inner[0]!;
}

// ---------------------------------------------------------------------------------------------
// Writer

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Encode one TLV from its identifier octet and content. */
export function encodeDer(identifier: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([identifier]), encodeLength(content.length), content]);
}

/** OBJECT IDENTIFIER from its dotted form. */
export function derOid(oid: string): Buffer {
  const arcs = oid.split('.').map(Number);
  const bytes: number[] = [];
  const push = (value: number) => {
    const chunk: number[] = [value & 0x7f];
    for (let v = Math.floor(value / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const arc of arcs.slice(2)) push(arc);
  return encodeDer(0x06, Buffer.from(bytes));
}

export function derSequence(...items: Buffer[]): Buffer {
  return encodeDer(0x30, Buffer.concat(items));
}

export function derPrintableString(text: string): Buffer {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text)) throw new DerError('not a PrintableString');
  return encodeDer(UniversalTag.printableString, Buffer.from(text, 'latin1'));
}

/** BIT STRING holding whole octets (0 unused bits). */
export function derBitString(bytes: Buffer): Buffer {
  return encodeDer(UniversalTag.bitString, Buffer.concat([Buffer.from([0]), bytes]));
}

/** PEM → DER for the given labels; DER input is returned unchanged. */
export function pemOrDer(input: Buffer | string, labels: readonly string[]): Buffer {
  const text = typeof input === 'string' ? input : input.subarray(0, 11).toString('latin1') === '-----BEGIN ' ? input.toString('latin1') : null;
  if (text === null) return input as Buffer;
  const match = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!match || !labels.includes(match[1]!)) throw new DerError(`expected PEM ${labels.join(' or ')}`);
  return Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64');
}
