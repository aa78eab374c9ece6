/* bootdist.c: the bootstrap distribution of a two-group effect (mean or median difference, Cohen's d, Hedges' g) for estimation plots: the stats module's own resamples, estimate and BCa 95% CI. */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"

#include <gsl/gsl_math.h>
#include <gsl/gsl_sort.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const effect_names[ZF_EFFECT_COUNT] = {
    [ZF_EFFECT_MEAN_DIFF] = "mean_diff",
    [ZF_EFFECT_MEDIAN_DIFF] = "median_diff",
    [ZF_EFFECT_COHENS_D] = "cohens_d",
    [ZF_EFFECT_HEDGES_G] = "hedges_g",
};

const char *zf_effect_name(int effect)
{
    return effect >= 0 && effect < ZF_EFFECT_COUNT ? effect_names[effect] : "unknown";
}

int zf_effect_parse(const char *name)
{
    for (int i = 0; name && i < ZF_EFFECT_COUNT; i++)
        if (strcmp(name, effect_names[i]) == 0)
            return i;
    return -1;
}

void zf_boot_dist_free(zf_boot_dist *d)
{
    if (!d)
        return;
    free(d->boot);
    d->boot = NULL;
    d->n = 0;
}

int zf_bootstrap_effect(const double *x, size_t nx, const double *y, size_t ny, int effect,
                        size_t nboot, unsigned long seed, zf_boot_dist *out)
{
    zf_test_result res[ZF_EFFECT_COUNT];
    double *boot = NULL;
    size_t n = 0;
    if (!out || effect < 0 || effect >= ZF_EFFECT_COUNT)
        return zf_error(ZF_EINVAL, "bootstrap: NULL result or unknown effect %d", effect);
    /* one call: the resamples behind the CI that the stats table reports */
    int rc = zf_effect_sizes_boot(x, nx, y, ny, nboot, seed, effect, res, &boot, &n);
    if (rc != ZF_OK) {
        free(boot);
        return rc;
    }
    zf_boot_dist d;
    memset(&d, 0, sizeof d);
    d.estimate = res[effect].estimate;
    d.ci_low = res[effect].ci_low;
    d.ci_high = res[effect].ci_high;
    size_t len = strlen(res[effect].note);
    if (len >= sizeof d.note)
        len = sizeof d.note - 1;
    memcpy(d.note, res[effect].note, len);
    d.note[len] = '\0';
    if (n) {
        gsl_sort(boot, 1, n);
        d.boot = boot;
        d.n = n;
    } else {
        free(boot);
    }
    *out = d;
    return ZF_OK;
}
