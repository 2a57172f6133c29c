# perechen — see README.md. Every target works on a fresh machine with Go 1.26.
GO        ?= go
BIN       ?= bin/perechen
RUN_DIR   ?= .run
FUZZTIME  ?= 30s
# Minimising each new input may take most of a short run on 7 KB seeds; keep it short.
FUZZMINIMIZE ?= 5s
BENCHTIME ?= 1s
# netgo,osusergo: a static binary with the pure-Go DNS resolver and user
# lookup. perechen calls no C; linking glibc for those two only cost the
# daemon ~1.2 MB of resident libc/ld.so pages (make measure). The measure
# test builds with the same tags.
BUILD_TAGS ?= netgo,osusergo

.PHONY: all build run test test-short lint bench bench-compare fuzz fuzz-list measure chaos soak quota docs clean

all: lint test build

build:
	$(GO) build -trimpath -tags $(BUILD_TAGS) -o $(BIN) ./cmd/perechen

# The daemon on the embedded sample registry: XLSX source in copy mode,
# publishing into $(RUN_DIR)/site, status page on http://127.0.0.1:9187/.
run: build
	$(BIN) run --demo $(RUN_DIR)

# What CI runs: formatting, vet, and every test with the race detector.
test: lint fuzz-list
	$(GO) test -race -count=1 ./...

test-short:
	$(GO) test -short -count=1 ./...

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

# Benchmarks (benchstat-friendly): parse+lint and the other packages' at
# 100 / 1,000 / 10,000 / 100,000 rows.
bench:
	$(GO) test -run 'Linear$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...

# perechen's PDF render against LibreOffice on the same 10,000-row XLSX
# (needs libreoffice-calc and poppler-utils; not part of `make test`).
bench-compare:
	GO=$(GO) BUILD_TAGS=$(BUILD_TAGS) ./scripts/bench-compare.sh

# The real binary with two sources (a fake Google Sheet in its own process and
# an XLSX workbook), interval 1s: idle RSS, CPU per unchanged cycle and the
# time from a sheet edit to the site update. MEASURE_SECONDS sets the idle
# window (default 150 s: idle RSS is read after the runtime's 2-minute forced GC).
measure:
	$(GO) test -tags measure -run Measure -v -count=1 ./e2e

# Fuzz every target for $(FUZZTIME) each (go test -fuzz takes one target at a time).
# Every `func Fuzz` of the repo; `make fuzz-list` checks this list against the code.
FUZZ_TARGETS ?= ./rules:FuzzParse ./rules:FuzzSplitCell ./config:FuzzParse ./sync:FuzzNoteBlock ./sync:FuzzScanSheet \
	./render:FuzzTableHTML ./render:FuzzRenderPDFXLSX ./calendar:FuzzCalendarParse ./history:FuzzChangeLog
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; echo "== $$pkg $$name"; \
	  $(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) $$pkg; \
	done

fuzz-list:
	@found=$$(grep -rl --include='*_test.go' '^func Fuzz' . | while read f; do \
	  for n in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do echo "./$$(dirname $${f#./}):$$n"; done; done | sort -u); \
	listed=$$(echo $(FUZZ_TARGETS) | tr ' ' '\n' | sort -u); \
	if [ "$$found" != "$$listed" ]; then echo "FUZZ_TARGETS differs from the code:"; echo "listed: $$listed"; echo "found: $$found"; exit 1; fi; \
	echo "FUZZ_TARGETS lists all $$(echo "$$found" | wc -l) fuzz targets"

# The real daemon through every fault for $(CHAOS_TIME), then $(KILL_COUNT)
# SIGKILLs of the built binary (loopback only; figures in docs/reliability.md).
CHAOS_TIME ?= 150s
KILL_COUNT ?= 20
chaos:
	@out=$$(mktemp); st=0; CHAOS_DURATION=$(CHAOS_TIME) KILL_COUNT=$(KILL_COUNT) \
	  $(GO) test -count=1 -timeout 15m -v -run 'TestChaos|TestKillRestart' ./chaos/ >$$out 2>&1 || st=$$?; \
	  if [ $$st -eq 0 ]; then grep -E '^---|^ +[|]|CHAOS run|KILL run|^ok' $$out; else cat $$out; fi; rm -f $$out; exit $$st

# 50 sources for $(SOAK_TIME): memory, requests per cycle, goroutine leaks.
SOAK_TIME ?= 90s
soak:
	@out=$$(mktemp); st=0; SOAK_DURATION=$(SOAK_TIME) \
	  $(GO) test -count=1 -timeout 15m -v -run 'TestSoak' ./chaos/ >$$out 2>&1 || st=$$?; \
	  if [ $$st -eq 0 ]; then grep -E '^---|SOAK|^ok' $$out; else cat $$out; fi; rm -f $$out; exit $$st

# 50 sources sharing one service account's Sheets quota.
quota:
	@out=$$(mktemp); st=0; $(GO) test -count=1 -v -run 'Quota' ./sync/ >$$out 2>&1 || st=$$?; \
	  if [ $$st -eq 0 ]; then grep -E '^---|quota |^ok' $$out; else cat $$out; fi; rm -f $$out; exit $$st

# Regenerate golden files and docs/rules.md after an intended change.
docs:
	$(GO) test ./... -update >/dev/null || true
	$(GO) test ./...

clean:
	rm -rf bin $(RUN_DIR)
