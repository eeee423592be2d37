# Vigie — the two commands that do everything on a fresh machine: `make demo` and `make test`.
SWIFT ?= swift
APT_PACKAGES := libcsv-dev libsqlite3-dev sqlite3
VIGIE := .build/debug/vigie

.PHONY: deps build demo serve test crash render-check mail-check browser-check security-check hub-check bench bench-hub sample-data fuzz clean

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

# The web application on the demo store (make demo first): http://127.0.0.1:8080/, accounts in demo/comptes-demo.txt.
serve: build
	@[ -f demo/vigie.sqlite ] || $(MAKE) demo
	$(VIGIE) serve --db demo/vigie.sqlite --port $${PORT:-8080}

# The failures are listed again at the end, so that the last lines of a long log name them.
test: deps
	$(SWIFT) build --build-tests
	@bash -c 'set -o pipefail; $(SWIFT) test --skip-build 2>&1 | tee .build/test.log' || { \
	  echo; echo "Tests en échec :"; grep -E "error: |Fatal error|Test Case .* failed" .build/test.log | cut -c1-400 | tail -40; exit 1; }

# Kills vigie ingest and vigie nightly with SIGKILL at 24 seeded moments while they load 3 files of 20,000 rows,
# and checks the store after each kill and after running again (make test runs 4 over 3 × 8,000). Replay: VIGIE_CRASH_SEED=N.
crash: deps
	$(SWIFT) build --build-tests
	VIGIE_CRASH_POINTS=$${VIGIE_CRASH_POINTS:-24} VIGIE_CRASH_ROWS=$${VIGIE_CRASH_ROWS:-20000} $(SWIFT) test --skip-build --filter CrashSafetyTests

# Renders every bulletin of the demo in headless Chromium, network blocked, and fails on any request or JS error;
# prints each to an A4 PDF and fails over its page budget (weekly 4, monthly 12, semester 22, diagnostic 10; pdfinfo).
render-check:
	$(MAKE) demo
	.ci/render-check demo/bulletins
	.ci/render-check demo/demandes

# Sends the demo's weekly mail (approval first), the reminders and a data request's mails through msmtp to a
# local SMTP sink and checks every message received.
mail-check:
	$(MAKE) demo
	.ci/mail-check demo/vigie.sqlite
	.ci/request-mail-check demo/vigie.sqlite

# Drives every page of the web application in headless Chromium (Selenium) over a copy of the demo store,
# uses the dashboard's « Relancer » button, fails on a console error or a request off the server; screenshots in .build/artefacts/pages.
browser-check:
	$(MAKE) demo
	.ci/browser-check demo/vigie.sqlite

# The web security suite against a running server (headers, cookies, session fixation, CSRF on every
# form, throttling, path traversal, XSS from partner data) and schemathesis against /api/openapi.json.
security-check:
	$(MAKE) demo
	.ci/security-check demo/vigie.sqlite

# The departmental hub on a real PostgreSQL server (Debian's postgresql, installed when missing): the hub
# tests with VIGIE_REQUIRE_POSTGRES=1, then vigie hub init / observatory add / publish (twice) on the demo,
# and the departmental bulletin of last month read with an analyst's role.
hub-check:
	$(MAKE) demo
	.ci/hub-check demo/vigie.sqlite

# Benchmarks (release build): load against sqlite3 .import, memory, bulletins against history,
# the real workbook against openpyxl (Benchmarks/results.md); then every web page under 20 clients
# beside a nightly load (Benchmarks/results-web.md); 50 partner systems uploading through the API
# while the coordinator's pages are read (Benchmarks/results-partners.md); the departmental hub on a
# local PostgreSQL: 1,000 generated observatories × 10 years published, the departmental bulletin,
# 50 publishing at once (Benchmarks/results-hub.md). Fails when a bar is not met.
bench: deps
	status=0; Benchmarks/run || status=$$?; Benchmarks/web || status=1; Benchmarks/partners || status=1; Benchmarks/hub || status=1; exit $$status

bench-hub:
	Benchmarks/hub

# Rewrites SampleData/ from its fixed seed (needs ../shared/data for the real volumes).
sample-data: build
	rm -rf SampleData
	.build/debug/generate-sample-data --config Config --out SampleData

# libFuzzer on the CSV and XLSX readers (with AddressSanitizer, in its own build folder), FUZZ_SECONDS each,
# seeded from the test corpora; new inputs go to .build/fuzz/corpus-*, crashing ones to .build/fuzz/crashes/.
# Leak checks are off: ZIPFoundation leaks one path string (about 40 bytes) per archive it opens. The sanitizers are
# also given to swiftc as one flag: SwiftPM's --sanitize passes one flag each and swiftc keeps only the last; its
# --sanitize=fuzzer stays so that SwiftPM leaves `main` to libFuzzer.
FUZZ_SECONDS ?= 600
FUZZ_BUILD := .build/fuzz
FUZZ_SEEDS_csv := Tests/VigieIngestTests/FuzzCorpus/csv Tests/VigieCLITests/Hostile
FUZZ_SEEDS_xlsx := Tests/VigieIngestTests/FuzzCorpus/xlsx SampleData/ogif/incidents-residences Tests/VigieCLITests/Traps
fuzz: deps
	@for f in csv xlsx; do \
	  $(SWIFT) build -c release --build-path $(FUZZ_BUILD) --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING --product fuzz-$$f || exit 2; \
	done
	@mkdir -p $(FUZZ_BUILD)/crashes
	@for f in csv xlsx; do \
	  mkdir -p $(FUZZ_BUILD)/corpus-$$f; \
	  seeds="$(FUZZ_SEEDS_csv)"; [ $$f = xlsx ] && seeds="$(FUZZ_SEEDS_xlsx)"; \
	  ASAN_OPTIONS=detect_leaks=0 $(FUZZ_BUILD)/release/fuzz-$$f $(FUZZ_BUILD)/corpus-$$f $$seeds -max_total_time=$(FUZZ_SECONDS) -max_len=16384 \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/crashes/$$f- || exit 1; \
	done

clean:
	rm -rf .build demo vigie.sqlite vigie.sqlite-wal vigie.sqlite-shm
