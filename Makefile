# Thin wrapper around CMake so that a fresh clone needs only `make bench`
# or `make test`.  Real build logic lives in CMakeLists.txt.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
QUICK ?=
OUT ?=

BENCH_ARGS = $(if $(QUICK),--quick) $(if $(OUT),--out $(OUT))

.PHONY: all deps build test test-unit bench bench-check bench-nested clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit

bench: build
	scripts/bench $(BENCH_ARGS)

clean:
	rm -rf $(BUILD)
