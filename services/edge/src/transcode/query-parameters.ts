import { percentDecode } from '../routing/percent-decoding.js';

export interface QueryParameter {
  name: string;
  value: string;
}

/**
 * Envoy's ExtractBindingsFromQueryParameters: `name=value` pairs split on '&', each fully
 * percent-decoded; a pair without '=' or with an empty name binds nothing. A repeated name yields
 * one parameter per occurrence (`?states=WAITING&states=PREPARED`).
 */
export function parseQueryParameters(query: string, plusAsSpace: boolean): QueryParameter[] {
  return query.split('&').flatMap((pair) => {
    const equals = pair.indexOf('=');
    if (equals <= 0) return [];
    return [
      {
        name: percentDecode(pair.slice(0, equals), { keepReserved: false, plusAsSpace: false }),
        value: percentDecode(pair.slice(equals + 1), { keepReserved: false, plusAsSpace }),
      },
    ];
  });
}
