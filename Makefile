# The verbs people type. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

BIN := node_modules/.bin
PROTO_SRC := $(shell find proto/bookstore -name '*.proto')
GOOGLE_API := node_modules/google-proto-files/google/api
STAMP_DEPS := node_modules/.deps-stamp
STAMP_PROTO := proto/gen/.stamp

.PHONY: help deps proto build lint dev test bench check-manifests clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

deps: $(STAMP_DEPS) ## Install npm packages (npm ci) and nats-server (Debian package) when missing
	@mesh/tools/ensure-system-deps.sh

$(STAMP_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

proto: $(STAMP_PROTO) ## Generate ts-proto code and the descriptor set from proto/

$(STAMP_PROTO): $(STAMP_DEPS) $(PROTO_SRC) proto/buf.yaml proto/buf.gen.yaml
	@mkdir -p proto/gen/deps/google/api
	cp $(GOOGLE_API)/annotations.proto $(GOOGLE_API)/http.proto proto/gen/deps/google/api/
	cd proto && ../$(BIN)/buf lint
	cd proto && ../$(BIN)/buf generate
	cd proto && ../$(BIN)/buf build --as-file-descriptor-set -o gen/bookstore.binpb
	@touch $@

build: proto ## Generate, then type-check every service (services run from TypeScript through tsx)
	$(BIN)/tsc -p tsconfig.json

lint: proto ## ESLint, buf lint and the TypeScript compiler in strict mode
	$(BIN)/eslint --max-warnings 0 .
	$(BIN)/tsc -p tsconfig.json

dev: proto ## Run the local mesh: nats-server, every service, the edge on :8080
	MESH_DEPS=dev mesh/tools/ensure-system-deps.sh
	node --import tsx mesh/local/main.ts

test: deps lint ## Install what is missing, lint, then run every test (unit, integration, e2e, config)
	$(BIN)/mocha

bench: deps proto ## Measure hot paths as ratios against a baseline measured in the same run
	node --import tsx mesh/bench/main.ts

clean: ## Remove generated code and local data
	rm -rf proto/gen .data
