import { expect } from 'chai';
import { localReplyMessage } from '../envoy/local-replies.js';
import { localReplies } from '../../services/edge/src/local-replies.js';
import { committedLocalReplyMappers, type LocalReplyMapper } from './support/envoy-config.js';

/** The HTTP status a mapper applies to (its status_code_filter, op EQ). */
function statusOf(mapper: LocalReplyMapper): number | undefined {
  const comparison = mapper.filter.and_filter?.filters.find((filter) => filter.status_code_filter !== undefined)?.status_code_filter?.comparison;
  return comparison?.op === 'EQ' ? comparison.value.default_value : undefined;
}

describe('the Envoy edge answers its own replies as the local edge does (google.rpc.Status JSON)', () => {
  const mappers = committedLocalReplyMappers();

  it('maps each HTTP status the local edge answers itself to a JSON body with the local edge code', () => {
    for (const { httpStatus, code } of localReplies) {
      const matching = mappers.filter((mapper) => statusOf(mapper) === httpStatus);
      expect(matching, `HTTP ${String(httpStatus)}`).to.have.length(1);
      expect(matching[0]?.body_format_override).to.deep.equal({ json_format: { code, message: localReplyMessage, details: [] } });
    }
    expect(mappers).to.have.length(localReplies.length);
  });

  it('leaves the code and status to Envoy: a mapper changes the body only', () => {
    for (const mapper of mappers) expect(Object.keys(mapper).sort()).to.deep.equal(['body_format_override', 'filter']);
  });

  it('applies to REST requests only, never to a native gRPC request (its body would become grpc-message)', () => {
    for (const mapper of mappers) {
      const alternatives = mapper.filter.and_filter?.filters.find((filter) => filter.or_filter !== undefined)?.or_filter?.filters ?? [];
      expect(alternatives.map((filter) => filter.header_filter?.header)).to.deep.equal([
        { name: 'content-type', string_match: { prefix: 'application/grpc' }, invert_match: true, treat_missing_header_as_empty: true },
        { name: 'x-envoy-original-path', present_match: true },
      ]);
    }
  });
});
