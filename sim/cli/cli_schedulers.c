/*
 * sim/cli/cli_schedulers.c -- a scheduler variant as text, NAME[:VARIANT[:RULE]]
 * (sh:strict, sh:fill, asha:promotion, asha:stopping:rank, random): the
 * values of sweep's --schedulers axis and of compare's --schedulers list,
 * parsed onto a run_spec and named back.
 */
#include "sim/cli/cli.h"

#include <stdio.h>
#include <string.h>

int cli_scheduler_variant(const char *v, run_spec *rs, int *rule_given)
{
    char buf[128], *part[3] = { NULL, NULL, NULL };
    if (strlen(v) >= sizeof buf) {
        cli_error("--schedulers '%s': too long", v);
        return -1;
    }
    snprintf(buf, sizeof buf, "%s", v);
    int np = 0;
    for (char *p = buf, *colon; np < 3; p = colon + 1) {
        part[np++] = p;
        if (!(colon = strchr(p, ':')))
            break;
        *colon = '\0';
    }
    if (np == 3 && strchr(part[2], ':')) {
        cli_error("--schedulers '%s': expected NAME[:VARIANT[:RULE]]", v);
        return -1;
    }
    static const char *const names[] = { "sh", "asha", "random", NULL };
    static const char *const rules[] = { "topk", "quantile", "rank", "ray", NULL };
    int which = -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(part[0], names[i]) == 0)
            which = i;
    static const char *const variants[2][3] = { { "strict", "fill", NULL },
                                                { "promotion", "stopping", NULL } };
    if (which < 0) {
        cli_error("--schedulers '%s': unknown scheduler '%s'; choose sh, asha or random", v,
                  part[0]);
        return -1;
    }
    if (which == 2 && np > 1) {
        cli_error("--schedulers '%s': random takes no variant", v);
        return -1;
    }
    if (which == 0 && np > 2) {
        cli_error("--schedulers '%s': sh takes no rule (sh:strict or sh:fill)", v);
        return -1;
    }
    int vi = 0;
    if (np > 1) {
        vi = -1;
        for (int i = 0; variants[which][i]; i++)
            if (strcmp(part[1], variants[which][i]) == 0)
                vi = i;
        if (vi < 0) {
            cli_error("--schedulers '%s': %s takes %s or %s", v, names[which],
                      variants[which][0], variants[which][1]);
            return -1;
        }
    }
    int ri = -1;
    if (np > 2) {
        for (int i = 0; rules[i]; i++)
            if (strcmp(part[2], rules[i]) == 0)
                ri = i;
        if (ri < 0) {
            cli_error("--schedulers '%s': unknown rule '%s'; choose topk, quantile, rank or ray", v,
                      part[2]);
            return -1;
        }
    }
    if (which == 1 && vi == SCHED_ASHA_PROMOTION && ri == SCHED_RULE_RAY) {
        cli_error("--schedulers '%s': rule ray is a stopping rule (Ray Tune's ASHA has no promotion "
                  "type); use asha:stopping:ray", v);
        return -1;
    }
    rs->type = sched_type_by_name(names[which]);
    if (which == 0)
        rs->sp.barrier = (sched_barrier)vi;
    if (which == 1)
        rs->sp.type = (sched_asha_type)vi;
    if (ri >= 0) {
        rs->sp.rule = (sched_rule)ri;
        *rule_given = 1;
    }
    return 0;
}

void cli_scheduler_label(const run_spec *rs, int rule_given, char *buf, size_t n)
{
    const char *name = sched_type_name(rs->type);
    if (rs->type == sched_sh)
        snprintf(buf, n, "%s:%s", name,
                 rs->sp.barrier == SCHED_BARRIER_STRICT ? "strict" : "fill");
    else if (rs->type == sched_asha && rule_given)
        snprintf(buf, n, "%s:%s:%s", name,
                 rs->sp.type == SCHED_ASHA_PROMOTION ? "promotion" : "stopping",
                 sched_rule_name(rs->sp.rule));
    else if (rs->type == sched_asha)
        snprintf(buf, n, "%s:%s", name,
                 rs->sp.type == SCHED_ASHA_PROMOTION ? "promotion" : "stopping");
    else
        snprintf(buf, n, "%s", name);
}
