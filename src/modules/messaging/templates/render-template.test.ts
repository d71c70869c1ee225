import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AppError } from '../../../platform/errors.ts';
import { matchesTemplate, renderTemplate } from './render-template.ts';

const T = (body: string) => ({ body });

test('render substitutes every variable exactly, a value holding #{…} is not substituted again', () => {
  assert.equal(renderTemplate(T('#{이름}님, #{상품} 주문이 접수되었습니다. #{이름}님 감사합니다.'), { 이름: '홍길동', 상품: '케이스' }), '홍길동님, 케이스 주문이 접수되었습니다. 홍길동님 감사합니다.');
  assert.equal(renderTemplate(T('a#{x}b'), { x: '#{x}' }), 'a#{x}b');
  assert.equal(renderTemplate(T('줄1\n#{v}\n줄3'), { v: '' }), '줄1\n\n줄3');
});

test('render refuses a missing value naming variables.<name>', () => {
  assert.throws(
    () => renderTemplate(T('#{a} #{b}'), { a: '1' }),
    (e: unknown) => e instanceof AppError && e.code === 'field_required' && e.field === 'variables.b',
  );
  // an inherited property is not a value
  assert.throws(() => renderTemplate(T('#{toString}'), {}), (e: unknown) => e instanceof AppError && e.field === 'variables.toString');
});

const matchCases: [string, string, boolean][] = [
  ['안녕하세요 #{이름}님', '안녕하세요 홍길동님', true],
  ['안녕하세요 #{이름}님', '안녕하세요 님', true],
  ['안녕하세요 #{이름}님', '안녕하세요 홍길동님!', false],
  ['안녕하세요 #{이름}님', '안녕하세요  홍길동님'.replace('  ', ' ') + '\n', false],
  ['주문 #{no}\n감사합니다', '주문 123\n감사합니다', true],
  ['주문 #{no}\n감사합니다', '주문 123감사합니다', false],
  ['주문 #{no}\n감사합니다', '주문 123\r\n감사합니다', true], // the value may be "123\r"
  ['#{a}-#{a}', 'x-x', true],
  ['#{a}-#{a}', 'x-y', false],
  ['#{a}-#{b}-#{a}', 'p-q-r-p-q', true], // a = 'p-q', b = 'r'
  ['#{a}-#{b}-#{a}', 'p-q-r-p', true], // a = 'p', b = 'q-r'
  ['#{a}-#{b}-#{a}', 'p-q-r-s', false],
  ['#{a}#{b}#{c}', 'anything at all', true],
  ['고정 문구', '고정 문구', true],
  ['고정 문구', '고정 문구 ', false],
  ['', '', true],
  ['#{a}x#{a}', 'x', true], // a = ''
  ['#{a}x#{a}', 'axb', false],
  ['#{a}#{b}#{a}', 'abcab', true],
  ['#{a}#{b}#{a}', 'abcba', true], // a = 'a', b = 'bcb'
  ['#{a}!#{b}!#{a}', 'x!y!z', false],
  ['a#{x}b#{y}c', 'abbcc', true],
  ['a#{x}b#{y}c', 'acb', false],
  ['ab#{x}ba', 'aba', false], // the literals may not overlap
  ['#{a}x#{a}', 'axa', true],
];

for (const [body, text, expected] of matchCases) {
  test(`matches ${JSON.stringify(body)} ~ ${JSON.stringify(text)} → ${expected}`, () => {
    assert.equal(matchesTemplate(T(body), text), expected);
  });
}

test('matching is fast on adversarial input (40 adjacent variables, a repeated variable, 1,000 characters)', () => {
  const body = Array.from({ length: 40 }, (_, i) => `#{v${i}}`).join('') + '끝';
  const started = process.hrtime.bigint();
  assert.equal(matchesTemplate(T(body), 'a'.repeat(1000)), false);
  assert.equal(matchesTemplate(T(body), 'a'.repeat(999) + '끝'), true);
  assert.equal(matchesTemplate(T('#{a}#{a}#{a}#{b}!'), 'x'.repeat(1000)), false);
  const spread = '#{r}' + Array.from({ length: 38 }, (_, i) => `#{v${i}}a`).join('') + '#{r}';
  assert.equal(matchesTemplate(T(spread), 'a'.repeat(999) + 'b'), false);
  assert.equal(matchesTemplate(T(spread), 'a'.repeat(1000)), true);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(ms < 2000, `took ${ms} ms`);
});

// template text: literal runs (which may hold '#', '{', '}') and variables of a small alphabet (so names repeat)
const literal = fc.string({ unit: fc.constantFrom('a', '가', ' ', '\n', '#', '{', '}', '-', '.'), maxLength: 6 }).filter((s) => !s.includes('#{') && !s.endsWith('#'));
const varName = fc.constantFrom('이름', 'a', 'b', 'no', 'x1');
const templateBody = fc.array(fc.tuple(literal, varName), { maxLength: 6 }).chain((parts) =>
  literal.map((tail) => parts.map(([lit, name]) => `${lit}#{${name}}`).join('') + tail),
);
const value = fc.string({ unit: fc.constantFrom('a', '가', ' ', '\n', '#', '{', '}', '#{', '-'), maxLength: 8 });

test('property: any values rendered into any template match that template', () => {
  fc.assert(
    fc.property(templateBody, fc.dictionary(varName, value, { minKeys: 5, maxKeys: 5 }), (body, variables) => {
      const text = renderTemplate(T(body), variables);
      return matchesTemplate(T(body), text);
    }),
    { numRuns: 500 },
  );
});

test('property: changing a fixed character of a template without variables never matches', () => {
  fc.assert(
    fc.property(literal.filter((s) => s.length > 0), fc.nat(), (body, at) => {
      const i = at % body.length;
      const changed = body.slice(0, i) + (body[i] === 'a' ? 'b' : 'a') + body.slice(i + 1);
      return !matchesTemplate(T(body), changed) && matchesTemplate(T(body), body);
    }),
    { numRuns: 300 },
  );
});

/** The reference: the body as a regular expression with back-references (exact, but exponential in the worst case). */
function referenceMatch(body: string, text: string): boolean {
  const seen = new Map<string, number>();
  let group = 0;
  let re = '';
  for (const m of body.split(/(#\{[^}]*\})/)) {
    const v = /^#\{([^}]*)\}$/.exec(m);
    if (!v) re += m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (seen.has(v[1]!)) re += `\\${seen.get(v[1]!)}`;
    else {
      seen.set(v[1]!, ++group);
      re += '([\\s\\S]*)';
    }
  }
  return new RegExp(`^${re}$`, 'u').test(text);
}

test('property: matching agrees with a back-reference regular expression on short texts', () => {
  const shortText = fc.string({ unit: fc.constantFrom('a', '가', '-', '\n', '#', '{', '}'), maxLength: 10 });
  const smallBody = fc.array(fc.tuple(fc.string({ unit: fc.constantFrom('a', '-', '가'), maxLength: 2 }), fc.constantFrom('a', 'b', 'c')), { maxLength: 4 }).chain((parts) =>
    fc.string({ unit: fc.constantFrom('a', '-'), maxLength: 2 }).map((tail) => parts.map(([lit, name]) => `${lit}#{${name}}`).join('') + tail),
  );
  fc.assert(
    fc.property(smallBody, shortText, (body, text) => matchesTemplate(T(body), text) === referenceMatch(body, text)),
    { numRuns: 3000 },
  );
});
