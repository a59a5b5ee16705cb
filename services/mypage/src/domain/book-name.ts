import type { BookNamed } from './events.js';

/** The name the view shows for a book, the catalog's revision it comes from, and when it was given. */
export interface BookName {
  bookId: number;
  bookName: string;
  revision: number;
  namedAt: Date;
}

/**
 * The book's name after `named` arrives, or undefined when it changes nothing: the highest revision
 * wins. The catalog counts revisions under the book's lock, so unlike the replicas' clocks they
 * order the changes truly; a BookRegistered overtaken by a BookUpdated stays overtaken.
 */
export function nameBook(current: BookName | undefined, named: BookNamed): BookName | undefined {
  if (current !== undefined && current.revision >= named.revision) return undefined;
  return { bookId: named.bookId, bookName: named.bookName, revision: named.revision, namedAt: named.occurredAt };
}
