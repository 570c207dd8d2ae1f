/*
 * sim/cli/cli_sweep.h -- what the parts of `shsim sweep` share (sim/cli/
 * internal; the command is cli_sweep() in cli.h):
 *
 *   cli_sweep.c          the command: options, progress line, signals, the run
 *   cli_sweep_keys.c     the key table (axes and settings), presets, usage
 *   cli_sweep_config.c   the layers of values: config files and presets (libinih)
 *   cli_sweep_grid.c     axis values into a grid of run_specs
 *
 * Values come in layers (sweep_layers), each overriding the one before: the
 * defaults, a --preset, a --config file, then the command line; every
 * value remembers where it came from, for the error messages.
 */
#ifndef SHSIM_SIM_CLI_CLI_SWEEP_H
#define SHSIM_SIM_CLI_CLI_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "sim/cli/cli.h"
#include "sim/sweep/sweep.h"

/* The default workload of `shsim sweep` and of the standard figures
 * (`make figures`), with the r_max, horizon (seconds) and target error that
 * suit it: the LeNet model fitted to the recorded d2l runs (docs/model.md),
 * unbounded, 10 epochs of V100 seconds.  The target, 0.14, is about the best
 * of the 99 recorded trials (0.142); every run of the figures grid reaches
 * it within one simulated hour, even on one worker.  To change the
 * workload, change this block together (e.g. "synthetic:lognormal:1:0.5"
 * with r_max "10", horizon "150" and target "0.15"). */
#define SWEEP_WORKLOAD "lenet-model"
#define SWEEP_R_MAX "auto"
#define SWEEP_HORIZON "3600"
#define SWEEP_TARGET "0.14"

#define SWEEP_SCHEDULERS "sh:strict,sh:fill,asha:promotion,asha:stopping"

/* Keys: the axes first (in grid order, seeds last), then plain settings.
 * A straggler option of `run` (--noise, --worker-speed, --drop; docs/stragglers.md)
 * becomes an axis by one entry in this enum and one line in the table of
 * cli_sweep_keys.c, before "workers", once cli_spec_option() applies it. */
typedef struct {
    const char *name;  /* long option and INI key */
    const char *alias; /* its singular (the `run` spelling), or NULL */
    int opt;           /* cli_spec_option() code; 0: handled here */
    int ranges;        /* numeric: A..B ranges allowed */
    const char *def;   /* default; NULL: the run_spec default */
} key_def;

enum { K_WORKLOADS, K_ORDER, K_SCHEDULERS, K_RESUME, K_ETA, K_RMIN, K_RMAX, K_TRIALS, K_HORIZON,
       K_TARGET, K_NOISE, K_SPEED, K_SLOW, K_DROP, K_DROP_RATE, K_ON_DROP, K_WORKERS, K_SEEDS, K_OUT, K_JOBS,
       K_CURVE, K_MAX_EVENTS, NKEYS };
#define NCELL_AXES K_SEEDS /* the axes that make cells */

extern const key_def cli_sweep_keys[NKEYS];

/* Presets: a config file built in; help: their lines under "Presets:" in
 * the usage (what they hold, and how to draw them). */
typedef struct {
    const char *name, *help, *ini;
} cli_sweep_preset;
extern const cli_sweep_preset cli_sweep_presets[];
extern const size_t cli_sweep_npresets;

/* The usage of `shsim sweep`, on stdout. */
void cli_sweep_usage(void);

typedef struct {
    const char *val[NKEYS];
    char where[NKEYS][320]; /* "--workers", "FILE:LINE", "preset NAME", "default" */
    char *owned[NKEYS];     /* strings this layer copied (config files) */
} sweep_layers;

/* Set key k of layer L to v (owned: freed with the layer, or NULL), noting
 * where it came from. */
void cli_sweep_layer_set(sweep_layers *L, int k, const char *v, char *owned, const char *where);
/* The key a long option or INI name names ('_' read as '-'), or -1. */
int cli_sweep_key_by_name(const char *name);
/* Print where a value that is not from the command line came from. */
void cli_sweep_note_where(const sweep_layers *L, int k);
/* Layer a config file / a preset onto L: 0, or -1 after printing why. */
int cli_sweep_read_config(sweep_layers *L, const char *file);
int cli_sweep_read_preset(sweep_layers *L, const char *name);

/* The grid: the values of every cell axis. */
typedef struct {
    sweep_strv vals[NCELL_AXES]; /* n == 0: the axis is unset (run_spec default) */
    size_t ncells;
    uint64_t max_events; /* every run's cap */
} sweep_grid;

/* Split and check every axis of L; fill g and the seeds.  0 or -1 after
 * printing why. */
int cli_sweep_build_grid(const sweep_layers *L, sweep_grid *g, uint64_t **seeds, size_t *nseeds);
/* Cell c's spec (sweep_plan.cell; ctx is the sweep_grid). */
void cli_sweep_cell(void *ctx, size_t c, run_spec *rs);

#endif
