import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { fontFaces } from './pdf-fonts.ts';

/** Table directory of an sfnt file. */
function tablesOf(ttf: Buffer): Map<string, { offset: number; length: number; checksum: number }> {
  const out = new Map<string, { offset: number; length: number; checksum: number }>();
  for (let i = 0; i < ttf.readUInt16BE(4); i++) {
    const r = 12 + 16 * i;
    out.set(ttf.toString('latin1', r, r + 4), { checksum: ttf.readUInt32BE(r + 4), offset: ttf.readUInt32BE(r + 8), length: ttf.readUInt32BE(r + 12) });
  }
  return out;
}

function sum(buf: Buffer): number {
  let s = 0;
  const padded = Buffer.concat([buf, Buffer.alloc((4 - (buf.length % 4)) % 4)]);
  for (let i = 0; i < padded.length; i += 4) s = (s + padded.readUInt32BE(i)) >>> 0;
  return s;
}

test('cmap lookups and advance widths of NanumGothic', () => {
  const { R } = fontFaces();
  assert.notEqual(R.ttf.glyphId(0x41), 0, 'A');
  assert.notEqual(R.ttf.glyphId('똠'.codePointAt(0) ?? 0), 0, '똠');
  assert.equal(R.ttf.glyphId(0x1f600), 0, 'no emoji: .notdef');
  assert.equal(R.ttf.glyphId(0x4e00), 0, 'no hanja in this build: .notdef');
  assert.equal(R.width('가'.codePointAt(0) ?? 0) > R.width(0x20), true, 'a syllable is wider than a space');
});

test('a subset renumbers glyphs, appends and remaps the components of composite glyphs, and keeps metrics', () => {
  const { R } = fontFaces();
  const ttf = R.ttf;
  // 갂 is a composite of jamo glyphs in NanumGothic; A is simple
  const composite = ttf.glyphId('갂'.codePointAt(0) ?? 0);
  const simple = ttf.glyphId(0x41);
  const { ttf: file, gids } = ttf.subset([0, simple, composite]);
  assert.deepEqual(gids.slice(0, 3), [0, simple, composite], 'requested glyphs first, in order');
  assert.ok(gids.length > 3, `components appended (${gids.length} glyphs)`);
  const tables = tablesOf(file);
  assert.deepEqual([...tables.keys()], ['glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp'], 'the tables a FontFile2 needs, sorted');
  for (const [tag, t] of tables) assert.equal(t.checksum, tag === 'head' ? t.checksum : sum(file.subarray(t.offset, t.offset + t.length)), `${tag} checksum`);
  const head = tables.get('head')?.offset ?? 0;
  assert.equal(sum(file), 0xb1b0afba, 'head.checkSumAdjustment makes the file sum to the magic number');
  assert.equal(file.readUInt16BE((tables.get('maxp')?.offset ?? 0) + 4), gids.length, 'maxp.numGlyphs');
  assert.equal(file.readUInt16BE((tables.get('hhea')?.offset ?? 0) + 34), gids.length, 'hhea.numberOfHMetrics');
  assert.equal(file.readInt16BE(head + 50), 1, 'long loca');
  const loca = tables.get('loca')?.offset ?? 0;
  const glyf = tables.get('glyf')?.offset ?? 0;
  const hmtx = tables.get('hmtx')?.offset ?? 0;
  gids.forEach((gid, i) => assert.equal(file.readUInt16BE(hmtx + 4 * i), ttf.advance(gid), `advance of glyph ${i}`));
  // the composite (new id 2) refers to its components by their new ids
  const at = glyf + file.readUInt32BE(loca + 8);
  assert.ok(file.readInt16BE(at) < 0, 'glyph 2 is the composite');
  const componentIds: number[] = [];
  for (let p = at + 10; ; ) {
    const flags = file.readUInt16BE(p);
    componentIds.push(file.readUInt16BE(p + 2));
    p += 4 + (flags & 1 ? 4 : 2) + (flags & 8 ? 2 : flags & 0x40 ? 4 : flags & 0x80 ? 8 : 0);
    if (!(flags & 0x20)) break;
  }
  assert.deepEqual(componentIds, gids.slice(3).map((_, i) => i + 3), 'components renumbered to the appended glyphs');
  // simple glyph A: no hinting instructions left
  const a = glyf + file.readUInt32BE(loca + 4);
  const contours = file.readInt16BE(a);
  assert.ok(contours > 0);
  assert.equal(file.readUInt16BE(a + 10 + 2 * contours), 0, 'instructionLength 0');
});
