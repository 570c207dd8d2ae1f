/*
 * sim/cli/cli_schedulers.c -- a scheduler variant as text,
 * NAME[:VARIANT[:RULE]][:brackets=K] (sh:strict, sh:fill, asha:promotion,
 * asha:stopping:rank, random, hyperband:fill, async-hyperband:stopping:rank,
 * hyperband:strict:brackets=2): the values of sweep's --schedulers axis and
 * of compare's --schedulers list, parsed onto a run_spec and named back.
 * Names, variants and whether a type takes a rule or brackets all come from
 * core/'s table of types (core/sched.h).
 */
#include "sim/cli/cli.h"
#include "core/base.h"

#include <stdio.h>
#include <string.h>


static size_t count_of(const char *const *names)
{
    size_t k = 0;
    while (names[k])
        k++;
    return k;
}

/* Whether type t refuses variant vi with rule ri (the ray rule is a
 * stopping rule: no promotion counterpart, core/asha.c). */
static int ray_promotion(const sched_type *t, int vi, int ri)
{
    sched_params p = sched_default_params();
    sched_type_set_variant(t, &p, vi);
    return sched_type_takes_rule(t) && ri == SCHED_RULE_RAY && p.asha.type == SCHED_ASHA_PROMOTION &&
           count_of(sched_type_variants(t)) > 0;
}

int cli_scheduler_variant(const char *v, run_spec *rs, int *rule_given)
{
    char buf[128], *part[3] = { NULL, NULL, NULL };
    if (strlen(v) >= sizeof buf) {
        cli_error("--schedulers '%s': too long", v);
        return -1;
    }
    snprintf(buf, sizeof buf, "%s", v);
    /* a trailing ":brackets=K" (the Hyperband types) */
    uint32_t brackets = 0;
    char *bk = strstr(buf, ":brackets=");
    if (bk) {
        *bk = '\0';
        char opt[160];
        snprintf(opt, sizeof opt, "--schedulers '%s': brackets", v);
        if (cli_u32(opt, bk + strlen(":brackets="), 1, SCHED_MAX_LEVELS, &brackets) < 0)
            return -1;
    }
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
    const sched_type *t = sched_type_by_name(part[0]);
    if (!t) {
        const char *names[16];
        size_t k = 0;
        for (; k < sched_ntypes() && k < 16; k++)
            names[k] = sched_type_name(sched_type_at(k));
        char list[256];
        base_join(list, sizeof list, names, k, ", ", " or ");
        cli_error("--schedulers '%s': unknown scheduler '%s'; choose %s", v, part[0], list);
        return -1;
    }
    const char *name = sched_type_name(t);
    const char *const *variants = sched_type_variants(t);
    size_t nv = count_of(variants);
    if (nv == 0 && np > 1) {
        cli_error("--schedulers '%s': %s takes no variant", v, name);
        return -1;
    }
    if (!sched_type_takes_rule(t) && np > 2) {
        cli_error("--schedulers '%s': %s takes no rule (%s:%s or %s:%s)", v, name, name,
                  variants[0], name, variants[1]);
        return -1;
    }
    int vi = 0;
    if (np > 1) {
        vi = -1;
        for (size_t i = 0; i < nv; i++)
            if (strcmp(part[1], variants[i]) == 0)
                vi = (int)i;
        if (vi < 0) {
            char list[128];
            base_join(list, sizeof list, variants, nv, ", ", " or ");
            cli_error("--schedulers '%s': %s takes %s", v, name, list);
            return -1;
        }
    }
    int ri = -1;
    if (np > 2) {
        ri = sched_rule_by_name(part[2]);
        if (ri < 0) {
            char list[128];
            base_join(list, sizeof list, sched_rule_names(), SCHED_NRULES, ", ", " or ");
            cli_error("--schedulers '%s': unknown rule '%s'; choose %s", v, part[2], list);
            return -1;
        }
    }
    if (ray_promotion(t, vi, ri)) {
        cli_error("--schedulers '%s': rule ray is a stopping rule (Ray Tune's ASHA has no promotion "
                  "type); use %s:stopping:ray", v, name);
        return -1;
    }
    if (brackets && !sched_type_takes_brackets(t)) {
        char which[256];
        cli_bracket_types(which, sizeof which);
        cli_error("--schedulers '%s': %s has one bracket; only %s take brackets=K", v, name, which);
        return -1;
    }
    rs->type = t;
    rs->sp.hyperband.brackets = brackets;
    if (nv > 0)
        sched_type_set_variant(t, &rs->sp, vi);
    if (ri >= 0) {
        rs->sp.asha.rule = (sched_rule)ri;
        *rule_given = 1;
    }
    return 0;
}

void cli_scheduler_label(const run_spec *rs, int rule_given, char *buf, size_t n)
{
    const sched_type *t = rs->type;
    const char *const *variants = sched_type_variants(t);
    const char *name = sched_type_name(t);
    size_t len;
    if (!variants[0])
        len = (size_t)snprintf(buf, n, "%s", name);
    else if (sched_type_takes_rule(t) && rule_given)
        len = (size_t)snprintf(buf, n, "%s:%s:%s", name, variants[sched_type_variant(t, &rs->sp)],
                               sched_rule_name(rs->sp.asha.rule));
    else
        len = (size_t)snprintf(buf, n, "%s:%s", name, variants[sched_type_variant(t, &rs->sp)]);
    if (rs->sp.hyperband.brackets && len < n)
        snprintf(buf + len, n - len, ":brackets=%u", rs->sp.hyperband.brackets);
}

int cli_ray_promotion(const run_spec *rs)
{
    return ray_promotion(rs->type, sched_type_variant(rs->type, &rs->sp), (int)rs->sp.asha.rule);
}

int cli_brackets_check(const run_spec *rs)
{
    if (rs->sp.hyperband.brackets == 0)
        return 0;
    if (!sched_type_takes_brackets(rs->type)) {
        char which[256];
        cli_bracket_types(which, sizeof which);
        cli_error("--brackets: scheduler %s has one bracket; only %s take --brackets", sched_type_name(rs->type),
                  which);
        return -1;
    }
    return 0;
}

/* Append to buf (its length *len): what --schedulers takes for t,
 * NAME[:V|W[:RULE]], then [:brackets=K] when `brackets` and t takes them. */
static void type_syntax(const sched_type *t, int brackets, char *buf, size_t n, size_t *len)
{
    const char *const *v = sched_type_variants(t);
    *len += (size_t)snprintf(buf + *len, *len < n ? n - *len : 0, "%s", sched_type_name(t));
    for (size_t k = 0; v[k]; k++)
        *len += (size_t)snprintf(buf + *len, *len < n ? n - *len : 0, "%s%s", k ? "|" : "[:", v[k]);
    *len += (size_t)snprintf(buf + *len, *len < n ? n - *len : 0, "%s%s",
                             v[0] ? (sched_type_takes_rule(t) ? "[:RULE]]" : "]") : "",
                             brackets && sched_type_takes_brackets(t) ? "[:brackets=K]" : "");
}

void cli_scheduler_help(FILE *f)
{
    fputs("\nScheduler types (run: --scheduler NAME --barrier/--type V --rule R\n"
          "--brackets K; sweep and compare: NAME[:V[:R]][:brackets=K]):\n", f);
    for (size_t i = 0; i < sched_ntypes(); i++) {
        const sched_type *t = sched_type_at(i);
        char syntax[256];
        size_t len = 0;
        type_syntax(t, 1, syntax, sizeof syntax, &len);
        fprintf(f, "  %s\n      %s\n", syntax, sched_type_help(t));
    }
}

/* The names of the types pred holds for, joined by base_join() with ", "
 * and `last`;
 * returns how many. */
static size_t types_where(char *buf, size_t n, int (*pred)(const sched_type *), const char *last)
{
    const char *names[16];
    size_t k = 0;
    for (size_t i = 0; i < sched_ntypes() && k < 16; i++)
        if (pred(sched_type_at(i)))
            names[k++] = sched_type_name(sched_type_at(i));
    base_join(buf, n, names, k, ", ", last);
    return k;
}

void cli_scheduler_syntax(char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sched_ntypes(); i++) {
        if (i > 0)
            len += (size_t)snprintf(buf + len, len < n ? n - len : 0, ", ");
        type_syntax(sched_type_at(i), 0, buf, n, &len);
    }
    const char *const *rules = sched_rule_names();
    for (size_t r = 0; rules[r]; r++)
        len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s", r ? "|" : ";\nRULE ", rules[r]);
    len += (size_t)snprintf(buf + len, len < n ? n - len : 0, " (ray: stopping only)");
    char names[256];
    size_t nb = types_where(names, sizeof names, sched_type_takes_brackets, " and ");
    if (nb > 0 && len < n)
        snprintf(buf + len, n - len, ";\n%s also take%s :brackets=K", names, nb > 1 ? "" : "s");
}

/* --barrier sets sh's variant, --type asha's: the types whose variants
 * they name take them (cli_variant_option) */
static int like_sh(const sched_type *t)
{
    const char *name;
    return cli_variant_option(t, &name) == 'b';
}
static int like_asha(const sched_type *t)
{
    const char *name;
    return cli_variant_option(t, &name) == 'y';
}

static const char *const *sh_variants(void) { return sched_type_variants(sched_sh); }
static const char *const *asha_variants(void) { return sched_type_variants(sched_asha); }

/* run's options that apply to some types: their entries, the choices
 * (as cli_spec_option takes them) and the names of the types they apply to
 * made from the table. */
static const struct {
    const char *opt;
    const char *const *(*choices)(void); /* NULL: the argument is `arg` */
    const char *arg;
    int (*applies)(const sched_type *t);
    const char *text;
} type_options[] = {
    { "--brackets", NULL, "B", sched_type_takes_brackets,
      ": brackets s = 0..B-1, bracket s starting at rung s (default: one per level)" },
    { "--barrier", sh_variants, NULL, like_sh,
      ": strict waits for the bracket (d2l Fig. 19.5.1), fill opens new brackets for idle workers "
      "(default strict)" },
    { "--type", asha_variants, NULL, like_asha,
      ": pause-and-promote (Li et al. Alg. 2) or start for r_max and stop at rungs (default promotion)" },
    { "--rule", sched_rule_names, NULL, sched_type_takes_rule,
      " rung rule: topk (Li et al.), quantile (Syne Tune <= 0.13), rank (Syne Tune >= 0.14), ray (Ray "
      "Tune; stopping only) (default topk for promotion, quantile for stopping)" },
};

void cli_scheduler_options_help(FILE *f)
{
    char opt[256], names[256], text[512];
    for (size_t i = 0; i < sizeof type_options / sizeof *type_options; i++) {
        size_t len = (size_t)snprintf(opt, sizeof opt, "      %s ", type_options[i].opt);
        if (type_options[i].choices) {
            const char *const *c = type_options[i].choices();
            for (size_t k = 0; c[k] && len < sizeof opt; k++)
                len += (size_t)snprintf(opt + len, sizeof opt - len, "%s%s", k ? "|" : "", c[k]);
        } else {
            snprintf(opt + len, sizeof opt - len, "%s", type_options[i].arg);
        }
        types_where(names, sizeof names, type_options[i].applies, ", ");
        snprintf(text, sizeof text, "%s%s", names, type_options[i].text);
        cli_help_entry(f, opt, text);
    }
}

void cli_bracket_types(char *buf, size_t n)
{
    types_where(buf, n, sched_type_takes_brackets, " and ");
}
