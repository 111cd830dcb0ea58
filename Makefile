# avc-explain: the two entry points are `make demo` and `make test`; both install what is missing.
SHELL := /bin/sh
SWIFT ?= swift
APT_PACKAGES := libaudit-dev libauparse-dev zlib1g-dev pkg-config gcc libc6-dev binutils pax-utils auditd time bc python3 python3-jsonschema man-db groff-base
# The real-kernel test (Tests/VM): skipped only when SKIP_VM=1 is set.
VM_PACKAGES := qemu-system-x86 busybox-static secilc cpio
DEMO_ROOT := .build/demo-sysroot
DEMO_LOG := SampleLogs/seed-fluent-bit.log

.PHONY: all deps build demo test bench samples vm-samples clean

all: build

# Debian packages the build and the tests need; installed only when missing.
deps:
	@missing=""; for p in $(APT_PACKAGES) $(if $(filter 1,$(SKIP_VM)),,$(VM_PACKAGES)); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "make: installing$$missing"; \
		if [ "$$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	fi
	@command -v $(SWIFT) >/dev/null 2>&1 || { echo "make: swift (6.0 or later) is not on PATH; install a Swift toolchain from swift.org" >&2; exit 1; }

build: deps
	$(SWIFT) build

# Builds the programs the seed-case log names, then explains the log against them.
demo: build
	@SampleLogs/build-sysroot.sh $(DEMO_ROOT) >/dev/null
	@echo "\$$ avc-explain --sysroot $(DEMO_ROOT) $(DEMO_LOG)"
	@$(SWIFT) run --skip-build avc-explain --sysroot $(DEMO_ROOT) $(DEMO_LOG)

# Every test: unit tests, ELF fixtures compiled with gcc, end-to-end runs of the tool, golden text.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(MAKE) fuzz-smoke

# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of the record parser, the ELF readers and
# the split-scan invariant: FUZZ_SECONDS per target; `make fuzz FUZZ_TARGETS=elf_readers` for one.
.PHONY: fuzz fuzz-smoke
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) Tests/Fuzz/run.sh $(FUZZ_TARGETS)

# The short run `make test` ends with; any crash or broken invariant fails the build.
FUZZ_SMOKE_TARGETS ?= record_parser elf_readers stream_split
fuzz-smoke: deps
	FUZZ_SECONDS=$(or $(FUZZ_SMOKE_SECONDS),10) Tests/Fuzz/run.sh $(FUZZ_SMOKE_TARGETS)

# Speed and memory against the tools people use today; figures go in the README.
bench: deps
	$(SWIFT) build -c release
	@Tests/Benchmarks/bench.sh .build/release/avc-explain

# Regenerate SampleLogs/*.log from a real-kernel run (Tests/VM), then re-derive the forms.
vm-samples: build
	@Tests/VM/samples.sh .build/debug/avc-explain
	@Tests/VM/derive-forms.py

# Explain every bundled sample (JSON), for a quick look.
samples: build
	@SampleLogs/build-sysroot.sh $(DEMO_ROOT) >/dev/null
	@for f in SampleLogs/*.log; do echo "== $$f"; $(SWIFT) run --skip-build avc-explain --sysroot $(DEMO_ROOT) $$f; done

clean:
	rm -rf .build
