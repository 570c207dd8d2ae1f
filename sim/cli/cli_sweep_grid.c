/*
 * sim/cli/cli_sweep_grid.c -- the grid of `shsim sweep`: every axis split and
 * checked once, then cell c's run_spec made from its values on demand (the
 * product of the axes in the order of the key table, the last one varying
 * fastest).  See cli_sweep.h.
 */
#include "sim/cli/cli_sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Apply value v of axis k: 0, or -1 after printing why. */
static int apply_axis(int k, const char *v, run_spec *rs, int *rule_given)
{
    if (k == K_SCHEDULERS)
        return cli_scheduler_variant(v, rs, rule_given);
    if (k == K_RMAX && strcmp(v, "auto") == 0)
        return 0;
    if (k == K_WORKLOADS && strpbrk(v, "\n\r")) {
        cli_error("--workloads: a workload spec cannot hold a line break");
        return -1;
    }
    if (k == K_RESUME) { /* run's --resume: name the sweep's option */
        static const char *const modes[] = { "checkpoint", "restart", NULL };
        int i = cli_choice("--resume-modes", v, modes);
        if (i >= 0)
            rs->ep.restart = i;
        return i < 0 ? -1 : 0;
    }
    return cli_spec_option(cli_sweep_keys[k].opt, v, rs, rule_given) < 0 ? -1 : 0;
}

void cli_sweep_cell(void *ctx, size_t c, run_spec *rs)
{
    const sweep_grid *g = ctx;
    size_t idx[NCELL_AXES];
    for (int k = NCELL_AXES - 1; k >= 0; k--) {
        size_t n = g->vals[k].n ? g->vals[k].n : 1;
        idx[k] = c % n;
        c /= n;
    }
    *rs = run_spec_default();
    int rule_given = 0;
    for (int k = 0; k < NCELL_AXES; k++)
        if (g->vals[k].n)
            (void)apply_axis(k, g->vals[k].v[idx[k]], rs, &rule_given);
    cli_spec_finish(rs, rule_given);
    rs->ep.max_events = g->max_events;
}

/* Does a (checked) numeric axis hold a value other than 0? */
static int any_nonzero(const sweep_strv *v)
{
    for (size_t i = 0; i < v->n; i++)
        if (strtod(v->v[i], NULL) != 0)
            return 1;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* cli.h (shared with compare's --seeds) */
int cli_seed_twice(const uint64_t *seeds, size_t n, uint64_t *which)
{
    uint64_t *s = malloc((n + 1) * sizeof *s);
    int found = 0;
    if (!s)
        return 0;
    memcpy(s, seeds, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_u64);
    for (size_t i = 1; i < n && !found; i++)
        if (s[i] == s[i - 1]) {
            *which = s[i];
            found = 1;
        }
    free(s);
    return found;
}

/* Split and check every axis; fill g and the seeds.  0 or -1. */
int cli_sweep_build_grid(const sweep_layers *L, sweep_grid *g, uint64_t **seeds, size_t *nseeds)
{
    char err[4200];
    run_spec *rs = malloc(sizeof *rs);
    if (!rs) {
        cli_error("out of memory");
        return -1;
    }
    g->ncells = 1;
    int rc = 0;
    uint64_t twice = 0;
    sweep_strv sv = { 0 };
    for (int k = 0; k <= K_SEEDS && rc == 0; k++) {
        if (!L->val[k])
            continue;
        sweep_strv *dst = k < NCELL_AXES ? &g->vals[k] : &sv;
        if (sweep_list(L->val[k], cli_sweep_keys[k].ranges, dst, err, sizeof err) < 0) {
            cli_error("--%s %s", cli_sweep_keys[k].name, err);
            cli_sweep_note_where(L, k);
            rc = -1;
            break;
        }
        for (size_t i = 0; i < dst->n; i++) {
            *rs = run_spec_default();
            int rule_given = 0;
            if (apply_axis(k, dst->v[i], rs, &rule_given) < 0) {
                cli_sweep_note_where(L, k);
                rc = -1;
                break;
            }
        }
        if (rc == 0 && k < NCELL_AXES) {
            if (g->ncells > ((size_t)1 << 40) / dst->n) {
                cli_error("sweep: the grid has too many cells");
                rc = -1;
            }
            g->ncells *= dst->n;
        }
    }
    if (rc == 0 && any_nonzero(&g->vals[K_DROP]) && any_nonzero(&g->vals[K_DROP_RATE])) {
        /* a cell would hold both laws of loss, which a run refuses */
        cli_error("--drop and --drop-rate: give nonzero values to one of them only (per job "
                  "or per unit of time)");
        cli_sweep_note_where(L, K_DROP);
        cli_sweep_note_where(L, K_DROP_RATE);
        rc = -1;
    }
    if (rc == 0) {
        *nseeds = sv.n;
        *seeds = malloc((sv.n + 1) * sizeof **seeds);
        if (!*seeds) {
            cli_error("out of memory");
            rc = -1;
        }
        for (size_t i = 0; rc == 0 && i < sv.n; i++)
            (void)cli_u64("--seeds", sv.v[i], &(*seeds)[i]);
        if (rc == 0 && (g->ncells > ((size_t)1 << 40) / (sv.n ? sv.n : 1) || !sv.n)) {
            cli_error("sweep: %s", sv.n ? "too many runs" : "no seeds");
            rc = -1;
        }
        if (rc == 0 && cli_seed_twice(*seeds, sv.n, &twice)) {
            /* a cell's runs are (cell, seed) pairs: merge and the journal
             * count on each once */
            cli_error("--seeds: seed %llu is given twice", (unsigned long long)twice);
            cli_sweep_note_where(L, K_SEEDS);
            rc = -1;
        }
    }
    sweep_strv_free(&sv);
    free(rs);
    return rc;
}
