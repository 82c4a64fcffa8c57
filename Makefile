# SPDX-License-Identifier: MIT
# sltd: one plain Makefile. `make`, `make check`, `make demo`, `make bench`.
# Dependencies come from pkg-config; libstemmer has no .pc file.

PREFIX    ?= /usr/local
DESTDIR   ?=
BINDIR    ?= $(PREFIX)/bin
SBINDIR   ?= $(PREFIX)/sbin
DATADIR   ?= $(PREFIX)/share/sltd
SYSCONFDIR ?= /etc
MANDIR    ?= $(PREFIX)/share/man
UNITDIR   ?= $(PREFIX)/lib/systemd/system

CC        ?= cc
PKGS      := gmime-3.0 libcurl sqlite3 glib-2.0 gio-2.0 libsystemd libxml-2.0 template-glib-1.0 \
             libmicrohttpd libsodium libcrypto
# Debian packages the build, the tests and the demo need (checked by `make deps`).
DEB_BUILD := gcc make pkg-config libgmime-3.0-dev libcurl4-openssl-dev \
             libsqlite3-dev libglib2.0-dev libsystemd-dev libxml2-dev \
             libstemmer-dev libtemplate-glib-1.0-dev \
             libgirepository1.0-dev libmicrohttpd-dev libsodium-dev libssl-dev \
             libmimalloc-dev
# ca-certificates: libcurl only recommends it and deps skips recommends; a
# fresh minbase system then has no /etc/ssl/certs/ca-certificates.crt.
DEB_TEST  := dovecot-imapd python3-aiosmtpd openssl ca-certificates curl sqlite3 systemd \
             python3 procps time chromium python3-websocket clang libclang-rt-14-dev
DEB_PKGS  := $(DEB_BUILD) $(DEB_TEST)

B         := build
ifeq ($(SANITIZE),1)
B         := build-san
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c17 -Wall -Wextra -Werror -D_GNU_SOURCE \
             -DSLT_DATADIR='"$(DATADIR)"' -DSLT_SRCDIR='"$(CURDIR)"' \
             -Isrc $(PKG_CFLAGS) $(CFLAGS) $(SANFLAGS) -MMD -MP
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)
LIBS       = $(PKG_LIBS) -lstemmer -lm
# sltd allocates on three threads and frees on another (the workers parse
# and classify, the writer frees): glibc malloc spent about a fifth of
# sltd's CPU time there (sltd --once, 10,000 messages from a local
# Dovecot: 4.3 s with glibc, 3.6 s with mimalloc preloaded, medians of 3;
# README, Benchmarks). Linked first, so that its malloc
# and free are the ones every library uses; --no-as-needed, because
# nothing calls it by name. Not under ASan, which brings its own.
ifneq ($(SANITIZE),1)
MALLOC_LIBS := -Wl,--push-state,--no-as-needed -lmimalloc -Wl,--pop-state
endif

SRC       := $(wildcard src/*.c)
OBJ       := $(SRC:src/%.c=$(B)/obj/%.o) $(B)/obj/resources.o
RES_XML   := data/sltd.gresource.xml
RES_DEPS  := $(RES_XML) $(addprefix data/,$(shell sed -n 's|.*<file>\(.*\)</file>.*|\1|p' $(RES_XML)))
LIB       := $(B)/libslt.a
SLTCTL_SRC := $(wildcard daemon/sltctl*.c)
SLTWEB_SRC := daemon/sltweb.c
PROGS     := $(B)/sltd $(B)/sltctl $(B)/sltweb
UNIT_SRC  := $(wildcard tests/unit/test-*.c)
UNIT      := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all deps check unit integration bench demo install clean fuzz model valgrind
.DELETE_ON_ERROR:

all: deps
	@$(MAKE) --no-print-directory programs

programs: $(PROGS) $(UNIT)

# `make deps`: install the Debian packages that are missing, nothing else.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "make deps: missing Debian packages:$$missing" >&2; \
	  echo "make deps: run as root, or: sudo apt-get install$$missing" >&2; exit 1; \
	fi; \
	echo "make deps: installing$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	  || { echo "make deps: apt-get failed for:$$missing" >&2; exit 1; }

$(B)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Data files compiled in (src/data.h); registered by hand so that the
# object is pulled from the static library by slt_data_get().
$(B)/gen/resources.c: $(RES_DEPS)
	@mkdir -p $(@D)
	glib-compile-resources --sourcedir=data --generate-source --manual-register \
	  --c-name slt_res --target=$@ $(RES_XML)

$(B)/obj/resources.o: $(B)/gen/resources.c
	@mkdir -p $(@D)
	$(CC) $(filter-out -Werror,$(ALL_CFLAGS)) -c -o $@ $<

$(B)/daemon/%.o: daemon/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/sltd: $(B)/daemon/sltd.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(MALLOC_LIBS) $(LIBS)

$(B)/sltctl: $(SLTCTL_SRC:daemon/%.c=$(B)/daemon/%.o) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/sltweb: $(SLTWEB_SRC:daemon/%.c=$(B)/daemon/%.o) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/tests/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/tests/test-%: $(B)/tests/test-%.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# `make check`: unit tests, then integration tests against real servers.
check: deps
	@$(MAKE) --no-print-directory programs
	@SLT_BUILD=$(B) SANITIZE=$(SANITIZE) tests/run.sh

unit: programs
	@SLT_BUILD=$(B) tests/run.sh --unit

integration: programs
	@SLT_BUILD=$(B) tests/run.sh --integration

# `make valgrind`: every unit and integration test under memcheck (slow).
valgrind: deps
	@tests/valgrind.sh

bench: deps
	@$(MAKE) --no-print-directory programs
	@SLT_BUILD=$(B) tests/bench/run.sh

demo: deps
	@$(MAKE) --no-print-directory programs
	@SLT_BUILD=$(B) tests/demo.sh

# `make install` (PREFIX, DESTDIR): programs, the unit (its paths follow
# SBINDIR and SYSCONFDIR), templates, data files, man pages, and the
# example configs in $(DATADIR)/examples (copy them to $(SYSCONFDIR)/sltd/).
# The programs have DATADIR compiled in: a PREFIX other than the build's
# rebuilds the two objects that use it (datadir.stamp).
install: $(PROGS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/templates \
	  $(DESTDIR)$(DATADIR)/examples $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(B)/sltd $(DESTDIR)$(SBINDIR)/sltd
	install -m 0755 $(B)/sltctl $(DESTDIR)$(BINDIR)/sltctl
	install -m 0755 $(B)/sltweb $(DESTDIR)$(SBINDIR)/sltweb
	cp -R templates/. $(DESTDIR)$(DATADIR)/templates/
	install -m 0644 data/gemeenten.tsv data/model.tsv data/lexicon.txt $(DESTDIR)$(DATADIR)/
	install -m 0644 config/sltd.conf.example config/packages.conf.example $(DESTDIR)$(DATADIR)/examples/
	sed -e 's|/usr/local/sbin/|$(SBINDIR)/|g' -e 's|/etc/sltd/|$(SYSCONFDIR)/sltd/|g' \
	  systemd/sltd.service >$(DESTDIR)$(UNITDIR)/sltd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/sltd.service
	install -m 0644 man/sltctl.1 $(DESTDIR)$(MANDIR)/man1/sltctl.1
	install -m 0644 man/sltd.conf.5 $(DESTDIR)$(MANDIR)/man5/sltd.conf.5
	install -m 0644 man/sltd.8 $(DESTDIR)$(MANDIR)/man8/sltd.8
	install -D -m 0644 config/sltctl.bash-completion $(DESTDIR)$(PREFIX)/share/bash-completion/completions/sltctl

# The objects that compile DATADIR in follow it; the stamp only changes
# (and so only rebuilds them) when DATADIR does.
$(B)/obj/config.o $(B)/obj/respond.o: $(B)/datadir.stamp
$(B)/datadir.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@
FORCE:

# `make fuzz`: every tests/fuzz/fuzz-NAME.c is a libFuzzer target, linked
# against all of src/ built with clang, ASan and UBSan into build-fuzz/.
# Each runs FUZZ_SECONDS with the seeds in tests/fuzz/corpus-NAME/, the
# directories listed in tests/fuzz/NAME.seeds, tests/fuzz/NAME.dict and the
# libFuzzer flags in tests/fuzz/NAME.options (each if present); new inputs
# go to build/fuzz/corpus-NAME/. FUZZ=NAME runs only that target.
FUZZ_SECONDS ?= 60
FUZZ_CC    ?= clang
FZ         := build-fuzz
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS = $(filter-out -Werror $(SANFLAGS),$(ALL_CFLAGS)) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz-$(or $(FUZZ),*).c))

$(FZ)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FZ)/gen/resources.c: $(RES_DEPS)
	@mkdir -p $(@D)
	glib-compile-resources --sourcedir=data --generate-source --manual-register \
	  --c-name slt_res --target=$@ $(RES_XML)

$(FZ)/libslt.a: $(SRC:src/%.c=$(FZ)/obj/%.o) $(FZ)/obj/resources.o
	@rm -f $@
	ar rcs $@ $^

$(FZ)/obj/resources.o: $(FZ)/gen/resources.c
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/fuzz-%: tests/fuzz/fuzz-%.c $(FZ)/libslt.a
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FZ)/libslt.a $(LIBS)

fuzz: $(FUZZ_BINS)
	@set -e; for bin in $(FUZZ_BINS); do \
	  name=$${bin##*/fuzz-}; mkdir -p build/fuzz/corpus-$$name; \
	  dict=; [ -f tests/fuzz/$$name.dict ] && dict=-dict=tests/fuzz/$$name.dict; \
	  opts=; [ -f tests/fuzz/$$name.options ] && opts=$$(cat tests/fuzz/$$name.options); \
	  seeds=; [ -f tests/fuzz/$$name.seeds ] && for d in $$(grep -v '^#' tests/fuzz/$$name.seeds); do \
	    if [ -d "$$d" ]; then seeds="$$seeds $$d"; fi; done; \
	  echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
	  $$bin -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $$dict $$opts \
	    -artifact_prefix=build/fuzz/crash-$$name- \
	    build/fuzz/corpus-$$name tests/fuzz/corpus-$$name $$seeds; \
	done

# `make model`: rebuild the classifier model (data/model.tsv, built into the
# programs) from the training sets: data/train without the files in its
# heldout.txt, and the sample corpus. Run it after changing either, or the
# text preparation; tests/t0400 fails while the committed file is stale.
model: $(B)/sltctl
	$(B)/sltctl train -o data/model.tsv data/train tests/corpus

clean:
	rm -rf build build-san build-fuzz

-include $(OBJ:.o=.d) $(wildcard $(B)/daemon/*.d) $(wildcard $(B)/tests/*.d) $(wildcard $(FZ)/obj/*.d)
