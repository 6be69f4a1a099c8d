# wormcast — build, test, benchmark, validate.
#
#   make            build build/wormcast (installs missing Debian packages first)
#   make test       unit and CLI tests, then the same suite under ASan+UBSan
#   make check      the fast tier for the edit-test loop (release build, < 90 s):
#                   the same tests with WORMCAST_QUICK=1, the slowest shortened
#   make bench      benchmarks with their baselines (see bench/)
#   make validate   every built-in scenario beside the historical figures
#                   (make validate-quick: fewer seeds, a few minutes)
#   make deps       apt-get only the packages whose pkg-config check fails
#   make test-deps  the test-only tools: chromium and jq (the report's browser test)
#   make fuzz       libFuzzer targets for detect, FUZZ_TIME seconds each (make test runs it)

PKGS      := gsl jansson plplot cmocka libpcap zlib libzstd
# pkg-config name → Debian package
DEB_gsl     := libgsl-dev
DEB_jansson := libjansson-dev
DEB_plplot  := libplplot-dev plplot-driver-cairo
DEB_cmocka  := libcmocka-dev
DEB_libpcap := libpcap-dev
DEB_zlib    := zlib1g-dev
DEB_libzstd := libzstd-dev

CC      ?= cc
OPT     ?= -O2 -march=native
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
BASE    := -std=c11 -D_GNU_SOURCE -g -fopenmp -Isrc -Iinclude -Ibuild/gen $(WARN)
SAN     := -O1 -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all \
           -fno-omit-frame-pointer

# Open MPI (src/ensemble: `mpirun -n N wormcast sweep`) when mpicc is there,
# else a build without MPI (WC_HAVE_MPI undefined); `wormcast --version` says which.
# WC_MPI=0 builds without it even where it is installed.
WC_MPI  ?= 1
MPICC   := $(if $(filter 1,$(WC_MPI)),$(shell command -v mpicc 2>/dev/null))
MPI_CFLAGS := $(if $(MPICC),-DWC_HAVE_MPI $(shell mpicc --showme:compile 2>/dev/null))
MPI_LIBS   := $(if $(MPICC),$(shell mpicc --showme:link 2>/dev/null))
# Libraries loaded only when used (src/core/dynlib.h) are opened by their
# run-time name, read from the installed development link: $(call soname,FILE).
soname = $(shell readelf -d "$(1)" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
# Open MPI is loaded only by a rank (src/ensemble/mpicalls.h).
MPI_SONAME := $(if $(MPICC),$(call soname,$(firstword $(shell mpicc --showme:libdirs \
	        2>/dev/null))/libmpi.so))
MPI_CFLAGS += $(if $(MPI_SONAME),-DWC_MPI_SONAME='"$(MPI_SONAME)"')

# Recursive (=) so pkg-config runs after `deps` has had its chance.
PCFLAGS = $(shell pkg-config --cflags gsl jansson plplot libpcap zlib libzstd 2>/dev/null) $(MPI_CFLAGS)
PCLIBS  = $(shell pkg-config --libs gsl jansson plplot libpcap zlib libzstd 2>/dev/null) $(MPI_LIBS) -lm
# PLplot and libpcap are loaded when first used: their run-time names, read
# once, and --as-needed on every link, so that no program loads them at start.
soname_of = $(call soname,$(shell pkg-config --variable=libdir $(1) 2>/dev/null)/lib$(2).so)
PLPLOT_SONAME = $(eval PLPLOT_SONAME := $(call soname_of,plplot,plplot))$(PLPLOT_SONAME)
PCAP_SONAME   = $(eval PCAP_SONAME := $(call soname_of,libpcap,pcap))$(PCAP_SONAME)
PCFLAGS += $(if $(PLPLOT_SONAME),-DWC_PLPLOT_SONAME='"$(PLPLOT_SONAME)"') \
	   $(if $(PCAP_SONAME),-DWC_PCAP_SONAME='"$(PCAP_SONAME)"')
LINKLIBS = -Wl,--as-needed $(PCLIBS)
TESTLIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

LIB_SRC := $(sort $(wildcard src/core/*.c src/sim/*.c src/model/*.c src/detect/*.c \
                             src/ensemble/*.c src/calib/*.c src/report/*.c src/selftest/*.c \
                             src/api/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
TESTS   := $(patsubst tests/%.c,%,$(sort $(wildcard tests/test_*.c)))
BENCHES := $(patsubst bench/%.c,%,$(sort $(wildcard bench/bench_*.c)))
SCENARIOS := $(sort $(wildcard scenarios/*.ini))
GEN     := build/gen/scenarios_builtin.c
# The HTML report's page, script and style (wormcast report), embedded as strings.
HTML_ASSETS := src/report/html/report.html src/report/html/report.css src/report/html/report.js
HTML_GEN    := build/gen/report_assets.c
# The version and git commit recorded in summary.json (src/core/provenance.c).
VERSION   := 0.2.0-dev
VERSION_H := build/gen/version.h
# The shared library's file version and SONAME (libwormcast.so.SOMAJOR): the
# major number changes when include/wormcast/wormcast.h breaks a caller.
LIBVER    := $(firstword $(subst -, ,$(VERSION)))
SOMAJOR   := 0
SONAME    := libwormcast.so.$(SOMAJOR)
SHLIB     := build/libwormcast.so.$(LIBVER)
HDRS      := $(wildcard src/*/*.h include/wormcast/*.h)

.PHONY: all build deps test-deps test test-run check bench bench-deps validate clean format format-check quickstart \
	fuzz FORCE install uninstall lib

all: deps
	@$(MAKE) --no-print-directory build

build: build/wormcast

# libwormcast for other programs: static, shared (only the functions of
# include/wormcast/ exported) and its pkg-config file.
lib: build/libwormcast.a $(SHLIB) build/wormcast.pc

# make install [PREFIX=/usr/local] [DESTDIR=staging]: the program and its
# manual page (the built-in scenarios are compiled in), and libwormcast:
# the static and shared library, the public headers, wormcast.pc.
PREFIX  ?= /usr/local
BINDIR  := $(PREFIX)/bin
MAN1DIR := $(PREFIX)/share/man/man1
LIBDIR  ?= $(PREFIX)/lib
INCDIR  := $(PREFIX)/include/wormcast
PCDIR   := $(LIBDIR)/pkgconfig
PUBLIC_H := $(sort $(wildcard include/wormcast/*.h))
install: build/wormcast lib
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MAN1DIR)" "$(DESTDIR)$(LIBDIR)" \
	  "$(DESTDIR)$(INCDIR)" "$(DESTDIR)$(PCDIR)"
	install -m 755 build/wormcast "$(DESTDIR)$(BINDIR)/wormcast"
	install -m 644 wormcast.1 "$(DESTDIR)$(MAN1DIR)/wormcast.1"
	install -m 644 build/libwormcast.a "$(DESTDIR)$(LIBDIR)/libwormcast.a"
	install -m 755 $(SHLIB) "$(DESTDIR)$(LIBDIR)/$(notdir $(SHLIB))"
	ln -sf $(notdir $(SHLIB)) "$(DESTDIR)$(LIBDIR)/$(SONAME)"
	ln -sf $(SONAME) "$(DESTDIR)$(LIBDIR)/libwormcast.so"
	install -m 644 $(PUBLIC_H) "$(DESTDIR)$(INCDIR)/"
	sed 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|' build/wormcast.pc >"$(DESTDIR)$(PCDIR)/wormcast.pc"
uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/wormcast" "$(DESTDIR)$(MAN1DIR)/wormcast.1" \
	  "$(DESTDIR)$(LIBDIR)/libwormcast.a" "$(DESTDIR)$(LIBDIR)/libwormcast.so" \
	  "$(DESTDIR)$(LIBDIR)/$(SONAME)" "$(DESTDIR)$(LIBDIR)/$(notdir $(SHLIB))" \
	  "$(DESTDIR)$(PCDIR)/wormcast.pc" $(PUBLIC_H:include/wormcast/%="$(DESTDIR)$(INCDIR)/%")
	-rmdir "$(DESTDIR)$(INCDIR)" 2>/dev/null

deps:
	@missing=""; for p in $(PKGS); do \
	  pkg-config --exists $$p 2>/dev/null || case $$p in \
	    gsl) missing="$$missing $(DEB_gsl)";; \
	    jansson) missing="$$missing $(DEB_jansson)";; plplot) missing="$$missing $(DEB_plplot)";; \
	    cmocka) missing="$$missing $(DEB_cmocka)";; libpcap) missing="$$missing $(DEB_libpcap)";; \
	    zlib) missing="$$missing $(DEB_zlib)";; libzstd) missing="$$missing $(DEB_libzstd)";; \
	    esac; done; \
	command -v pkg-config >/dev/null || missing="pkg-config $$missing"; \
	command -v mpicc >/dev/null && command -v mpirun >/dev/null || \
	  missing="$$missing libopenmpi-dev openmpi-bin"; \
	command -v cc >/dev/null || missing="gcc make libc6-dev $$missing"; \
	command -v clang-format >/dev/null || missing="clang-format $$missing"; \
	command -v clang >/dev/null || missing="clang libclang-rt-dev $$missing"; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends \
	    pkg-config $$missing >/dev/null; \
	fi

# Tools only the tests use, installed by `make test` (so CI has them) but not
# by `make deps` (a quick start needs no browser): headless Chromium opens the
# HTML report and jq reads its self-test (tests/report.sh). Where they cannot
# be installed, that test's browser checks are skipped with a message.
test-deps:
	@missing=""; command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v jq >/dev/null || missing="$$missing jq"; \
	if [ -n "$$missing" ]; then \
	  echo "make test-deps: installing$$missing (tests/report.sh)"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  { $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	    --no-install-recommends$$missing >/dev/null; } || \
	    echo "make test-deps: could not install$$missing; the report's browser checks will be skipped"; \
	fi

# Regenerated on every make, but rewritten only when the text changes.
$(VERSION_H): FORCE
	@mkdir -p $(@D)
	@tools/gen-version.sh $@ $(VERSION)
build/obj/core/provenance.o build/san/obj/core/provenance.o build/pic/obj/core/provenance.o: $(VERSION_H)
# The scheduler is rebuilt when MPI comes or goes (mpicc installed later).
MPI_STAMP := build/gen/mpi-flags
$(MPI_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(MPI_CFLAGS)' | cmp -s - $@ 2>/dev/null || echo '$(MPI_CFLAGS)' >$@
build/obj/ensemble/sched.o build/san/obj/ensemble/sched.o build/pic/obj/ensemble/sched.o: $(MPI_STAMP)
build/obj/ensemble/mpicalls.o build/san/obj/ensemble/mpicalls.o build/pic/obj/ensemble/mpicalls.o: $(MPI_STAMP)
# Release objects are rebuilt when the optimisation flags change.
OPT_STAMP := build/gen/opt-flags
$(OPT_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(OPT)' | cmp -s - $@ 2>/dev/null || echo '$(OPT)' >$@
FORCE:

$(GEN): $(SCENARIOS) tools/embed-scenarios.sh
	@mkdir -p $(@D)
	tools/embed-scenarios.sh $@ $(SCENARIOS)
$(HTML_GEN): $(HTML_ASSETS) tools/embed-text.sh
	@mkdir -p $(@D)
	tools/embed-text.sh $@ wc_report_html_page=src/report/html/report.html \
	  wc_report_html_css=src/report/html/report.css wc_report_html_js=src/report/html/report.js

# ---- release objects ----
build/obj/%.o: src/%.c $(HDRS) $(GEN) $(OPT_STAMP)
	@mkdir -p $(@D)
	@echo "  CC $@"; $(CC) $(BASE) $(OPT) $(PCFLAGS) -c $< -o $@
build/obj/gen/%.o: build/gen/%.c $(OPT_STAMP)
	@mkdir -p $(@D)
	@echo "  CC $@"; $(CC) $(BASE) $(OPT) -c $< -o $@

LIB_OBJ := $(LIB_SRC:src/%.c=build/obj/%.o) build/obj/gen/scenarios_builtin.o \
           build/obj/gen/report_assets.o
build/libwormcast.a: $(LIB_OBJ)
	ar rcs $@ $^

build/wormcast: $(CLI_SRC:src/%.c=build/obj/%.o) build/libwormcast.a
	@echo "  CC $@"; $(CC) $(BASE) $(OPT) $^ $(LINKLIBS) -o $@

# ---- the shared library: position-independent objects, only the public
# functions (WC_API, include/wormcast/wormcast.h) visible ----
PIC := -fPIC -fvisibility=hidden
build/pic/obj/%.o: src/%.c $(HDRS) $(GEN)
	@mkdir -p $(@D)
	@echo "  CC $@"; $(CC) $(BASE) $(OPT) $(PIC) $(PCFLAGS) -c $< -o $@
build/pic/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	@echo "  CC $@"; $(CC) $(BASE) $(OPT) $(PIC) -c $< -o $@
PIC_OBJ := $(LIB_SRC:src/%.c=build/pic/obj/%.o) build/pic/obj/gen/scenarios_builtin.o \
           build/pic/obj/gen/report_assets.o
$(SHLIB): $(PIC_OBJ)
	@echo "  LD $@"; $(CC) -shared -fopenmp -Wl,-soname,$(SONAME) -Wl,--no-undefined \
	  $^ $(LINKLIBS) -o $@
# The pkg-config file, with @PREFIX@ and @LIBDIR@ for install to fill in.
build/wormcast.pc: tools/wormcast.pc.in Makefile
	@mkdir -p $(@D)
	sed 's|@VERSION@|$(VERSION)|; s|@LIBS_PRIVATE@|$(strip $(PCLIBS))|' tools/wormcast.pc.in >$@

# ---- sanitized objects (ASan + UBSan) ----
build/san/obj/%.o: src/%.c $(HDRS) $(GEN)
	@mkdir -p $(@D)
	@echo "  CC $@"; $(CC) $(BASE) $(SAN) $(PCFLAGS) -c $< -o $@
build/san/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	@echo "  CC $@"; $(CC) $(BASE) $(SAN) -c $< -o $@

SAN_OBJ := $(LIB_SRC:src/%.c=build/san/obj/%.o) build/san/obj/gen/scenarios_builtin.o \
           build/san/obj/gen/report_assets.o
build/san/libwormcast.a: $(SAN_OBJ)
	ar rcs $@ $^
build/san/wormcast: $(CLI_SRC:src/%.c=build/san/obj/%.o) build/san/libwormcast.a
	@echo "  CC $@"; $(CC) $(BASE) $(SAN) $^ $(LINKLIBS) -o $@

# ---- tests ----
build/tests/%: tests/%.c tests/testutil.h build/libwormcast.a
	@mkdir -p $(@D)
	@echo "  CC $@"; $(CC) $(BASE) $(OPT) $(PCFLAGS) $< build/libwormcast.a $(LINKLIBS) $(TESTLIBS) -o $@
build/san/tests/%: tests/%.c tests/testutil.h build/san/libwormcast.a
	@mkdir -p $(@D)
	@echo "  CC $@"; $(CC) $(BASE) $(SAN) $(PCFLAGS) $< build/san/libwormcast.a $(LINKLIBS) $(TESTLIBS) -o $@

test: deps test-deps
	@$(MAKE) --no-print-directory test-run

test-run: build/wormcast build/san/wormcast $(TESTS:%=build/tests/%) $(TESTS:%=build/san/tests/%)
	@echo "== style (clang-format, .clang-format)"
	@fail=0; $(MAKE) --no-print-directory -s format-check >/dev/null 2>&1 \
	   && echo "style ok" || { echo "style: run 'make format'"; fail=1; }; \
	 echo "== unit tests (release build)"; \
	 for t in $(TESTS); do WORMCAST=build/wormcast build/tests/$$t || fail=1; done; \
	 echo "== CLI tests (release build)"; \
	 tests/cli.sh build/wormcast || fail=1; \
	 echo "== the HTML report in headless Chromium (release build)"; \
	 tests/report.sh build/wormcast || fail=1; \
	 echo "== ensembles: MPI ranks, shards, resume (release build)"; \
	 tests/ensemble.sh build/wormcast || fail=1; \
	 echo "== standalone: no pointer outside the repository, every docs section exists"; \
	 tests/standalone.sh || fail=1; \
	 echo "== layering: calls between source files go one way, no circles"; \
	 tests/layering.sh build/obj || fail=1; \
	 echo "== README and man-page examples (release build)"; \
	 tests/examples.sh build/wormcast || fail=1; \
	 echo "== make install (DESTDIR)"; \
	 MAKE="$(MAKE)" tests/install.sh || fail=1; \
	 echo "== unit tests (ASan + UBSan)"; \
	 for t in $(TESTS); do WORMCAST_SANITIZED=1 WORMCAST=build/san/wormcast build/san/tests/$$t || fail=1; done; \
	 echo "== CLI tests (ASan + UBSan)"; \
	 tests/cli.sh build/san/wormcast || fail=1; \
	 tests/report.sh build/san/wormcast || fail=1; \
	 echo "== ensembles (ASan + UBSan)"; \
	 tests/ensemble.sh build/san/wormcast || fail=1; \
	 echo "== fuzz (libFuzzer, $(FUZZ_TIME) s per target)"; \
	 $(MAKE) --no-print-directory fuzz || fail=1; \
	 exit $$fail

# The fast tier: every unit test binary and the CLI checks, release build,
# WORMCAST_QUICK=1 (fewer seeds, the probe engine's slow runs skipped). Each
# binary's output is shown only when it fails.
check: build/wormcast $(TESTS:%=build/tests/%)
	@t0=$$(date +%s); fail=0; log=$$(mktemp); \
	 for t in $(TESTS); do s=$$(date +%s); \
	   if WORMCAST_QUICK=1 WORMCAST=build/wormcast build/tests/$$t >$$log 2>&1; then \
	     echo "ok   - $$t ($$(( $$(date +%s) - s )) s)"; \
	   else cat $$log; echo "FAIL - $$t"; fail=1; fi; done; \
	 WORMCAST_QUICK=1 tests/cli.sh build/wormcast >$$log 2>&1 && \
	   echo "ok   - tests/cli.sh: $$(tail -n 1 $$log)" || { cat $$log; fail=1; }; \
	 tests/report.sh build/wormcast >$$log 2>&1 && \
	   echo "ok   - tests/report.sh: $$(tail -n 1 $$log)" || { cat $$log; fail=1; }; \
	 WORMCAST_QUICK=1 tests/ensemble.sh build/wormcast >$$log 2>&1 && \
	   echo "ok   - tests/ensemble.sh: $$(tail -n 1 $$log)" || { cat $$log; fail=1; }; \
	 rm -f $$log; verdict="passed"; [ $$fail = 0 ] || verdict="FAILED (above)"; \
	 echo "make check: $$(( $$(date +%s) - t0 )) s, $$verdict; make test runs the full suite"; \
	 exit $$fail

# ---- fuzzing: the detect parsers under libFuzzer + ASan + UBSan (clang) ----
# The library sources the targets need are compiled into each target, so
# libFuzzer's coverage instrumentation reaches them.
FUZZ_TIME ?= 8
FUZZ_SRC  := src/core/xalloc.c src/core/cleanup.c src/core/error.c src/core/utc.c \
             src/core/csv.c src/core/num.c src/core/vec.c src/core/hash.c \
             $(sort $(wildcard src/detect/*.c)) src/model/series.c src/model/dataset.c \
             src/report/detect_json.c src/report/json_provenance.c src/core/atomicfile.c \
             src/core/provenance.c src/core/dynlib.c
build/fuzz/%: tests/%.c $(FUZZ_SRC) $(wildcard src/*/*.h) $(VERSION_H)
	@mkdir -p $(@D)
	@echo "  CLANG $@"; clang -std=c11 -D_GNU_SOURCE -g -O1 -pthread -Isrc -Ibuild/gen $(WARN) \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  $(if $(PCAP_SONAME),-DWC_PCAP_SONAME='"$(PCAP_SONAME)"') \
	  $< $(FUZZ_SRC) $$(pkg-config --cflags --libs libpcap zlib libzstd jansson) -lm -o $@

# The scenario reader and history points: the reader and what it calls.
FUZZ_SCEN_SRC := src/core/xalloc.c src/core/cleanup.c src/core/error.c src/core/utc.c src/core/ipv4.c \
                 src/core/num.c src/core/vec.c src/sim/scenario.c src/sim/timeline.c $(GEN)
build/fuzz/fuzz_scenario build/fuzz/fuzz_history: build/fuzz/%: tests/%.c $(FUZZ_SCEN_SRC) \
                                                   $(wildcard src/*/*.h)
	@mkdir -p $(@D)
	@echo "  CLANG $@"; clang -std=c11 -D_GNU_SOURCE -g -O1 -pthread -Isrc $(WARN) \
	  -fsanitize=fuzzer,address,undefined,float-cast-overflow -fno-sanitize-recover=all \
	  $< $(FUZZ_SCEN_SRC) -lm -o $@

# Each target starts from its corpus in tests/corpus/ (kept read-only: new
# inputs go to a scratch directory) and runs FUZZ_TIME seconds.
fuzz:
	@if ! printf 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }\n' | \
	   clang -x c -fsanitize=fuzzer - -o /dev/null >/dev/null 2>&1; then \
	   echo "fuzz: skipped (no clang with libFuzzer; 'make deps' installs clang libclang-rt-dev)"; \
	   exit 0; fi; \
	 $(MAKE) --no-print-directory build/fuzz/fuzz_logline build/fuzz/fuzz_packet \
	   build/fuzz/fuzz_sensorlog build/fuzz/fuzz_series build/fuzz/fuzz_scenario \
	   build/fuzz/fuzz_history || exit 1; \
	 fail=0; for f in logline packet sensorlog series scenario history; do \
	   work=$$(mktemp -d); \
	   if build/fuzz/fuzz_$$f -max_total_time=$(FUZZ_TIME) -timeout=10 -max_len=8192 \
	        -artifact_prefix=$$work.crash- \
	        -print_final_stats=1 $$work tests/corpus/$$f >$$work.log 2>&1; then \
	     echo "fuzz_$$f: ok, $$(grep -o 'stat::number_of_executed_units: *[0-9]*' $$work.log | \
	       grep -o '[0-9]*$$') inputs in $(FUZZ_TIME) s"; \
	   else echo "fuzz_$$f: FAILED (the input that failed is printed below and kept as $$work.crash-*)"; tail -n 40 $$work.log; fail=1; fi; \
	   rm -rf $$work $$work.log; done; exit $$fail

# ---- benchmarks and validation ----
build/bench/%: bench/%.c bench/benchutil.h build/libwormcast.a
	@mkdir -p $(@D)
	@echo "  CC $@"; $(CC) $(BASE) -O3 -march=native $(PCFLAGS) $< build/libwormcast.a $(LINKLIBS) -o $@

# The baselines bench_detect (ngrep, tshark, jq) and bench_fast (ns-2, package ns2, command ns)
# run beside wormcast. Installed here, not by `make deps`: `make test` and CI
# need none of them. A bench without them says "baseline unavailable".
bench-deps:
	@missing=""; for t in ngrep tshark jq ns; do command -v $$t >/dev/null || \
	  missing="$$missing $$(echo $$t | sed 's/^ns$$/ns2/')"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make bench-deps: installing$$missing (benchmark baselines)"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  { $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	    --no-install-recommends$$missing >/dev/null; } || \
	    echo "make bench-deps: could not install$$missing; those baselines will be skipped"; \
	fi

bench: all bench-deps $(BENCHES:%=build/bench/%)
	@for b in $(BENCHES); do build/bench/$$b || exit 1; done

build/validate: validate/validate.c build/libwormcast.a
	@echo "  CC $@"; $(CC) $(BASE) $(OPT) $(PCFLAGS) $< build/libwormcast.a $(LINKLIBS) -o $@

# Every built-in scenario, each figure judged over its seeds: the record must
# lie in the seeds' 5-95% band (docs/validation.md). Each run prints its time,
# and the whole its total; the probe engine's full day is most of it.
# `make validate-quick` (or VALIDATE=quick): fewer seeds, no probe-engine day,
# a few minutes. No test depends on either.
VALIDATE ?= full
VALIDATE_full  := "--engine fast --seeds 100" "--engine probe" "--scenario slammer --seeds 100" \
		  "--scenario codered-v1 --seeds 3" "--scenario codered-ii --seeds 10"
VALIDATE_quick := "--engine fast --seeds 20" "--scenario slammer --seeds 20" \
		  "--scenario codered-v1 --seeds 1" "--scenario codered-ii --seeds 3"
validate: all build/validate
	@$(if $(VALIDATE_$(VALIDATE)),,$(error VALIDATE=$(VALIDATE): expected full or quick))
	@t0=$$(date +%s); fail=0; for v in $(VALIDATE_$(VALIDATE)); do \
	  echo "== build/validate $$v"; build/validate $$v || fail=1; echo; done; \
	verdict="every figure passed"; [ $$fail = 0 ] || verdict="some figure FAILED (above)"; \
	echo "make validate ($(VALIDATE)): $$(( $$(date +%s) - t0 )) s; $$verdict"; exit $$fail
.PHONY: validate-quick
validate-quick:
	@$(MAKE) --no-print-directory validate VALIDATE=quick

quickstart: all
	build/wormcast run codered-v2 --plot wormcast-out/codered-v2.png

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(wildcard src/*/*.h include/wormcast/*.h tests/*.c tests/*.h bench/*.c bench/*.h validate/*.c examples/*.c)
format-check:
	clang-format --dry-run --Werror $(LIB_SRC) $(CLI_SRC) $(wildcard src/*/*.h include/wormcast/*.h tests/*.c tests/*.h bench/*.c bench/*.h validate/*.c examples/*.c)

clean:
	rm -rf build
