# avc-explain: the two entry points are `make demo` and `make test`; both install what is missing.
SHELL := /bin/sh
SWIFT ?= swift
# What `swift build` needs (libaudit.a, libz.a, libarchive.a, liblzma.a, libbz2.a come with the -dev packages: the release links them statically).
BUILD_PACKAGES := libaudit-dev libcap-ng-dev zlib1g-dev libarchive-dev liblzma-dev libbz2-dev pkg-config libc6-dev binutils
# What the tests need besides: the auparse oracle, ELF fixtures compiled with gcc, auditd's tools,
# and the release's tools (xz for the tarball, rpm for rpmbuild and rpm --root).
TEST_PACKAGES := libauparse-dev gcc pax-utils auditd time bc python3 python3-jsonschema man-db groff-base xz-utils rpm rsyslog
# The real-kernel test (Tests/VM): skipped only when SKIP_VM=1 is set.
VM_PACKAGES := qemu-system-x86 busybox-static secilc cpio audispd-plugins
DEMO_ROOT := .build/demo-sysroot
DEMO_LOG := SampleLogs/seed-fluent-bit.log

# The version is written once, in Sources/avc-explain/Version.swift.
VERSION := $(shell sed -n 's/^let avcExplainVersion = "\(.*\)"$$/\1/p' Sources/avc-explain/Version.swift)
PREFIX ?= /usr/local
DESTDIR ?=
# The static release: its own scratch path, so `swift build -c release` (make bench) and this
# one do not rebuild each other's objects.
STATIC_SCRATCH := .build/static
STATIC_BIN := $(STATIC_SCRATCH)/release/avc-explain
DIST := .build/dist
RELEASE_NAME := avc-explain-$(VERSION)-x86_64-linux
TARBALL := $(DIST)/$(RELEASE_NAME).tar.xz

.PHONY: all deps build-deps test-deps build demo test bench samples vm-samples clean \
	static release install packages release-test

all: build

build-deps:
	@packaging/deps.sh $(BUILD_PACKAGES)
	@command -v $(SWIFT) >/dev/null 2>&1 || { echo "make: swift (6.0 or later) is not on PATH; install a Swift toolchain from swift.org" >&2; exit 1; }

# Everything the tests need; the VM packages unless SKIP_VM=1.
test-deps: build-deps
	@packaging/deps.sh $(TEST_PACKAGES) $(if $(filter 1,$(SKIP_VM)),,$(VM_PACKAGES))

deps: test-deps

build: build-deps
	$(SWIFT) build

# Builds the programs the seed-case log names, then explains the log against them.
demo: build
	@packaging/deps.sh gcc libc6-dev
	@SampleLogs/build-sysroot.sh $(DEMO_ROOT) >/dev/null
	@echo "\$$ avc-explain --sysroot $(DEMO_ROOT) $(DEMO_LOG)"
	@$(SWIFT) run --skip-build avc-explain --sysroot $(DEMO_ROOT) $(DEMO_LOG)

# Every test: unit tests, ELF fixtures compiled with gcc, end-to-end runs of the tool, golden text.
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(MAKE) fuzz-smoke
	$(MAKE) release-test

# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of the record parser, the ELF readers,
# the split-scan invariant, the whole diagnosis with every renderer and the reading thread's hand-over: FUZZ_SECONDS per target; `make fuzz FUZZ_TARGETS=elf_readers` for one.
.PHONY: fuzz fuzz-smoke
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) Tests/Fuzz/run.sh $(FUZZ_TARGETS)

# The short run `make test` ends with; any crash or broken invariant fails the build.
FUZZ_SMOKE_TARGETS ?= record_parser elf_readers stream_split explain_render event_reader
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

# A stripped, fully static x86_64 executable: no shared library is needed, glibc's included.
# libaudit's static link flags come from pkg-config (Debian's adds -lcap-ng). libarchive's do not:
# pkg-config names every library Debian built it with (acl, xml2 and ICU, nettle, zstd, lz4); the
# tool reads tar with the xz, gzip and bzip2 filters only, so those three are all it needs.
ARCHIVE_STATIC_LIBS := -larchive -llzma -lbz2 -lz
static: build-deps
	@link=$$(for l in $$(pkg-config --static --libs-only-l audit zlib) $(ARCHIVE_STATIC_LIBS); do printf ' -Xlinker %s' $$l; done); \
	set -x; $(SWIFT) build -c release --scratch-path $(STATIC_SCRATCH) --static-swift-stdlib -Xswiftc -static-executable $$link
	@mkdir -p $(DIST)
	strip -o $(DIST)/avc-explain $(STATIC_BIN)

# The tarball anyone can scp: binary, man page (when written), completions, auditd plugin conf,
# README, LICENSE. aarch64 only with a Swift SDK for it.
release: static
	@packaging/deps.sh xz-utils
	packaging/stage.sh $(DIST)/avc-explain $(DIST)/$(RELEASE_NAME) /usr/local/bin/avc-explain
	tar -C $(DIST) --owner=0 --group=0 -cJf $(TARBALL) $(RELEASE_NAME)
	@echo "$(TARBALL): $$(du -h $(TARBALL) | cut -f1); binary $$(du -h $(DIST)/avc-explain | cut -f1)"
	@if $(SWIFT) sdk list 2>/dev/null | grep -q aarch64; then \
		echo "aarch64: a Swift SDK is installed, but this Makefile does not build with it yet; skipped"; \
	else echo "aarch64: no cross toolchain (swift-sdk for aarch64 not installed); skipped"; fi

# make install PREFIX=/usr/local DESTDIR= : the static binary, man page, completions, plugin conf.
install: static
	packaging/stage.sh $(DIST)/avc-explain $(DIST)/stage-install $(PREFIX)/bin/avc-explain
	packaging/install.sh $(DIST)/stage-install "$(DESTDIR)" $(PREFIX)

# An RPM (rpmbuild, from Debian's rpm package) and a DEB (dpkg-deb) of the static binary.
packages: static
	@packaging/deps.sh rpm
	packaging/stage.sh $(DIST)/avc-explain $(DIST)/stage-usr /usr/bin/avc-explain
	packaging/deb.sh $(DIST)/stage-usr $(VERSION) amd64 $(DIST)
	rm -rf $(DIST)/rpm
	rpmbuild -bb --quiet --target x86_64 --define "_topdir $(CURDIR)/$(DIST)/rpm" \
		--define "version_ $(VERSION)" --define "stage $(CURDIR)/$(DIST)/stage-usr" \
		--define "packaging $(CURDIR)/packaging" \
		packaging/avc-explain.spec
	cp $(DIST)/rpm/RPMS/x86_64/avc-explain-$(VERSION)-1.x86_64.rpm $(DIST)/
	@ls -l $(DIST)/*.deb $(DIST)/*.rpm

# The release in an empty root, and the packages installed into scratch roots (needs root).
release-test: release packages
	Tests/Release/empty-root.sh $(DIST)/avc-explain
	Tests/Release/packages.sh $(DIST) $(VERSION)

clean:
	rm -rf .build
