/**
 * The text of an AlimTalk template: its `#{variables}`, rendering with values, and the reverse check the
 * sending module runs at acceptance ("the sent text must equal the approved template after substitution",
 * Kakao result 3016, MESSAGING-AND-BILLING-FACTS.md §0.3, §2.5).
 *
 * A template text is literal text and variables `#{name}`: the name is non-empty, holds no `{`, `}`, `#`
 * (no nesting), no `.` (Solapi's rule, FACTS §2.5) and no white space. A `#` not followed by `{` and a
 * lone `}` are literal text.
 */
import { AppError, invalidError } from '../../../platform/errors.ts';

export type TemplatePiece = { literal: string } | { variable: string };

const NAME = /^[^\s{}#.]+$/u;

/** The pieces of `text`, or an AppError naming `field` when a variable is malformed. */
export function parseTemplateText(text: string, field: string): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('#{', i)) {
      const close = text.indexOf('}', i + 2);
      if (close < 0) throw invalidError(field, '닫히지 않은 변수가 있습니다: #{ 뒤에 } 가 없습니다 (a variable is not closed: #{ without })');
      const name = text.slice(i + 2, close);
      if (name === '') throw invalidError(field, '이름이 빈 변수 #{}가 있습니다 (empty variable name #{})');
      if (name.includes('#{') || name.includes('{')) throw invalidError(field, '변수 안에 변수를 넣을 수 없습니다 (variables cannot be nested)');
      if (!NAME.test(name)) throw invalidError(field, `변수 이름 "${name}"에는 공백, 마침표, #, 중괄호를 쓸 수 없습니다 (a variable name cannot contain spaces, dots, # or braces)`);
      if (literal !== '') pieces.push({ literal });
      literal = '';
      pieces.push({ variable: name });
      i = close + 1;
    } else {
      literal += text[i];
      i++;
    }
  }
  if (literal !== '') pieces.push({ literal });
  return pieces;
}

/** Distinct variable names of `text`, in order of first appearance. */
export function variablesOf(text: string, field: string): string[] {
  const seen = new Set<string>();
  for (const p of parseTemplateText(text, field)) if ('variable' in p) seen.add(p.variable);
  return [...seen];
}

export type Variables = Readonly<Record<string, string>>;

/**
 * `text` with every `#{name}` replaced by `variables[name]`, literally (a value holding `#{…}` is not
 * substituted again). A missing value is refused naming `variables.<name>`.
 */
export function renderText(text: string, variables: Variables): string {
  let out = '';
  for (const p of parseTemplateText(text, 'body')) {
    if ('literal' in p) out += p.literal;
    else {
      const v = Object.prototype.hasOwnProperty.call(variables, p.variable) ? variables[p.variable] : undefined;
      if (typeof v !== 'string') throw new AppError('field_required', '템플릿 변수의 값이 없습니다 (no value for a template variable)', { field: `variables.${p.variable}` });
      out += v;
    }
  }
  return out;
}

/**
 * True iff some substitution of the variables of `text` gives exactly `candidate` (a variable used twice
 * takes the same value both times; values may be empty and may hold line breaks).
 *
 * A run of adjacent variables used nowhere else is one wildcard (any split of its text works). When every
 * variable is used once, the template is literals and wildcards, matched greedily in linear passes (leftmost
 * occurrence of each inner literal; the first and last literals anchored). Otherwise backtracking over the
 * occurrences of each literal, with failures memoised by (piece, position, the values bound so far of the
 * variables still to come).
 */
export function matchesText(text: string, candidate: string): boolean {
  const raw = parseTemplateText(text, 'body');
  const uses = new Map<string, number>();
  for (const p of raw) if ('variable' in p) uses.set(p.variable, (uses.get(p.variable) ?? 0) + 1);
  // merge runs of single-use variables into one wildcard ('#' cannot be in a name, so '#run' names clash with none)
  const pieces: TemplatePiece[] = [];
  for (const p of raw) {
    const prev = pieces[pieces.length - 1];
    const free = 'variable' in p && uses.get(p.variable) === 1;
    if (free && prev !== undefined && 'variable' in prev && prev.variable.startsWith('#run')) continue;
    pieces.push(free ? { variable: `#run${pieces.length}` } : p);
  }
  if ([...uses.values()].every((n) => n === 1)) return globMatch(pieces, candidate);
  return backtrackMatch(pieces, candidate, new Set([...uses].filter(([, n]) => n > 1).map(([name]) => name)));
}

/** Literals and wildcards: the classic greedy wildcard match (adjacent wildcards act as one). */
function globMatch(pieces: TemplatePiece[], candidate: string): boolean {
  const literals: string[] = [''];
  for (const p of pieces) {
    if ('literal' in p) literals[literals.length - 1] += p.literal;
    else literals.push('');
  }
  if (literals.length === 1) return candidate === literals[0];
  const first = literals[0]!;
  const last = literals[literals.length - 1]!;
  if (candidate.length < first.length + last.length || !candidate.startsWith(first) || !candidate.endsWith(last)) return false;
  const end = candidate.length - last.length;
  let pos = first.length;
  for (const lit of literals.slice(1, -1)) {
    const at = candidate.indexOf(lit, pos);
    if (at < 0 || at + lit.length > end) return false;
    pos = at + lit.length;
  }
  return true;
}

function backtrackMatch(pieces: TemplatePiece[], candidate: string, repeated: ReadonlySet<string>): boolean {
  // names[k]: the variables of pieces[k..]
  const names: Set<string>[] = pieces.map(() => new Set());
  names.push(new Set());
  for (let k = pieces.length - 1; k >= 0; k--) {
    names[k] = new Set(names[k + 1]);
    const p = pieces[k]!;
    if ('variable' in p) names[k]!.add(p.variable);
  }
  const failed = new Set<string>();
  const bound = new Map<string, string>();
  const key = (k: number, pos: number): string => {
    const relevant: string[] = [];
    for (const name of names[k]!) if (bound.has(name)) relevant.push(`${name}=${bound.get(name)}`);
    return `${k}@${pos}|${relevant.join('\u0000')}`;
  };

  // match pieces[k..] against candidate[pos..]
  const go = (k: number, pos: number): boolean => {
    if (k === pieces.length) return pos === candidate.length;
    const memo = key(k, pos);
    if (failed.has(memo)) return false;
    // once every repeated variable still to come has its value, the rest is literals and wildcards
    if ([...names[k]!].every((name) => !repeated.has(name) || bound.has(name))) {
      const rest: TemplatePiece[] = [];
      for (const p of pieces.slice(k)) {
        const lit = 'literal' in p ? p.literal : bound.get(p.variable);
        const prev = rest[rest.length - 1];
        if (lit === undefined) rest.push(p);
        else if (prev !== undefined && 'literal' in prev) prev.literal += lit;
        else rest.push({ literal: lit });
      }
      const ok = globMatch(rest, candidate.slice(pos));
      if (!ok) failed.add(memo);
      return ok;
    }
    const piece = pieces[k]!;
    let ok = false;
    if ('literal' in piece) {
      ok = candidate.startsWith(piece.literal, pos) && go(k + 1, pos + piece.literal.length);
    } else {
      const name = piece.variable;
      const value = bound.get(name);
      if (value !== undefined) {
        ok = candidate.startsWith(value, pos) && go(k + 1, pos + value.length);
      } else {
        const next = pieces[k + 1];
        // where may this value end? before an occurrence of the next literal, or anywhere when a variable follows
        const ends: number[] = [];
        if (next === undefined) ends.push(candidate.length);
        else if ('literal' in next) {
          for (let at = candidate.indexOf(next.literal, pos); at >= 0; at = candidate.indexOf(next.literal, at + 1)) ends.push(at);
        } else for (let at = pos; at <= candidate.length; at++) ends.push(at);
        for (const end of ends) {
          bound.set(name, candidate.slice(pos, end));
          const found = go(k + 1, end);
          bound.delete(name);
          if (found) {
            ok = true;
            break;
          }
        }
      }
    }
    if (!ok) failed.add(memo);
    return ok;
  };
  return go(0, 0);
}
