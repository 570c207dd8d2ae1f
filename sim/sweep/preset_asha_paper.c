/*
 * sim/sweep/preset_asha_paper.c -- the sweep preset `asha-paper` (issue 5): the
 * straggler experiment of Li et al., "A System for Massively Parallel
 * Hyperparameter Tuning" (MLSys 2020), Appendix A.1, as an INI grid that
 * `shsim sweep --preset asha-paper` reads (cli_sweep.c lists it).
 *
 * From the paper's description: synchronous SHA whose idle workers start
 * new brackets (sh:fill) against ASHA (promotion type, top-k), eta 4,
 * r = 1, R = 256, 25 workers, training time per unit of resource drawn from
 * Normal(1, sigma^2) with sigma growing from 0 to about 1.3, drop
 * probabilities 0, 1e-3 and 1e-2; the metrics are the configurations
 * trained to R within a time budget (trials_rmax) and the time until the
 * first one (time_first_rmax).
 * Chosen here (the paper does not pin them down): the per-unit time is drawn
 * once per job (--noise normal:SIGMA on the 1-second-per-epoch workload
 * synthetic:constant:1, so a job of r epochs takes r * t, t ~ N(1, sigma^2)
 * redrawn until > 0); sigma in steps of 0.1; the budget 2000 time units;
 * checkpoint resume; a dropped job is retried from its last reported epoch
 * (on-drop retry); 10 seeds.  Every value is a key: the command line
 * overrides it (e.g. --on-drop lose, --horizon 4000, --seeds 1..30).
 */

const char sweep_preset_asha_paper[] =
    "workloads = synthetic:constant:1\n"
    "schedulers = sh:fill,asha:promotion:topk\n"
    "eta = 4\n"
    "r-min = 1\n"
    "r-max = 256\n"
    "workers = 25\n"
    "resume-modes = checkpoint\n"
    "noise = normal:0,normal:0.1,normal:0.2,normal:0.3,normal:0.4,normal:0.5,normal:0.6,"
    "normal:0.7,normal:0.8,normal:0.9,normal:1,normal:1.1,normal:1.2,normal:1.3\n"
    "drop = 0,0.001,0.01\n"
    "on-drop = retry\n"
    "horizon = 2000\n"
    "target = 0.13\n" /* pinned so the preset owes nothing to sweep's defaults */
    "seeds = 1..10\n"
    "curve-points = 0\n";
