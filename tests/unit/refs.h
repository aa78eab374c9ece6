/* refs.h: the R reference values of the statistics tests, read from dataset,quantity,value CSV rows
 * (tests/reference; scripts/ref_stats*.R write them). Include after check.h. */
#ifndef ZF_TEST_REFS_H
#define ZF_TEST_REFS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char dataset[32];
    char quantity[96];
    double value;
} ref_entry;

static ref_entry *refs;
static size_t nrefs, refs_cap;

/* Appends the rows of path to the table; comment, header and malformed rows are skipped. 0 or -1. */
static int load_refs(const char *path)
{
    char line[512];
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        char *c1, *c2, *end;
        if (line[0] == '#' || strncmp(line, "dataset,", 8) == 0)
            continue;
        c1 = strchr(line, ',');
        c2 = c1 ? strrchr(c1 + 1, ',') : NULL;
        if (!c2 || (size_t)(c1 - line) >= sizeof refs->dataset || (size_t)(c2 - c1 - 1) >= sizeof refs->quantity)
            continue;
        if (nrefs == refs_cap) {
            ref_entry *tmp;
            refs_cap = refs_cap ? 2 * refs_cap : 1024;
            tmp = realloc(refs, refs_cap * sizeof *refs);
            if (!tmp) {
                fclose(fp);
                return -1;
            }
            refs = tmp;
        }
        memset(&refs[nrefs], 0, sizeof refs[nrefs]);
        memcpy(refs[nrefs].dataset, line, (size_t)(c1 - line));
        memcpy(refs[nrefs].quantity, c1 + 1, (size_t)(c2 - c1 - 1));
        refs[nrefs].value = strtod(c2 + 1, &end);
        if (end == c2 + 1)
            continue;
        nrefs++;
    }
    fclose(fp);
    return 0;
}

/* All values of (dataset, quantity) in file order into a malloc'd array. */
static inline double *ref_vec(const char *ds, const char *q, size_t *n)
{
    double *v = malloc((nrefs ? nrefs : 1) * sizeof *v);
    *n = 0;
    if (!v)
        return NULL;
    for (size_t i = 0; i < nrefs; i++)
        if (strcmp(refs[i].dataset, ds) == 0 && strcmp(refs[i].quantity, q) == 0)
            v[(*n)++] = refs[i].value;
    return v;
}

static inline int has_ref(const char *ds, const char *q)
{
    for (size_t i = 0; i < nrefs; i++)
        if (strcmp(refs[i].dataset, ds) == 0 && strcmp(refs[i].quantity, q) == 0)
            return 1;
    return 0;
}

/* The single value of (dataset, quantity); NaN and a failed check when absent. */
static inline double ref(const char *ds, const char *q)
{
    for (size_t i = 0; i < nrefs; i++)
        if (strcmp(refs[i].dataset, ds) == 0 && strcmp(refs[i].quantity, q) == 0)
            return refs[i].value;
    fprintf(stderr, "reference %s/%s missing\n", ds, q);
    CHECK(0);
    return NAN;
}

#endif
