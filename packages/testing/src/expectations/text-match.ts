import { preview } from './expectation-error.js';

/**
 * What a text must be: exactly this string, matching this regular expression, or accepted by
 * this predicate.
 *
 * @example
 * ```ts
 * await ws.expectText('Echo: hi');
 * await ws.expectText(/^Echo: /);
 * await ws.expectText((t) => t.length < 10);
 * ```
 */
export type TextMatcher = string | RegExp | ((text: string) => boolean);

/** True when `text` satisfies `matcher`. */
export function matchesText(matcher: TextMatcher, text: string): boolean {
  if (typeof matcher === 'string') return text === matcher;
  if (matcher instanceof RegExp) {
    // A global or sticky RegExp remembers where it stopped; every check starts afresh.
    matcher.lastIndex = 0;
    return matcher.test(text);
  }
  return matcher(text);
}

/** How a matcher reads in a failure message: `text "hi"`, `text matching /hi/`, ... */
export function describeTextMatcher(matcher: TextMatcher): string {
  if (typeof matcher === 'string') return `text ${preview(matcher)}`;
  if (matcher instanceof RegExp) return `text matching ${String(matcher)}`;
  return `text accepted by ${preview(matcher)}`;
}
