/*
 * core/rules.h -- the three rung rules of DESIGN.md, semantics 4.
 * Each judges an entry already recorded in the rung book (so V includes it),
 * in O(log n).  Lower metric is better.
 */
#ifndef SHSIM_CORE_RULES_H
#define SHSIM_CORE_RULES_H

#include "core/rungbook.h"
#include "core/sched.h"

typedef enum { RULE_NO_JUDGEMENT = -1, RULE_REJECT = 0, RULE_ADMIT = 1 } rule_verdict;

/* Judge entry (metric, seq) of rb.  q is the quantile level r_k / r_{k+1}
 * (quantile rule only).  RULE_NO_JUDGEMENT: topk with n < eta. */
rule_verdict rule_judge(sched_rule rule, const rungbook *rb, double metric, uint32_t seq,
                        uint32_t eta, double q);
/* numpy's default ("linear") quantile of the rung's values at level q. */
double rule_quantile(const rungbook *rb, double q);

#endif
