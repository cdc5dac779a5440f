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

PKGS = libmnl libnl-route-3.0 inih json-c libbpf
WARN = -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
       -Wmissing-prototypes -Wno-format-nonliteral
override CPPFLAGS += -D_GNU_SOURCE -DPORTTUNE_VERSION='"$(VERSION)"' -Isrc
override CFLAGS += -std=gnu11 $(WARN) -MMD -MP

ifneq ($(WERROR),)
override CFLAGS += -Werror
endif
ifneq ($(SANITIZE),)
override CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
override LDFLAGS += -fsanitize=$(SANITIZE)
endif

# Only resolve libraries once the dependency step has run.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

CORE = err profile sysctl plan txn snapshot output nic nic_survey nl ethtool ethtool_parse ethtool_names links audit audit_sockets counters sockdiag procmap audit_trace
CMDS = main cmd_apply cmd_diff cmd_rollback cmd_snapshots cmd_audit \
       cmd_watch audit_render audit_prom trace
CORE_OBJ = $(CORE:%=build/%.o)
CMD_OBJ = $(CMDS:%=build/%.o)
UNIT_TESTS = profile sysctl snapshot plan audit ethtool sockdiag trace
UNIT = $(UNIT_TESTS:%=build/tests/test_%)
TOOLS = build/loadgen build/sdfloor build/churn

.PHONY: all deps run check unit e2e lint bench install clean
all: porttune

deps:
	@sh scripts/deps.sh

porttune: $(CORE_OBJ) $(CMD_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/%.o: src/%.c | build
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

build/tests/%: tests/unit/%.c $(CORE_OBJ) | build
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $^ \
		$(PKG_LIBS) $(CMOCKA_LIBS)

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

build/loadgen: tests/tools/loadgen.c | build
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

build/churn: tests/tools/churn.c | build
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

build/sdfloor: bench/sdfloor.c | build
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

build:
	@mkdir -p build/tests

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

install: porttune
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/profiles
	install -m 755 porttune $(DESTDIR)$(BINDIR)/porttune
	install -m 644 man/porttune.8 $(DESTDIR)$(MANDIR)/man8/porttune.8
	install -m 644 man/porttune.ini.5 $(DESTDIR)$(MANDIR)/man5/porttune.ini.5
	install -m 644 profiles/*.ini $(DESTDIR)$(DATADIR)/profiles/

clean:
	rm -rf build porttune

-include $(wildcard build/*.d build/tests/*.d)
