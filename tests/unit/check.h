/* check.h: the tiny assertion layer of the unit tests; failures report file:line and the test exits 1. */
#ifndef ZF_TEST_CHECK_H
#define ZF_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int zf_check_failures;
static int zf_check_count;

#define CHECK(cond) do { zf_check_count++; if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); zf_check_failures++; } } while (0)

/* |a - b| <= rel * max(|a|, |b|) or both NaN or |a - b| <= abs_tol */
#define CHECK_NEAR(a, b, rel) do { double zf_a_ = (a), zf_b_ = (b); zf_check_count++; \
    int zf_ok_ = (isnan(zf_a_) && isnan(zf_b_)) || zf_a_ == zf_b_ || \
        fabs(zf_a_ - zf_b_) <= (rel) * fmax(fabs(zf_a_), fabs(zf_b_)); \
    if (!zf_ok_) { fprintf(stderr, "%s:%d: CHECK_NEAR failed: %s = %.17g, %s = %.17g (rel %g)\n", \
        __FILE__, __LINE__, #a, zf_a_, #b, zf_b_, (double)(rel)); zf_check_failures++; } } while (0)

#define CHECK_ABS(a, b, tol) do { double zf_a_ = (a), zf_b_ = (b); zf_check_count++; \
    if (!(fabs(zf_a_ - zf_b_) <= (tol))) { fprintf(stderr, "%s:%d: CHECK_ABS failed: %s = %.17g, %s = %.17g (tol %g)\n", \
        __FILE__, __LINE__, #a, zf_a_, #b, zf_b_, (double)(tol)); zf_check_failures++; } } while (0)

#define CHECK_OK(expr) do { int zf_rc_ = (expr); zf_check_count++; if (zf_rc_ != 0) { \
    fprintf(stderr, "%s:%d: %s returned %d: %s\n", __FILE__, __LINE__, #expr, zf_rc_, zf_errmsg()); \
    zf_check_failures++; } } while (0)

/* Print the summary and return the exit status of the test program. */
#define CHECK_DONE() (printf("%d checks, %d failed\n", zf_check_count, zf_check_failures), \
    zf_check_failures ? 1 : 0)

#endif
