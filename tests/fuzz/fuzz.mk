# SPDX-License-Identifier: Apache-2.0
# libFuzzer builds of the harnesses, driven by tests/fuzz/run.sh (which sets
# every variable below).  The library is compiled again here with clang and
# the sanitizers, whatever compiler the normal build uses, into its own
# directory: nothing in the normal build tree is touched.

FUZZ_CC ?= clang
SRCDIR ?= .
TOP_BUILDDIR ?= $(SRCDIR)
BUILDDIR ?= $(TOP_BUILDDIR)/tests/fuzz/build
LIB_SOURCES ?=
LIBS ?=
EXTRA_CFLAGS ?=
TARGETS ?= json spec state policy seccomp cli

SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
CPPFLAGS_ALL = -include $(TOP_BUILDDIR)/config.h -I$(SRCDIR)/include \
	-I$(TOP_BUILDDIR) -I$(SRCDIR)/runtime/lib \
	-DGR_SRCDIR='"$(SRCDIR)"'
CFLAGS_ALL = -g -O1 -fno-omit-frame-pointer $(SAN) \
	-fsanitize=fuzzer-no-link $(WARN_CFLAGS) $(EXTRA_CFLAGS)

LIB_C = $(filter %.c,$(LIB_SOURCES))
LIB_S = $(filter %.S,$(LIB_SOURCES))
LIB_OBJS = $(LIB_C:%.c=$(BUILDDIR)/obj/%.o) $(LIB_S:%.S=$(BUILDDIR)/obj/%.o)
FUZZERS = $(TARGETS:%=$(BUILDDIR)/fuzz_%)

all: $(FUZZERS)

$(BUILDDIR)/obj/%.o: $(SRCDIR)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC(fuzz) $*.c"
	@$(FUZZ_CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILDDIR)/obj/%.o: $(SRCDIR)/%.S
	@mkdir -p $(dir $@)
	@echo "  AS(fuzz) $*.S"
	@$(FUZZ_CC) -Wa,-I$(SRCDIR)/profiles -c $< -o $@

# .incbin is invisible to -MMD
$(LIB_S:%.S=$(BUILDDIR)/obj/%.o): $(wildcard $(SRCDIR)/profiles/*/*)

$(BUILDDIR)/libguardrun-fuzz.a: $(LIB_OBJS)
	@rm -f $@
	@ar rcs $@ $^

$(BUILDDIR)/fuzz_%: $(BUILDDIR)/obj/tests/fuzz/fuzz_%.o $(BUILDDIR)/libguardrun-fuzz.a
	@echo "  LD(fuzz) fuzz_$*"
	@$(FUZZ_CC) $(SAN) -fsanitize=fuzzer $^ $(LIBS) -o $@

-include $(LIB_OBJS:.o=.d) $(FUZZERS:$(BUILDDIR)/fuzz_%=$(BUILDDIR)/obj/tests/fuzz/fuzz_%.d)

.PHONY: all
.SECONDARY:
