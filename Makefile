# Vigie — the two commands that do everything on a fresh machine: `make demo` and `make test`.
SWIFT ?= swift
APT_PACKAGES := libcsv-dev libsqlite3-dev sqlite3
VIGIE := .build/debug/vigie

.PHONY: deps build demo test crash render-check mail-check bench sample-data clean

# Installs the Debian packages Vigie needs when they are missing (as root; otherwise says how).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installation de :$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Paquets manquants :$$missing — lancez : sudo apt-get install$$missing"; exit 1; fi; \
	fi

build: deps
	$(SWIFT) build

# Builds a store from SampleData/ in demo/ and prints what it did.
demo: build
	$(VIGIE) demo --out demo

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Kills vigie ingest and vigie nightly with SIGKILL at 24 seeded moments while they load 3 files of 20,000 rows,
# and checks the store after each kill and after running again (make test runs 4 over 3 × 8,000). Replay: VIGIE_CRASH_SEED=N.
crash: deps
	$(SWIFT) build --build-tests
	VIGIE_CRASH_POINTS=$${VIGIE_CRASH_POINTS:-24} VIGIE_CRASH_ROWS=$${VIGIE_CRASH_ROWS:-20000} $(SWIFT) test --skip-build --filter CrashSafetyTests

# Renders every bulletin of the demo in headless Chromium, network blocked, and fails on any request or JS error.
render-check:
	$(MAKE) demo
	.ci/render-check demo/bulletins
	.ci/render-check demo/demandes

# Sends the demo's weekly mail through msmtp to a local SMTP sink and checks every message received.
mail-check:
	$(MAKE) demo
	.ci/mail-check demo/vigie.sqlite

# Benchmarks (release build): load against sqlite3 .import, memory, bulletins against history,
# the real workbook against openpyxl; prints the bars and writes Benchmarks/results.md.
bench: deps
	Benchmarks/run

# Rewrites SampleData/ from its fixed seed (needs ../shared/data for the real volumes).
sample-data: build
	rm -rf SampleData
	.build/debug/generate-sample-data --config Config --out SampleData

clean:
	rm -rf .build demo vigie.sqlite vigie.sqlite-wal vigie.sqlite-shm
