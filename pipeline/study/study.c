/* study.c: load and validate study.yaml with libyaml's document API; every key is a row of a table. */
#include "zfstress/core.h"
#include "zfstress/ingest.h"
#include "zfstress/study.h"
#include "zfstress/table.h"
#include "zfstress/track.h"

#include <yaml.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void zf_study_default(zf_study *s)
{
    memset(s, 0, sizeof *s);
    s->units = ZF_UNITS_AUTO;
    s->y_axis = ZF_Y_AUTO;
    s->px_per_mm = NAN;
    s->fps = NAN;
    s->origin_x = NAN;
    s->origin_y = NAN;
    s->min_likelihood = 0.6;
    s->arena.kind = ZF_ARENA_SIDE;
    s->arena.width_mm = 200.0;
    s->arena.height_mm = 150.0;
    zf_metric_params_default(&s->metrics);
    s->nboot = 5000;
    s->seed = 20110901UL;
}

void zf_study_free(zf_study *s)
{
    if (!s)
        return;
    char **owned[] = {&s->path, &s->dir, &s->text, &s->samples, &s->format, &s->col_time,
                      &s->col_x, &s->col_y, &s->bodypart, &s->factor, &s->control, &s->adjust, &s->output};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++) {
        free(*owned[i]);
        *owned[i] = NULL;
    }
}

typedef struct ctx {
    const char *path;
    yaml_document_t *doc;
    zf_study *s;
    int bottom_set;
} ctx;

static int at(const ctx *c, const yaml_node_t *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int at(const ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return zf_error(ZF_ESTUDY, "'%s':%zu:%zu: %s", c->path, (size_t)n->start_mark.line + 1,
                    (size_t)n->start_mark.column + 1, what);
}

static const char *scalar(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int get_string(ctx *c, const char *key, const yaml_node_t *v, char **dst)
{
    const char *s = scalar(v);
    if (!s || !s[0])
        return at(c, v, "key '%s': expected a non-empty text value", key);
    char *d = zf_strdup(s);
    if (!d)
        return ZF_ENOMEM;
    free(*dst);
    *dst = d;
    return ZF_OK;
}

static int get_number(ctx *c, const char *key, const yaml_node_t *v, double lo, double hi, double *dst)
{
    const char *s = scalar(v);
    double x = 0;
    if (!s || zf_parse_number(s, &x) != ZF_NUM_OK)
        return at(c, v, "key '%s': expected a number, got \"%s\"", key, s ? s : "(a list or mapping)");
    if (!(x >= lo && x <= hi)) {
        return at(c, v, "key '%s': expected a number between %g and %g, got %s", key, lo, hi, s);
    }
    *dst = x;
    return ZF_OK;
}

static int get_path(ctx *c, const char *key, const yaml_node_t *v, char **dst)
{
    char *rel = NULL;
    int rc = get_string(c, key, v, &rel);
    if (rc)
        return rc;
    char *p = zf_path_join(c->s->dir, rel);
    free(rel);
    if (!p)
        return ZF_ENOMEM;
    free(*dst);
    *dst = p;
    return ZF_OK;
}

/* Mapping walker: each key must appear in the table. */
typedef int (*key_fn)(ctx *c, const char *key, const yaml_node_t *v);
typedef struct key_row {
    const char *name;
    key_fn fn;
} key_row;

static int walk(ctx *c, const yaml_node_t *map, const char *where, const key_row *rows, size_t nrows)
{
    if (map->type != YAML_MAPPING_NODE)
        return at(c, map, "%s: expected a mapping of keys to values", where);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
        const char *name = k ? scalar(k) : NULL;
        if (!name || !v)
            return at(c, k ? k : map, "%s: expected text keys", where);
        size_t i;
        for (i = 0; i < nrows; i++)
            if (strcmp(rows[i].name, name) == 0)
                break;
        if (i == nrows) {
            char known[512];
            size_t o = 0;
            known[0] = '\0';
            for (size_t j = 0; j < nrows && o < sizeof known; j++) {
                int w = snprintf(known + o, sizeof known - o, "%s%s", j ? ", " : "", rows[j].name);
                if (w < 0)
                    break;
                o += (size_t)w;
            }
            return at(c, k, "unknown key '%s'; expected one of: %s", name, known);
        }
        int rc = rows[i].fn(c, name, v);
        if (rc)
            return rc;
    }
    return ZF_OK;
}

static int k_samples(ctx *c, const char *k, const yaml_node_t *v) { return get_path(c, k, v, &c->s->samples); }
static int k_output(ctx *c, const char *k, const yaml_node_t *v) { return get_path(c, k, v, &c->s->output); }
static int k_format(ctx *c, const char *k, const yaml_node_t *v)
{
    int rc = get_string(c, k, v, &c->s->format);
    if (!rc && strcmp(c->s->format, "auto") != 0 && !zf_format_find(c->s->format)) {
        char names[256];
        size_t o = 0;
        names[0] = '\0';
        for (size_t i = 0; i < zf_format_count() && o < sizeof names; i++) {
            int w = snprintf(names + o, sizeof names - o, "%s, ", zf_format_get(i)->name);
            if (w < 0)
                break;
            o += (size_t)w;
        }
        return at(c, v, "key 'format': expected one of %sauto; got \"%s\"", names, c->s->format);
    }
    return rc;
}
static int k_units(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    int u = s ? zf_units_parse(s) : -1;
    if (u < 0)
        return at(c, v, "key '%s': expected mm, cm or px, got \"%s\"", k, s ? s : "(not text)");
    c->s->units = u;
    return ZF_OK;
}
static int k_y_axis(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    if (s && strcmp(s, "up") == 0)
        c->s->y_axis = ZF_Y_UP;
    else if (s && strcmp(s, "down") == 0)
        c->s->y_axis = ZF_Y_DOWN;
    else
        return at(c, v, "key '%s': expected up or down, got \"%s\"", k, s ? s : "(not text)");
    return ZF_OK;
}
static int k_fps(ctx *c, const char *k, const yaml_node_t *v) { return get_number(c, k, v, 1e-6, 1e6, &c->s->fps); }
static int k_px(ctx *c, const char *k, const yaml_node_t *v) { return get_number(c, k, v, 1e-9, 1e9, &c->s->px_per_mm); }
static int k_ox(ctx *c, const char *k, const yaml_node_t *v) { return get_number(c, k, v, -1e9, 1e9, &c->s->origin_x); }
static int k_oy(ctx *c, const char *k, const yaml_node_t *v) { return get_number(c, k, v, -1e9, 1e9, &c->s->origin_y); }
static int k_toff(ctx *c, const char *k, const yaml_node_t *v) { return get_number(c, k, v, 0, 1e9, &c->s->time_offset_s); }
static int k_lik(ctx *c, const char *k, const yaml_node_t *v) { return get_number(c, k, v, 0, 1, &c->s->min_likelihood); }
static int k_bodypart(ctx *c, const char *k, const yaml_node_t *v) { return get_string(c, k, v, &c->s->bodypart); }
static int k_decimal(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    if (s && strcmp(s, "comma") == 0)
        c->s->decimal_comma = 1;
    else if (s && strcmp(s, "point") == 0)
        c->s->decimal_comma = 0;
    else
        return at(c, v, "key '%s': expected point or comma, got \"%s\"", k, s ? s : "(not text)");
    return ZF_OK;
}

static int k_col_time(ctx *c, const char *k, const yaml_node_t *v) { return get_string(c, k, v, &c->s->col_time); }
static int k_col_x(ctx *c, const char *k, const yaml_node_t *v) { return get_string(c, k, v, &c->s->col_x); }
static int k_col_y(ctx *c, const char *k, const yaml_node_t *v) { return get_string(c, k, v, &c->s->col_y); }
static const key_row column_keys[] = {{"time", k_col_time}, {"x", k_col_x}, {"y", k_col_y}};
static int k_columns(ctx *c, const char *k, const yaml_node_t *v)
{
    (void)k;
    return walk(c, v, "columns", column_keys, sizeof column_keys / sizeof column_keys[0]);
}

static int k_arena_kind(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    if (s && strcmp(s, "side") == 0)
        c->s->arena.kind = ZF_ARENA_SIDE;
    else if (s && strcmp(s, "top") == 0)
        c->s->arena.kind = ZF_ARENA_TOP;
    else
        return at(c, v, "key '%s': expected side or top, got \"%s\"", k, s ? s : "(not text)");
    return ZF_OK;
}
static int k_arena_w(ctx *c, const char *k, const yaml_node_t *v) { return get_number(c, k, v, 1e-3, 1e6, &c->s->arena.width_mm); }
static int k_arena_h(ctx *c, const char *k, const yaml_node_t *v) { return get_number(c, k, v, 1e-3, 1e6, &c->s->arena.height_mm); }
static const key_row arena_keys[] = {{"kind", k_arena_kind}, {"width_mm", k_arena_w}, {"height_mm", k_arena_h}};
static int k_arena(ctx *c, const char *k, const yaml_node_t *v)
{
    (void)k;
    return walk(c, v, "arena", arena_keys, sizeof arena_keys / sizeof arena_keys[0]);
}

static int k_top(ctx *c, const char *k, const yaml_node_t *v) { return get_number(c, k, v, 1e-6, 1.0, &c->s->metrics.top_fraction); }
static int k_bottom(ctx *c, const char *k, const yaml_node_t *v)
{
    c->bottom_set = 1;
    return get_number(c, k, v, 1e-6, 1.0, &c->s->metrics.bottom_fraction);
}
static int k_fspeed(ctx *c, const char *k, const yaml_node_t *v) { return get_number(c, k, v, 0.0, 1e6, &c->s->metrics.freeze_speed_mm_s); }
static int k_fmin(ctx *c, const char *k, const yaml_node_t *v) { return get_number(c, k, v, 0.0, 1e6, &c->s->metrics.freeze_min_s); }
static int k_bin(ctx *c, const char *k, const yaml_node_t *v) { return get_number(c, k, v, 1e-3, 1e9, &c->s->metrics.bin_s); }
static const key_row metric_keys[] = {{"top_fraction", k_top}, {"bottom_fraction", k_bottom},
                                      {"freeze_speed_mm_s", k_fspeed}, {"freeze_min_s", k_fmin}, {"bin_s", k_bin}};
static int k_metrics(ctx *c, const char *k, const yaml_node_t *v)
{
    (void)k;
    return walk(c, v, "metrics", metric_keys, sizeof metric_keys / sizeof metric_keys[0]);
}

static int k_factor(ctx *c, const char *k, const yaml_node_t *v) { return get_string(c, k, v, &c->s->factor); }
static int k_control(ctx *c, const char *k, const yaml_node_t *v) { return get_string(c, k, v, &c->s->control); }
static int k_adjust(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    static const char *ok[] = {"holm", "bonferroni", "hochberg", "BH", "none"};
    for (size_t i = 0; s && i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(s, ok[i]) == 0)
            return get_string(c, k, v, &c->s->adjust);
    return at(c, v, "key '%s': expected holm, bonferroni, hochberg, BH or none, got \"%s\"", k, s ? s : "(not text)");
}
static int k_boot(ctx *c, const char *k, const yaml_node_t *v)
{
    double x = 0;
    int rc = get_number(c, k, v, 100, 1e7, &x);
    if (!rc)
        c->s->nboot = (size_t)x;
    return rc;
}
static int k_seed(ctx *c, const char *k, const yaml_node_t *v)
{
    double x = 0;
    int rc = get_number(c, k, v, 0, 4294967295.0, &x);
    if (!rc)
        c->s->seed = (unsigned long)x;
    return rc;
}
static const key_row compare_keys[] = {{"factor", k_factor}, {"control", k_control}, {"adjust", k_adjust},
                                       {"bootstrap", k_boot}, {"seed", k_seed}};
static int k_compare(ctx *c, const char *k, const yaml_node_t *v)
{
    (void)k;
    return walk(c, v, "compare", compare_keys, sizeof compare_keys / sizeof compare_keys[0]);
}

static const key_row top_keys[] = {
    {"samples", k_samples}, {"format", k_format}, {"columns", k_columns}, {"units", k_units},
    {"px_per_mm", k_px}, {"y_axis", k_y_axis}, {"fps", k_fps}, {"origin_x", k_ox}, {"origin_y", k_oy},
    {"time_offset_s", k_toff}, {"bodypart", k_bodypart}, {"min_likelihood", k_lik}, {"decimal", k_decimal},
    {"arena", k_arena},
    {"metrics", k_metrics}, {"compare", k_compare}, {"output", k_output},
};

static int read_all(const char *path, char **out, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return zf_error(ZF_EIO, "'%s': cannot open: %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    int rc = ZF_OK;
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0)
            break;
        if (n + 1 == cap) {
            if (cap > (64u << 20)) {
                rc = zf_error(ZF_ESTUDY, "'%s': study file larger than 64 MiB", path);
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    if (!buf)
        rc = zf_error(ZF_ENOMEM, "out of memory");
    else if (!rc && ferror(fp))
        rc = zf_error(ZF_EIO, "'%s': read error", path);
    fclose(fp);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return ZF_OK;
}

int zf_study_load(const char *path, zf_study *out)
{
    int rc = ZF_OK;
    zf_study s;
    yaml_parser_t parser;
    yaml_document_t doc;
    int parser_ok = 0, doc_ok = 0;
    size_t len = 0;
    ctx c;

    zf_study_default(&s);
    if ((rc = read_all(path, &s.text, &len)) != ZF_OK)
        goto done;
    zf_sha256_mem(s.text, len, s.sha256);
    if (!(s.path = zf_strdup(path)) || !(s.dir = zf_path_dir(path))) {
        rc = ZF_ENOMEM;
        goto done;
    }
    if (!yaml_parser_initialize(&parser)) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    parser_ok = 1;
    yaml_parser_set_input_string(&parser, (const unsigned char *)s.text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = zf_error(ZF_ESTUDY, "'%s':%zu:%zu: invalid YAML: %s", path, (size_t)parser.problem_mark.line + 1,
                      (size_t)parser.problem_mark.column + 1, parser.problem ? parser.problem : "syntax error");
        goto done;
    }
    doc_ok = 1;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        rc = zf_error(ZF_ESTUDY, "'%s': empty study file: expected at least 'samples:'", path);
        goto done;
    }
    c.path = path;
    c.doc = &doc;
    c.s = &s;
    c.bottom_set = 0;
    if ((rc = walk(&c, root, "study", top_keys, sizeof top_keys / sizeof top_keys[0])) != ZF_OK)
        goto done;
    if (!c.bottom_set)
        s.metrics.bottom_fraction = s.metrics.top_fraction;
    if (!s.samples) {
        rc = zf_error(ZF_ESTUDY, "'%s': missing key 'samples': expected the path of the sample sheet", path);
        goto done;
    }
    if (s.units == ZF_UNITS_PX && isnan(s.px_per_mm))
        zf_log(ZF_LOG_INFO, "'%s': units px: px_per_mm must come from the sample sheet", path);
    /* defaults for text keys */
    {
        struct { char **dst; const char *def; } defs[] = {
            {&s.format, "csv"}, {&s.col_time, "time_s"}, {&s.col_x, "x_mm"}, {&s.col_y, "y_mm"},
            {&s.factor, "group"}, {&s.control, "control"}, {&s.adjust, "holm"},
        };
        for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
            if (!*defs[i].dst && !(*defs[i].dst = zf_strdup(defs[i].def))) {
                rc = ZF_ENOMEM;
                goto done;
            }
        if (!s.output && !(s.output = zf_path_join(s.dir, "results"))) {
            rc = ZF_ENOMEM;
            goto done;
        }
    }
    *out = s;
    memset(&s, 0, sizeof s);
done:
    if (doc_ok)
        yaml_document_delete(&doc);
    if (parser_ok)
        yaml_parser_delete(&parser);
    zf_study_free(&s);
    return rc;
}
