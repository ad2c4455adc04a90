# Tandem: `make run` serves the API on an embedded PostgreSQL with a demo account;
# `make test` runs every test against a real PostgreSQL that it starts itself.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

BIN := $(CURDIR)/.tmp/bin
export PATH := $(BIN):$(PATH)
export GOBIN := $(BIN)

BUF_VERSION := v1.75.0
PROTOC_GEN_GO_VERSION := v1.36.12
PROTOC_GEN_CONNECT_GO_VERSION := v1.21.1
SQLC_VERSION := v1.31.1
GRPCURL_VERSION := v1.9.4
PROTOVALIDATE_VERSION := v1.2.2

TEST_PG_DIR := $(CURDIR)/.data/test
# The test database server: TEST_DATABASE_URL, else DATABASE_URL, else the Makefile's own.
TEST_DB_URL := $${TEST_DATABASE_URL:-$${DATABASE_URL:-$$(go run ./cmd/devpg start -dir $(TEST_PG_DIR) -fsync=false)}}
CHROMIUM ?= /usr/bin/chromium
PROTODEPS := .tmp/protodeps/buf/validate/validate.proto

.PHONY: help
help: ## Show the targets.
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

# ---- tools, pinned and installed into .tmp/bin ----------------------------------------
$(BIN)/buf:
	go install github.com/bufbuild/buf/cmd/buf@$(BUF_VERSION)
$(BIN)/protoc-gen-go:
	go install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
$(BIN)/protoc-gen-connect-go:
	go install connectrpc.com/connect/cmd/protoc-gen-connect-go@$(PROTOC_GEN_CONNECT_GO_VERSION)
$(BIN)/sqlc:
	go install github.com/sqlc-dev/sqlc/cmd/sqlc@$(SQLC_VERSION)
$(BIN)/grpcurl:
	go install github.com/fullstorydev/grpcurl/cmd/grpcurl@$(GRPCURL_VERSION)

clients/ts/node_modules/.installed: clients/ts/package.json clients/ts/package-lock.json
	cd clients/ts && npm ci --no-audit --no-fund
	touch $@
clients/widget/node_modules/.installed: clients/widget/package.json clients/widget/package-lock.json
	cd clients/widget && npm ci --no-audit --no-fund
	touch $@

# protovalidate's validate.proto comes from its Go module (the Buf Schema Registry is
# not reachable); it is copied at generate time and never committed.
$(PROTODEPS):
	go mod download github.com/bufbuild/protovalidate@$(PROTOVALIDATE_VERSION)
	mkdir -p $(dir $@)
	install -m 644 "$$(go env GOMODCACHE)/github.com/bufbuild/protovalidate@$(PROTOVALIDATE_VERSION)/proto/protovalidate/buf/validate/validate.proto" $@

.PHONY: tools
tools: $(BIN)/buf $(BIN)/protoc-gen-go $(BIN)/protoc-gen-connect-go $(BIN)/sqlc clients/ts/node_modules/.installed $(PROTODEPS) ## Install the pinned tools.

# PostgreSQL's binaries come from the machine; install them if they are missing.
.PHONY: postgres-binaries
postgres-binaries:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v pg_config >/dev/null; then \
	  echo "PostgreSQL binaries are missing: installing them with apt-get (package postgresql)"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; \
	  else echo "run: sudo apt-get install -y postgresql" >&2; exit 1; fi; \
	fi

# The browser tests drive Debian's Chromium (never a downloaded browser).
.PHONY: chromium
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Chromium is missing: installing it with apt-get (package chromium)"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else echo "run: sudo apt-get install -y chromium" >&2; exit 1; fi; \
	fi

# ---- everyday targets ---------------------------------------------------------------
.PHONY: run
run: postgres-binaries widget ## Serve the API, the chat widget and the inbox with the embedded PostgreSQL and the demo account.
	go build -o $(BIN)/tandemd ./cmd/tandemd
	exec $(BIN)/tandemd serve -demo -widget-dir clients/widget/dist

.PHONY: widget
widget: clients/ts/node_modules/.installed clients/widget/node_modules/.installed ## Build the web chat widget and the inbox page into clients/widget/dist.
	cd clients/widget && npm run --silent build

.PHONY: generate
generate: tools ## Regenerate Go and TS code from proto/ and the store from queries/.
	buf format -w proto
	buf generate
	cd queries && sqlc generate

.PHONY: test
test: postgres-binaries ## Run every test against a PostgreSQL started under .data/test.
	TEST_DATABASE_URL="$(TEST_DB_URL)"; \
	export TEST_DATABASE_URL; \
	go test -race -count=1 ./...; \
	$(MAKE) --no-print-directory test-clients

# The TS client's tests run against a real tandemd on their own database (tandem_clients)
# of the test PostgreSQL server; the browser tests against tandemd in demo mode (the
# seeded Northwind account) on another (tandem_browser). Both are recreated on every run.
.PHONY: test-clients
test-clients: postgres-binaries chromium widget ## Run the TS client tests and the browser tests (Chromium) against a real tandemd.
	go build -o $(BIN)/tandemd ./cmd/tandemd
	TEST_DATABASE_URL="$(TEST_DB_URL)"; \
	psql="$$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | sort -V | tail -1)"; \
	for db in tandem_clients tandem_browser; do \
	  "$$psql" "$$TEST_DATABASE_URL" -q -c "DROP DATABASE IF EXISTS $$db WITH (FORCE)" -c "CREATE DATABASE $$db"; \
	done; \
	export TANDEM_CLIENTS_DATABASE_URL="$$(echo "$$TEST_DATABASE_URL" | sed -E 's#/[^/?]+([?]|$$)#/tandem_clients\1#')"; \
	export TANDEM_BROWSER_DATABASE_URL="$$(echo "$$TEST_DATABASE_URL" | sed -E 's#/[^/?]+([?]|$$)#/tandem_browser\1#')"; \
	export TANDEMD=$(BIN)/tandemd CHROMIUM_PATH=$(CHROMIUM) TANDEM_ARTIFACTS_DIR=$(CURDIR)/.data/artifacts; \
	(cd clients/ts && npm test --silent) && (cd clients/widget && npm test --silent)

.PHONY: test-db-stop
test-db-stop: ## Stop the test PostgreSQL.
	go run ./cmd/devpg stop -dir $(TEST_PG_DIR)

.PHONY: lint
lint: tools ## go vet, buf lint, buf format check, buf breaking against main.
	go vet ./...
	buf lint
	buf format -d --exit-code proto
	./.ci/breaking

.PHONY: checkgenerate
checkgenerate: generate ## Fail if generated code differs from what is committed.
	@if [ -n "$$(git status --porcelain)" ]; then \
	  echo "generated code is out of date: run make generate and commit" >&2; git status --porcelain >&2; git diff --stat >&2; exit 1; fi

.PHONY: ci
ci: checkgenerate lint test ## What CI runs.
