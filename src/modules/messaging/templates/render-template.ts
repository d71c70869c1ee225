/**
 * Rendering an AlimTalk template with a recipient's values, and the reverse check the sending module runs at
 * acceptance: the text to send must equal the approved template's body with some substitution (Kakao result
 * 3016 otherwise, FACTS §0.3).
 */
import { matchesText, renderText, type Variables } from './template-text.ts';

/** The exact text of `template`'s body with `variables` substituted (a missing value names `variables.<name>`). */
export function renderTemplate(template: { body: string }, variables: Variables): string {
  return renderText(template.body, variables);
}

/** True iff `text` equals `template`'s body with some substitution of its variables. */
export function matchesTemplate(template: { body: string }, text: string): boolean {
  return matchesText(template.body, text);
}
