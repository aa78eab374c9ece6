/* endpoints.c: the metric columns a study compares: catalogue endpoints and per-zone endpoints that apply to its arena. */
#include "zfstress/core.h"
#include "zfstress/metrics.h"
#include "zfstress/study.h"

#include "study/study_internal.h"

#include <stdlib.h>

int zf_study_endpoints(const zf_study *s, zf_metric_column **out, size_t *n)
{
    size_t nout = zf_metric_nout(&s->metrics), k = 0;
    zf_metric_column *cols = malloc((nout + 1) * sizeof *cols);
    if (!cols)
        return zf_error(ZF_ENOMEM, "out of memory");
    for (size_t i = 0; i < nout; i++) {
        int applies = zf_metric_column_get(&s->arena, &s->metrics, i, &cols[k]);
        if (applies < 0) {
            free(cols);
            return applies;
        }
        if (applies == 1 && cols[k].desc->endpoint)
            k++;
    }
    *out = cols;
    *n = k;
    return ZF_OK;
}
