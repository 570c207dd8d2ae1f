/*
 * core/rules.c -- topk (Li et al., Alg. 2), quantile (Syne Tune <= 0.13),
 * rank (Ray Tune, Syne Tune >= 0.14); see DESIGN.md semantics 4.
 */
#include "core/rules.h"

#include <math.h>

double rule_quantile(const rungbook *rb, double q)
{
    uint32_t n = rungbook_size(rb);
    /* numpy >= 1.22, method "linear": virtual index (n-1)q, then a lerp that
     * is computed from the upper end when gamma >= 0.5, as numpy does, so
     * the result matches it to the last bit. */
    double v = (double)(n - 1) * q;
    double lo_d = floor(v);
    uint32_t lo = (uint32_t)lo_d, hi = lo + 1 < n ? lo + 1 : n - 1;
    double g = v - lo_d;
    double a = rungbook_select(rb, lo), b = rungbook_select(rb, hi);
    double d = b - a;
    return g >= 0.5 ? b - d * (1.0 - g) : a + d * g;
}

rule_verdict rule_judge(sched_rule rule, const rungbook *rb, double metric, uint32_t seq,
                        uint32_t eta, double q)
{
    uint32_t n = rungbook_size(rb);
    switch (rule) {
    case SCHED_RULE_TOPK: {
        uint32_t k = n / eta;
        if (k == 0)
            return RULE_NO_JUDGEMENT;
        return rungbook_position(rb, metric, seq) < k ? RULE_ADMIT : RULE_REJECT;
    }
    case SCHED_RULE_QUANTILE:
        if (n < 2)
            return RULE_ADMIT;
        return metric <= rule_quantile(rb, q) ? RULE_ADMIT : RULE_REJECT;
    case SCHED_RULE_RANK: {
        /* stop iff better/n > 1/eta, in integers: better*eta > n */
        uint64_t better = rungbook_count_better(rb, metric);
        return better * eta > n ? RULE_REJECT : RULE_ADMIT;
    }
    }
    return RULE_ADMIT;
}
