# porttune -- see README.md. `make run` audits this host, `make check` tests.
PREFIX ?= /usr/local
DESTDIR ?=
PKG_CONFIG ?= pkg-config
CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
# bpf_tracing.h's name for the architecture (syscall argument registers)
BPF_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
		-e 's/ppc64le/powerpc/' -e 's/s390x/s390/' -e 's/riscv64/riscv/')
CFLAGS ?= -O2 -g
VERSION := 0.1.0

BINDIR = $(PREFIX)/sbin
MANDIR = $(PREFIX)/share/man
DATADIR = $(PREFIX)/share/porttune
COMPLETIONDIR = $(PREFIX)/share/bash-completion/completions
UNITDIR = $(PREFIX)/lib/systemd/system

PKGS = libmnl inih json-c
WARN = -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
       -Wmissing-prototypes -Wno-format-nonliteral
override CPPFLAGS += -D_GNU_SOURCE -DPORTTUNE_VERSION='"$(VERSION)"' -Isrc
override CFLAGS += -std=gnu11 -pthread $(WARN) -MMD -MP
override LDFLAGS += -pthread

ifneq ($(WERROR),)
override CFLAGS += -Werror
endif
ifneq ($(SANITIZE),)
override CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
override LDFLAGS += -fsanitize=$(SANITIZE)
endif

# Only resolve libraries once the dependency step has run. libbpf and
# libnl-route-3 give headers only: porttune opens them when needed (dlib.c:
# libbpf_dl.c when a trace starts, links.c for the rtnetlink link list).
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) libbpf libnl-route-3.0 \
	       2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

CORE = err words irqcpu strpool keyspec profile profile_kv sysctl sysctl_keys sysctl_backend nic_keys backends sysctld changes plan hostwide netns_target prom_merge txn snapshot snapshot_keys snapshot_meta snapshot_list statedir netns output nic nic_apply nic_survey nl ethtool ethtool_parse ethtool_names links dlib finding audit audit_settings audit_sockets audit_checks counters sockdiag procmap portguard audit_triage audit_suggest persist confirm audit_boot audit_trace strbuf
CMDS = main cli cmd_apply cmd_diff cmd_rollback cmd_snapshots cmd_audit \
       cmd_persist cmd_confirm \
       cmd_watch audit_render audit_prom audit_nagios outfile watch_render \
       audit_netns audit_netns_trace trace libbpf_dl
CORE_OBJ = $(CORE:%=build/%.o)
# linked into unit tests and tools only: recorded netlink replies
TEST_OBJ = build/nl_replay.o
CMD_OBJ = $(CMDS:%=build/%.o)
UNIT_TESTS = irqcpu profile profile_kv strpool sysctl sysctld persist snapshot plan audit checks ethtool sockdiag nagios hostile prom_merge trace replay triage output links ethdecode
UNIT = $(UNIT_TESTS:%=build/tests/test_%)
TOOLS = build/loadgen build/sdfloor build/churn build/nicfloor build/nlrecord build/parsebench

# libFuzzer harnesses (fuzz/): the core built again by clang with the fuzzer's
# coverage and ASan+UBSan; any sanitizer report is a crash.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZERS = profile snapshot netlink counters
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -std=gnu11 -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) -MMD -MP
FUZZ_OBJ = $(CORE:%=build/fuzz/obj/%.o)
FUZZ_BIN = $(FUZZERS:%=build/fuzz/fuzz_%)

.PHONY: all deps run check unit e2e lint bench install clean fuzz fuzz-run
all: porttune

deps:
	@sh scripts/deps.sh

porttune: $(CORE_OBJ) $(CMD_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/%.o: src/%.c | build
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

build/tests/%: tests/unit/%.c $(CORE_OBJ) $(TEST_OBJ) | build
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ \
		$(filter %.c %.o,$^) $(PKG_LIBS) $(CMOCKA_LIBS)

# The BPF side: vmlinux.h from this kernel's BTF (CO-RE relocates the field
# offsets at load time), an object built by clang, a skeleton embedding it.
build/vmlinux.h: | build
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp
	mv $@.tmp $@

build/trace.bpf.o: src/trace.bpf.c src/trace_maps.h build/vmlinux.h
	$(CLANG) -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -g -O2 -Wall -Ibuild -Isrc \
		-c -o $@ $<

build/trace.skel.h: build/trace.bpf.o
	$(BPFTOOL) gen skeleton $< name trace_bpf > $@.tmp
	mv $@.tmp $@

build/trace.o: build/trace.skel.h
build/trace.o: override CPPFLAGS += -Ibuild

# the renderer is not part of the core
build/tests/test_nagios: build/audit_nagios.o

build/loadgen: tests/tools/loadgen.c | build
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

build/churn: tests/tools/churn.c | build
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

build/sdfloor: bench/sdfloor.c | build
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

# records netlink exchanges for the replay tests (tests/unit/data/nl/)
build/nlrecord: tests/tools/nlrecord.c $(CORE_OBJ) $(TEST_OBJ) | build
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# the profile parser reading back one NIC apply's snapshot (make bench)
build/parsebench: bench/parsebench.c $(CORE_OBJ) | build
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/nicfloor: bench/nicfloor.c | build
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< \
		$(shell $(PKG_CONFIG) --libs libmnl 2>/dev/null)

build:
	@mkdir -p build/tests

build/fuzz/obj/%.o: src/%.c
	@mkdir -p build/fuzz/obj
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		$(PKG_CFLAGS) -c -o $@ $<

build/fuzz/fuzz_%: fuzz/fuzz_%.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) \
		-o $@ $(filter %.c %.o,$^) $(PKG_LIBS)

fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_BIN)

# Each harness for FUZZ_SECONDS from its committed corpus; fails on a crash.
fuzz-run: fuzz
	@sh fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

# The two commands of the README: both install what is missing first.
run: deps
	@$(MAKE) --no-print-directory porttune
	@./porttune audit || echo "(porttune audit exit status $$?: 1 warning, 2 critical, 3 unknown)"

check: deps
	@$(MAKE) --no-print-directory porttune $(UNIT) $(TOOLS)
	@sh tests/run.sh $(UNIT)

bench: deps
	@$(MAKE) --no-print-directory porttune $(TOOLS)
	@sh bench/run.sh

lint:
	@sh tests/lint-man.sh

# The man pages and units name installed paths: written for PREFIX.
install: porttune
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/profiles \
		$(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(UNITDIR)
	install -m 755 porttune $(DESTDIR)$(BINDIR)/porttune
	for m in porttune.8:man8 porttune.ini.5:man5; do \
		sed -e 's|/usr/local/share/porttune|$(DATADIR)|g' \
		    -e 's|/usr/local/sbin|$(BINDIR)|g' man/$${m%%:*} \
			> $(DESTDIR)$(MANDIR)/$${m#*:}/$${m%%:*} && \
		chmod 644 $(DESTDIR)$(MANDIR)/$${m#*:}/$${m%%:*} || exit 1; \
	done
	install -m 644 profiles/*.ini $(DESTDIR)$(DATADIR)/profiles/
	install -m 644 contrib/bash-completion/porttune \
		$(DESTDIR)$(COMPLETIONDIR)/porttune
	for u in contrib/systemd/*.service contrib/systemd/*.timer; do \
		sed 's|@SBINDIR@|$(BINDIR)|g' $$u \
			> $(DESTDIR)$(UNITDIR)/$${u##*/} && \
		chmod 644 $(DESTDIR)$(UNITDIR)/$${u##*/} || exit 1; \
	done

clean:
	rm -rf build porttune

-include $(wildcard build/*.d build/tests/*.d build/fuzz/*.d build/fuzz/obj/*.d)
