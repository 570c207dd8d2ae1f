# shsim: one non-recursive Makefile.
#   make                 build ./shsim
#   make test            build and run the cmocka tests
#   make SANITIZE=address,undefined test
#   make check           tests under ASan/UBSan, with clang, the lab, then under valgrind
#   make bench           speed benchmark (never part of the tests)
#   make figures         the standard figures (plots/)
#   make lab             run the course lab (docs/lab/) and check its numbers
#   make lab-figures     redraw the lab's figures (docs/lab/figures/)
#   make install PREFIX=/usr/local DESTDIR=
#   make web             the browser page, build/web/shsim.html (emscripten)
#   make web-test        the page in headless Chromium against ./shsim
# Knobs: CC, CFLAGS (kept), SANITIZE, V=1, PREFIX, DESTDIR, BUILD.

CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
VERSION := 0.1.0

ifeq ($(SANITIZE),)
  BDIR := $(BUILD)/rel
else
  BDIR := $(BUILD)/san
  SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

ifeq ($(V),1)
  Q :=
else
  Q := @
endif

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wundef -Wwrite-strings \
        -Wstrict-prototypes -Wmissing-prototypes -Wdouble-promotion -Wformat=2 -Werror
PKGS := gsl cmocka inih
CFLAGS ?= -O2 -g
# libcsv ships no pkg-config file (not in Debian's libcsv-dev, not in
# Homebrew's libcsv): use one if some system has it, else Homebrew's prefix
# when `brew --prefix libcsv` holds csv.h (Homebrew's prefix is not on the
# compiler's default paths), else the compiler's default paths.  Set
# CSV_CFLAGS and CSV_LIBS to override.
ifeq ($(shell pkg-config --exists libcsv 2>/dev/null && echo y),y)
  CSV_CFLAGS ?= $(shell pkg-config --cflags libcsv)
  CSV_LIBS ?= $(shell pkg-config --libs libcsv)
else
  CSV_PREFIX := $(shell brew --prefix libcsv 2>/dev/null)
  ifneq ($(wildcard $(CSV_PREFIX)/include/csv.h),)
    CSV_CFLAGS ?= -I$(CSV_PREFIX)/include
    CSV_LIBS ?= -L$(CSV_PREFIX)/lib -lcsv
  endif
endif
CSV_LIBS ?= -lcsv
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(SANFLAGS) -I. \
              -DSHSIM_VERSION='"$(VERSION)"' -DSHSIM_PLOTDIR='"$(abspath plots)"' \
              $(shell pkg-config --cflags gsl inih) $(CSV_CFLAGS) $(CFLAGS)
LIBS := $(shell pkg-config --libs gsl inih) $(CSV_LIBS) -lm -lpthread
TESTLIBS := $(shell pkg-config --libs cmocka)
LDFLAGS ?=
ALL_LDFLAGS := $(SANFLAGS) $(LDFLAGS)

LIB_SRC  := $(wildcard core/*.c) $(wildcard traces/*.c) $(wildcard sim/*.c) $(filter-out sim/cli/main.c,$(wildcard sim/cli/*.c)) $(wildcard sim/sweep/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BDIR)/%.o)
# The recorded tables of traces/data/ compiled in (traces/embedded.h).
EMBED_CSV := $(sort $(wildcard traces/data/*.csv))
# ... and the fitted LeNet model's parameters (traces/model.h; `make fit`).
EMBED_CSV += traces/data/lenet_model.params
GEN_SRC  := $(BDIR)/gen/embedded_data.c
GEN_OBJ  := $(BDIR)/gen/embedded_data.o
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BDIR)/tests/%)
TEST_HELPERS := $(filter-out $(TEST_SRC),$(wildcard tests/*.c))
TEST_HELPER_OBJ := $(TEST_HELPERS:%.c=$(BDIR)/%.o)

.PHONY: all test check bench figures figures-asha-paper figures-hyperband fuzz clean install data fit web web-test web-figure lab lab-figures
.SECONDARY:
all: shsim

shsim: $(BDIR)/shsim
	$(Q)cp $< $@

$(BDIR)/shsim: $(BDIR)/sim/cli/main.o $(BDIR)/libshsim.a
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BDIR)/libshsim.a: $(LIB_OBJ) $(GEN_OBJ)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(BDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(GEN_SRC): $(EMBED_CSV) tools/embed.sh
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)sh tools/embed.sh $(EMBED_CSV) > $@.tmp && mv $@.tmp $@

$(GEN_OBJ): $(GEN_SRC)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# Refit the LeNet model to traces/data/ (seconds: lenet_rs.csv, the V100;
# curves: lenet_rs.csv, lenet_cpu31.csv, lenet_cpu_tail.csv): rewrites
# traces/data/lenet_model.params and docs/figures/model/ (docs/model.md's
# validation tables are what it prints).
fit: $(BDIR)/shsim
	$(BDIR)/shsim fit --out traces/data/lenet_model.params --plot docs/figures/model

# The standard figures (README, "Standard figures"): the figures sweep
# (shsim sweep --preset figures, data kept in $(BUILD)/figures-sweep), four
# plots of it in PNG and SVG, the two book figures and the README's `shsim
# compare` example ($(FIGDIR)/compare), into $(FIGDIR); then
# the ASHA paper's straggler experiment (figures-asha-paper) into
# $(FIGDIR)/asha-paper.
FIGDIR ?= docs/figures
FIGURE_PLOTS := idle_vs_workers best_vs_time ttt_vs_workers ttt_heatmap
figures: $(BDIR)/shsim
	$(BDIR)/shsim sweep --preset figures --out $(BUILD)/figures-sweep
	@mkdir -p $(FIGDIR)
	$(Q)for p in $(FIGURE_PLOTS); do for f in png svg; do \
	  echo "  PLOT    $(FIGDIR)/$$p.$$f"; \
	  gnuplot -e "dir='$(BUILD)/figures-sweep'; fmt='$$f'; out='$(FIGDIR)/$$p.$$f.tmp'" plots/$$p.gp \
	    && mv $(FIGDIR)/$$p.$$f.tmp $(FIGDIR)/$$p.$$f || { rm -f $(FIGDIR)/$$p.$$f.tmp; exit 1; }; \
	done; done
	$(BDIR)/shsim figure all --quiet --out $(FIGDIR)
	$(BDIR)/shsim compare --workload synthetic:constant:6 --workers 4 --eta 2 --r-max 4 \
	    --horizon 72 --slow-workers 1:3 --target 0.174 --quiet --out $(FIGDIR)/compare
	$(MAKE) figures-asha-paper
	$(MAKE) figures-hyperband

# SH, synchronous Hyperband, ASHA and asynchronous Hyperband on lenet-model
# (sweep --preset hyperband): time to target vs workers, its sweep_agg.csv and
# the plot in PNG and SVG into $(FIGDIR)/hyperband/.
figures-hyperband: $(BDIR)/shsim
	$(BDIR)/shsim sweep --preset hyperband --quiet --out $(BUILD)/hyperband-sweep
	@mkdir -p $(FIGDIR)/hyperband
	cp $(BUILD)/hyperband-sweep/sweep_agg.csv $(FIGDIR)/hyperband/sweep_agg.csv
	$(Q)for f in png svg; do o=$(FIGDIR)/hyperband/hyperband_ttt.$$f; \
	  echo "  PLOT    $$o"; \
	  gnuplot -e "dir='$(BUILD)/hyperband-sweep'; fmt='$$f'; out='$$o.tmp'" plots/hyperband_ttt.gp \
	    && mv $$o.tmp $$o || { rm -f $$o.tmp; exit 1; }; \
	done

# The ASHA paper's Figures 8 and 7 (sweep --preset asha-paper and
# asha-paper-fig7): each grid's sweep_agg.csv into $(FIGDIR)/asha-paper/figN/
# and its plot beside them, asha_paper_figN.png.
figures-asha-paper: $(BDIR)/shsim
	$(Q)for n in 8 7; do \
	  if [ $$n = 8 ]; then p=asha-paper; else p=asha-paper-fig7; fi; \
	  $(BDIR)/shsim sweep --preset $$p --quiet --out $(BUILD)/asha-paper-fig$$n || exit 1; \
	  mkdir -p $(FIGDIR)/asha-paper/fig$$n || exit 1; \
	  cp $(BUILD)/asha-paper-fig$$n/sweep_agg.csv $(FIGDIR)/asha-paper/fig$$n/sweep_agg.csv || exit 1; \
	  echo "  PLOT    $(FIGDIR)/asha-paper/asha_paper_fig$$n.png"; \
	  o=$(FIGDIR)/asha-paper/asha_paper_fig$$n.png; \
	  gnuplot -e "dir='$(FIGDIR)/asha-paper/fig$$n'; fig=$$n; out='$$o.tmp'" plots/asha_paper.gp \
	    && mv $$o.tmp $$o || { rm -f $$o.tmp; exit 1; }; \
	done

# The course lab (docs/lab/): run every command of the handout and check
# every number and output the handout and key quote (tools/lab_check.sh),
# after checking that the checker catches doctored copies of a miniature lab.
# Needs gnuplot; about a second.
LAB_MD := docs/lab/handout.md docs/lab/key.md
lab: $(BDIR)/shsim
	$(Q)SHSIM=$(BDIR)/shsim sh tests/lab_check_test.sh
	$(Q)SHSIM=$(BDIR)/shsim sh tools/lab_check.sh $(LAB_MD)

# The lab's projectable figures, PNG and SVG, from a checked run of the lab.
LABFIGDIR ?= docs/lab/figures
lab-figures: $(BDIR)/shsim
	$(Q)rm -rf $(BUILD)/lab
	$(Q)SHSIM=$(BDIR)/shsim sh tools/lab_check.sh --keep $(BUILD)/lab $(LAB_MD)
	$(Q)sh tools/lab_figures.sh $(BUILD)/lab $(LABFIGDIR)

# Speed (docs/speed.md): a benchmark, never part of the tests.
bench: $(BDIR)/shsim
	$(BDIR)/shsim bench

# Regenerate traces/data/ from the recorded runs (maintainers only; nothing
# else reads SHARED).  See traces/README.md.
SHARED ?= ../shared
data:
	sh tools/lenet_tables.sh $(SHARED) traces/data

$(BDIR)/tests/%: $(BDIR)/tests/%.o $(TEST_HELPER_OBJ) $(BDIR)/libshsim.a
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TESTLIBS) $(LIBS)

# The page's C face, tested natively (tests/test_web.c) like the rest.
$(BDIR)/tests/test_web: $(BDIR)/tests/test_web.o $(BDIR)/web/shsim_web.o $(TEST_HELPER_OBJ) $(BDIR)/libshsim.a
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TESTLIBS) $(LIBS)

# Tests run from the repository root; each binary prints cmocka's summary.
test: $(TEST_BIN) $(BDIR)/shsim
	$(Q)fail=0; for t in $(TEST_BIN); do \
	  SHSIM=$(BDIR)/shsim $$t || fail=1; done; \
	SHSIM=$(BDIR)/shsim sh tests/e2e.sh || fail=1; \
	SHSIM=$(BDIR)/shsim sh tests/e2e_compare.sh || fail=1; \
	SHSIM=$(BDIR)/shsim sh tests/e2e_asha_paper.sh || fail=1; \
	SHSIM=$(BDIR)/shsim sh tests/e2e_peers.sh || fail=1; \
	SHSIM=$(BDIR)/shsim sh tests/e2e_hostile.sh || fail=1; \
	sh tests/e2e_docs.sh || fail=1; \
	exit $$fail

# the tests under ASan/UBSan (gcc or CC), again built with clang (its own
# warnings; -Werror), the course lab (make lab, under ASan/UBSan), then the
# cmocka tests under valgrind
check:
	$(MAKE) test SANITIZE=address,undefined
	$(MAKE) test CC=clang BUILD=$(BUILD)/clang
	$(MAKE) lab SANITIZE=address,undefined
	$(MAKE) $(TEST_BIN)
	$(Q)pass=0; fail=0; for t in $(TEST_BIN); do \
	  echo "  VALGRIND $$t"; \
	  if valgrind -q --error-exitcode=9 --leak-check=full $$t >$(BUILD)/valgrind.out 2>$(BUILD)/valgrind.log; \
	  then pass=$$((pass + 1)); else cat $(BUILD)/valgrind.log; tail -5 $(BUILD)/valgrind.out; fail=$$((fail + 1)); fi; done; \
	echo "valgrind: $$pass passed, $$fail failed"; \
	[ $$fail = 0 ]

clean:
	rm -rf $(BUILD) shsim

install: shsim
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/shsim/plots
	install -m 755 shsim $(DESTDIR)$(PREFIX)/bin/shsim
	install -m 644 plots/*.gp $(DESTDIR)$(PREFIX)/share/shsim/plots/

-include $(LIB_OBJ:.o=.d) $(GEN_OBJ:.o=.d) $(BDIR)/sim/cli/main.d $(TEST_SRC:%.c=$(BDIR)/%.d) $(TEST_HELPERS:%.c=$(BDIR)/%.d) $(BDIR)/web/shsim_web.d

# Fuzzing (clang's libFuzzer): `make fuzz FUZZ_TIME=60` runs each harness for
# FUZZ_TIME seconds on a copy of its corpus (tests/fuzz/corpus/NAME); crashes
# land in tests/fuzz/crashes/ -- move each into tests/fuzz/regress/NAME/,
# where tests/test_fuzz_regress.c replays it on every `make test`.
FUZZ_TIME ?= 30
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. \
               -fsanitize=fuzzer,address,undefined -DSHSIM_VERSION='"$(VERSION)"' \
               -DSHSIM_PLOTDIR='"$(abspath plots)"' $(shell pkg-config --cflags gsl inih) $(CSV_CFLAGS)
FUZZ_LIB_SRC = $(wildcard core/*.c) $(wildcard traces/*.c) $(wildcard sim/*.c) $(filter-out sim/cli/main.c,$(wildcard sim/cli/*.c)) $(wildcard sim/sweep/*.c) $(GEN_SRC)
fuzz: $(GEN_SRC)
	@mkdir -p $(BUILD)/fuzz tests/fuzz/crashes
	$(Q)for h in table options sweep_config synetune merge; do \
	  echo "  FUZZ    $$h ($(FUZZ_TIME) s)"; \
	  clang $(FUZZ_CFLAGS) -o $(BUILD)/fuzz/fuzz_$$h tests/fuzz/fuzz_$$h.c $(FUZZ_LIB_SRC) $(LIBS) || exit 1; \
	  rm -rf $(BUILD)/fuzz/corpus_$$h && cp -r tests/fuzz/corpus/$$h $(BUILD)/fuzz/corpus_$$h; \
	  $(BUILD)/fuzz/fuzz_$$h -max_total_time=$(FUZZ_TIME) -max_len=4096 -print_final_stats=1 -close_fd_mask=3 \
	    -artifact_prefix=tests/fuzz/crashes/$$h- $(BUILD)/fuzz/corpus_$$h 2>$(BUILD)/fuzz/$$h.log \
	    || { tail -40 $(BUILD)/fuzz/$$h.log; exit 1; }; \
	  grep -E "stat::number_of_executed_units|stat::peak_rss" $(BUILD)/fuzz/$$h.log; \
	done

# The browser page (docs/web.md): the run path -- core/, the
# engine, the workloads with their embedded tables, `run`'s option parser --
# compiled to WebAssembly by Debian's emscripten into one self-contained
# HTML file (the wasm and the page's JS inlined: it opens from file://).
# The run path needs no GSL (traces/crn.h); libcsv and inih, which Debian
# ships only as native libraries, are compiled from the copies in
# web/third_party/.  Debian's emcc 3.1.6 runs its JS tools with node and
# finds node-acorn through NODE_PATH; its HTML minifier step fails, so it
# is off (MINIFY_HTML=0).
EMCC ?= emcc
WEB_DIR := $(BUILD)/web
# traces/ files that include GSL (the model fit, its statistics, crn.c's
# gsl_rng type) stay out: the run path never calls them, and a call from
# live code would fail the link.
WEB_TRACES := $(filter-out traces/crn.c,$(shell grep -L '<gsl/' traces/*.c))
WEB_SRC := $(wildcard core/*.c) $(WEB_TRACES) \
           sim/engine.c sim/observe_record.c sim/observe_narrate.c sim/evq.c sim/straggler.c \
           sim/run_spec.c sim/summary.c sim/output.c sim/invariants.c \
           sim/gantt_text.c sim/cli/cli_run.c sim/cli/cli_common.c sim/cli/cli_help.c sim/cli/cli_schedulers.c \
           web/shsim_web.c
WEB_LIB_SRC := web/third_party/libcsv/libcsv.c web/third_party/inih/ini.c
WEB_PAGE := web/shell.html web/charts.js web/page.js
WEB_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -I. -Iweb/third_party/libcsv -Iweb/third_party/inih \
              -DSHSIM_VERSION='"$(VERSION)"' -DSHSIM_PLOTDIR='"plots"' -O2
WEB_LDFLAGS := -O2 -sSINGLE_FILE=1 -sALLOW_MEMORY_GROWTH=1 -sENVIRONMENT=web -sMINIFY_HTML=0 \
               -sEXPORTED_FUNCTIONS=_shsim_web_run,_shsim_web_summary_csv,_shsim_web_table,_shsim_web_narration,_shsim_web_catalog,_malloc,_free \
               -sEXPORTED_RUNTIME_METHODS=UTF8ToString,stringToUTF8,lengthBytesUTF8 \
               --shell-file web/shell.html --post-js web/charts.js --post-js web/page.js
web: $(WEB_DIR)/shsim.html

$(WEB_DIR)/gen/embedded_data.c: $(EMBED_CSV) tools/embed.sh
	@mkdir -p $(dir $@)
	$(Q)sh tools/embed.sh $(EMBED_CSV) > $@.tmp && mv $@.tmp $@

# Third-party C is compiled as its authors wrote it, without our -Werror set.
$(WEB_DIR)/shsim.html: $(WEB_SRC) $(WEB_LIB_SRC) $(WEB_PAGE) $(WEB_DIR)/gen/embedded_data.c $(wildcard */*.h */*/*.h)
	@mkdir -p $(WEB_DIR)/obj
	@echo "  EMCC    $@"
	$(Q)export NODE_PATH=$${NODE_PATH:-/usr/share/nodejs}; \
	for f in $(WEB_LIB_SRC); do \
	  $(EMCC) -O2 -Iweb/third_party/libcsv -Iweb/third_party/inih -c $$f -o $(WEB_DIR)/obj/$$(basename $$f .c).o || exit 1; \
	done; \
	$(EMCC) $(WEB_CFLAGS) $(WEB_SRC) $(WEB_DIR)/gen/embedded_data.c \
	  $(addprefix $(WEB_DIR)/obj/,$(notdir $(WEB_LIB_SRC:.c=.o))) $(WEB_LDFLAGS) -o $@.tmp.html \
	  && mv $@.tmp.html $@

# The page in a real browser (web/test/web_test.mjs): Debian's chromium
# driven by playwright-core (web/package-lock.json; npm ci installs it into
# web/node_modules, never a browser of its own).
CHROMIUM ?= /usr/bin/chromium
web-test: $(WEB_DIR)/shsim.html $(BDIR)/shsim
	$(Q)[ -d web/node_modules/playwright-core ] || (cd web && npm ci --no-audit --no-fund)
	SHSIM=$(BDIR)/shsim PAGE=$(WEB_DIR)/shsim.html CHROMIUM=$(CHROMIUM) OUTDIR=$(WEB_DIR)/test \
	  node web/test/web_test.mjs

# The screenshot of the page in the README and docs/web.md (docs/figures/web/shsim.png).
web-figure: $(WEB_DIR)/shsim.html
	$(Q)[ -d web/node_modules/playwright-core ] || (cd web && npm ci --no-audit --no-fund)
	@mkdir -p docs/figures/web
	PAGE=$(WEB_DIR)/shsim.html CHROMIUM=$(CHROMIUM) OUT=docs/figures/web/shsim.png node web/test/screenshot.mjs
