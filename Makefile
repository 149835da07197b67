# Thin wrapper around CMake so that a fresh clone needs only `make bench`
# or `make test`.  Real build logic lives in CMakeLists.txt.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
QUICK ?=
OUT ?=

BENCH_ARGS = $(if $(QUICK),--quick) $(if $(OUT),--out $(OUT))

.PHONY: all deps build test test-unit bench bench-check bench-nested fuzz clean

all: build

deps:
	@scripts/install-deps

# Configured on every build (a second or so) so CMAKE_FLAGS given now take
# effect in an existing build folder too, not only in a fresh one.
build: deps
	cmake -S . -B $(BUILD) --log-level=WARNING $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit

bench: build
	scripts/bench $(BENCH_ARGS)

# CI regression gate: quick run, compared with results/reference/<machine class>/;
# COMPARE_ARGS="--threshold 20%" loosens it for noisy runners.
bench-check: build
	COWBENCH_BIN=$(BUILD)/cli/cowbench COWBENCH_COMPARE_ARGS="$(COMPARE_ARGS)" scripts/bench-check $(if $(OUT),--out $(OUT))

# The nested run alone (scripts/nested): our VMM inside a QEMU Linux guest,
# nested paging and shadow paging; into OUT or a fresh results/<run-id>.
bench-nested: build
	@scripts/install-deps --nested
	COWBENCH_BIN=$(abspath $(BUILD))/cli/cowbench scripts/nested $(BENCH_ARGS)

# Every fuzz harness (tests/fuzz) for FUZZ_SECONDS each under ASan+UBSan
# with libFuzzer (clang, in build-fuzz); fails on any crash, leak or timeout.
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/install-deps --fuzz
	scripts/fuzz --seconds $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) build-fuzz
