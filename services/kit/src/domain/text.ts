import { invalid } from './errors.js';

const controlCharacter = /\p{Cc}/u;

/** Refuses text with control characters (NUL, escape, line breaks, …) in a request's text field. */
export function checkPrintable(field: string, text: string): string {
  if (controlCharacter.test(text)) throw invalid(field, 'must not contain control characters');
  return text;
}
