import type { BookNamed } from './events.js';

/** The name the view shows for a book, and when the catalog gave it. */
export interface BookName {
  bookId: number;
  bookName: string;
  namedAt: Date;
}

/**
 * The book's name after `named` arrives, or undefined when it changes nothing: the latest name by
 * the time the catalog gave it wins, so a BookRegistered overtaken by a BookUpdated stays overtaken.
 */
export function nameBook(current: BookName | undefined, named: BookNamed): BookName | undefined {
  if (current !== undefined && current.namedAt.getTime() > named.occurredAt.getTime()) return undefined;
  if (current?.bookName === named.bookName && current.namedAt.getTime() === named.occurredAt.getTime()) return undefined;
  return { bookId: named.bookId, bookName: named.bookName, namedAt: named.occurredAt };
}
