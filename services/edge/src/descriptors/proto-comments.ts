import type { DescEnum, DescEnumValue, DescField, DescMessage, DescMethod, DescService } from '@bufbuild/protobuf';

export type CommentedDesc = DescMessage | DescField | DescEnum | DescEnumValue | DescService | DescMethod;

/**
 * The comment above (or else after) a declaration in its .proto file, from the descriptor set's
 * source_code_info (buf build keeps it unless told --exclude-source-info). Undefined when the
 * declaration has none.
 */
export function protoComment(desc: CommentedDesc): string | undefined {
  const file = desc.kind === 'field' || desc.kind === 'enum_value' || desc.kind === 'rpc' ? desc.parent.file : desc.file;
  const path = sourcePath(desc).join(',');
  const location = file.proto.sourceCodeInfo?.location.find((candidate) => candidate.path.join(',') === path);
  const text = location?.leadingComments ?? location?.trailingComments ?? '';
  const cleaned = text
    .split('\n')
    .map((line) => line.replace(/^ /, '').trimEnd())
    .join('\n')
    .trim();
  return cleaned === '' ? undefined : cleaned;
}

/** The declaration's path in its FileDescriptorProto (descriptor.proto field numbers and indexes). */
function sourcePath(desc: CommentedDesc): number[] {
  switch (desc.kind) {
    case 'message':
      return desc.parent === undefined
        ? [4, desc.file.proto.messageType.indexOf(desc.proto)]
        : [...sourcePath(desc.parent), 3, desc.parent.proto.nestedType.indexOf(desc.proto)];
    case 'field':
      return [...sourcePath(desc.parent), 2, desc.parent.proto.field.indexOf(desc.proto)];
    case 'enum':
      return desc.parent === undefined
        ? [5, desc.file.proto.enumType.indexOf(desc.proto)]
        : [...sourcePath(desc.parent), 4, desc.parent.proto.enumType.indexOf(desc.proto)];
    case 'enum_value':
      return [...sourcePath(desc.parent), 2, desc.parent.proto.value.indexOf(desc.proto)];
    case 'service':
      return [6, desc.file.proto.service.indexOf(desc.proto)];
    case 'rpc':
      return [...sourcePath(desc.parent), 2, desc.parent.proto.method.indexOf(desc.proto)];
  }
}
