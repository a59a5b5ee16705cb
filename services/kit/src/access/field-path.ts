import type { DescField, DescMessage } from '@bufbuild/protobuf';

export class FieldPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldPathError';
  }
}

/** A field of `message` by its proto name (book_id) or its JSON name (bookId), as Envoy accepts both. */
export function findField(message: DescMessage, name: string): DescField | undefined {
  return message.fields.find((field) => field.name === name || field.jsonName === name);
}

/**
 * Resolves a dotted field path (`book.id`) from `message`; every field but the last must be a
 * singular message. The messages are Envoy's, so a client sees the same words from both edges.
 */
export function resolveFieldPath(message: DescMessage, names: readonly string[]): DescField[] {
  const fields: DescField[] = [];
  let current: DescMessage | undefined = message;
  for (const name of names) {
    if (current === undefined) {
      throw new FieldPathError(`Encountered a non-leaf field "${fields.at(-1)?.name ?? ''}" that is not a message while parsing a field path`);
    }
    const field = findField(current, name);
    if (field === undefined) throw new FieldPathError(`Could not find field "${name}" in the type "${current.typeName}".`);
    fields.push(field);
    current = field.fieldKind === 'message' ? field.message : undefined;
  }
  return fields;
}

/** The path as a client writes it in JSON: lowerCamelCase names joined with dots. */
export function jsonFieldPath(fields: readonly DescField[]): string {
  return fields.map((field) => field.jsonName).join('.');
}
