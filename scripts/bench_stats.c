/* bench_stats.c: times zf_stats_compare on 50 metrics x 4 groups x 12 fish with 10,000 bootstrap resamples (the full row set of a study design). */
#include "zfstress/core.h"
#include "zfstress/stats.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define METRICS 50
#define GROUPS 4
#define FISH 12
#define REPEATS 5

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

int main(int argc, char **argv)
{
    static const char *const names[GROUPS] = {"control", "ket2", "ket20", "ket40"};
    const char *group[GROUPS * FISH];
    double value[METRICS][GROUPS * FISH];
    zf_compare_opts o;
    zf_stat_table t;
    gsl_rng *rng = NULL;
    size_t nboot = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
    double t0, t1, times[REPEATS], cpu[REPEATS];
    clock_t c0;
    int rc = 0;

    zf_init();
    zf_stat_table_init(&t);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng) {
        fputs("bench_stats: out of memory\n", stderr);
        return 1;
    }
    gsl_rng_set(rng, 42);
    for (size_t g = 0; g < GROUPS; g++)
        for (size_t i = 0; i < FISH; i++)
            group[g * FISH + i] = names[g];
    for (size_t m = 0; m < METRICS; m++)
        for (size_t i = 0; i < GROUPS * FISH; i++)
            value[m][i] = 100.0 + 10.0 * (double)(i / FISH) * (double)(m % 3) + gsl_ran_gaussian(rng, 15.0);
    zf_compare_opts_default(&o);
    o.nboot = nboot;
    /* The whole comparison REPEATS times (a fresh table each time); the best
     * and the median wall time are printed, since other work on the machine
     * only ever adds time. */
    for (int rep = 0; rep < REPEATS && rc == 0; rep++) {
        zf_stat_table_free(&t);
        c0 = clock();
        t0 = now();
        for (size_t m = 0; m < METRICS && rc == 0; m++) {
            char name[32];
            snprintf(name, sizeof name, "metric%02zu", m);
            rc = zf_stats_compare(&t, name, group, value[m], GROUPS * FISH, &o);
        }
        t1 = now();
        times[rep] = t1 - t0;
        cpu[rep] = (double)(clock() - c0) / CLOCKS_PER_SEC;
    }
    if (rc != 0) {
        fprintf(stderr, "bench_stats: %s\n", zf_errmsg());
    } else {
        qsort(times, REPEATS, sizeof *times, cmp_double);
        qsort(cpu, REPEATS, sizeof *cpu, cmp_double);
        printf("bench_stats: %d metrics x %d groups x %d fish, %zu bootstrap resamples, %zu permutations: "
               "%zu rows; wall time best %.3f s, median %.3f s of %d runs (CPU best %.3f s)\n", METRICS, GROUPS,
               FISH, o.nboot, o.nperm, t.n, times[0], times[REPEATS / 2], REPEATS, cpu[0]);
    }
    zf_stat_table_free(&t);
    gsl_rng_free(rng);
    return rc ? 1 : 0;
}
