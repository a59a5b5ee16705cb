#!/usr/bin/env bash
# `make new-context NAME=<name>`: a new bounded context, copied from customer (the smallest context
# with a store, a gRPC API, REST rules and an event) with every name changed, so it builds, serves
# and passes its tests before it is reshaped. docs/adding-a-context.md walks through the rest.
set -euo pipefail

name=${1:-}
if [[ ! $name =~ ^[a-z][a-z0-9]*$ ]]; then
  echo "NAME must be lower case letters and digits (it is a package, a subject token and a DNS name), e.g. make new-context NAME=wishlist" >&2
  exit 2
fi
Name="${name^}"
NAME="${name^^}"

sources=(services/customer proto/bookstore/customer proto/bookstore/events/v1/customer.proto)
for source in "${sources[@]}"; do
  target=${source//customer/$name}
  if [ -e "$target" ]; then
    echo "$target exists already" >&2
    exit 2
  fi
done

for source in "${sources[@]}"; do
  while IFS= read -r file; do
    target=${file//customer/$name}
    mkdir -p "$(dirname "$target")"
    sed -e "s/customer/$name/g; s/Customer/$Name/g; s/CUSTOMER/$NAME/g" "$file" >"$target"
  done < <(git ls-files "$source")
done

cat <<NEXT
Created services/$name, proto/bookstore/$name/v1/$name.proto and proto/bookstore/events/v1/$name.proto.
Next (docs/adding-a-context.md, steps 2-6):
  - mesh/policy/services.ts: add { name: '$name', grpcServices: ['bookstore.$name.v1.${Name}Service'], localGrpcPort: <next>, localAdminPort: <next>, stateful: 'database' }
  - mesh/policy/resilience.ts: add { caller: 'edge', callee: '$name', ...fromEdge }
  - make proto && make generate-mesh && node --import tsx services/edge/src/openapi/generate.ts
  - node_modules/.bin/mocha 'services/$name/test/**/*.test.ts'
NEXT
