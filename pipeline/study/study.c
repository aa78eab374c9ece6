/* study.c: load and validate study.yaml with libyaml's document API; every key is a row of a table. */
#include "zfstress/core.h"
#include "zfstress/ingest.h"
#include "zfstress/plot.h"
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

static void plot_keys_free(zf_study *s);

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
    for (size_t i = 0; i < s->nfactors; i++)
        free(s->factors[i]);
    free(s->factors);
    free(s->repeated);
    free(s->dose);
    s->factors = NULL;
    s->nfactors = 0;
    s->repeated = s->dose = NULL;
    plot_keys_free(s);
}

typedef struct ctx {
    const char *path;
    yaml_document_t *doc;
    zf_study *s;
    int bottom_set;
    /* metrics: / arena: keys checked after the whole file is read */
    const yaml_node_t *top_set, *bottom_frac_set, *top_mm_node, *bottom_mm_node;
    const yaml_node_t *endpoints, *bin_node; /* metrics.endpoints (names resolved once the zones are known), bin_s */
    double top_mm, bottom_mm;
    zf_zone *zone;       /* arena.zones: the zone being filled */
    int zone_shapes;     /* shape keys seen in it */
    void *item;          /* plot/figures: the list entry being filled */
    int in_cells;        /* walking a panel's cells: (a YAML alias can point a panel at itself) */
} ctx;

static int at(const ctx *c, const yaml_node_t *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int at(const ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    char what[1800]; /* room for the list of valid endpoint names */
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
        /* YAML forbids repeated keys; libyaml keeps both, and which one wins would be an accident */
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
            yaml_node_t *qk = yaml_document_get_node(c->doc, q->key);
            const char *qn = qk ? scalar(qk) : NULL;
            if (qn && strcmp(qn, name) == 0)
                return at(c, k, "key '%s' given twice (first on line %zu): expected each key once", name,
                          (size_t)qk->start_mark.line + 1);
        }
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
static int k_arena_shape(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    if (s && strcmp(s, "rect") == 0)
        c->s->metrics.arena_shape = ZF_SHAPE_RECT;
    else if (s && strcmp(s, "circle") == 0)
        c->s->metrics.arena_shape = ZF_SHAPE_CIRCLE;
    else
        return at(c, v, "key '%s': expected rect or circle, got \"%s\"", k, s ? s : "(not text)");
    return ZF_OK;
}

/* A YAML list of at most max numbers (mm) into dst; *n gets the count. */
static int number_list(ctx *c, const char *key, const yaml_node_t *v, double *dst, size_t max, size_t *n)
{
    size_t k = 0;
    if (v->type != YAML_SEQUENCE_NODE)
        return at(c, v, "key '%s': expected a list of numbers, e.g. [0, 0, 150, 200]", key);
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *e = yaml_document_get_node(c->doc, *it);
        int rc;
        if (!e)
            return at(c, v, "key '%s': expected a list of numbers", key);
        if (k == max)
            return at(c, e, "key '%s': expected at most %zu numbers", key, max);
        if ((rc = get_number(c, key, e, -1e9, 1e9, &dst[k])) != ZF_OK)
            return rc;
        k++;
    }
    *n = k;
    return ZF_OK;
}

/* A zone takes exactly one shape key. */
static int zone_shape(ctx *c, const char *k, const yaml_node_t *v, int shape)
{
    if (c->zone_shapes++)
        return at(c, v, "zone: key '%s': expected one shape (rect, circle or polygon), got a second one", k);
    c->zone->shape = shape;
    return ZF_OK;
}
static int k_zone_name(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    size_t len = s ? strlen(s) : 0;
    int ok = len > 0 && len < ZF_ZONE_NAME_MAX;
    for (size_t i = 0; ok && i < len; i++)
        ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_';
    if (!ok)
        return at(c, v, "zone: key '%s': expected 1 to %d letters, digits or '_' (it becomes part of column names), got \"%s\"",
                  k, ZF_ZONE_NAME_MAX - 1, s ? s : "(not text)");
    memcpy(c->zone->name, s, len + 1);
    return ZF_OK;
}
static int k_zone_rect(ctx *c, const char *k, const yaml_node_t *v)
{
    size_t n = 0;
    double *r = c->zone->v;
    int rc = zone_shape(c, k, v, ZF_SHAPE_RECT);
    if (rc || (rc = number_list(c, k, v, r, 4, &n)) != ZF_OK)
        return rc;
    if (n != 4)
        return at(c, v, "zone: key '%s': expected [x0, y0, x1, y1] in mm, got %zu numbers", k, n);
    if (!(r[2] > r[0] && r[3] > r[1]))
        return at(c, v, "zone: key '%s': expected x1 > x0 and y1 > y0 in [x0, y0, x1, y1]", k);
    return ZF_OK;
}
static int k_zone_circle(ctx *c, const char *k, const yaml_node_t *v)
{
    size_t n = 0;
    double *r = c->zone->v;
    int rc = zone_shape(c, k, v, ZF_SHAPE_CIRCLE);
    if (rc || (rc = number_list(c, k, v, r, 3, &n)) != ZF_OK)
        return rc;
    if (n != 3 || !(r[2] > 0))
        return at(c, v, "zone: key '%s': expected [cx, cy, r] in mm with r > 0", k);
    return ZF_OK;
}
static int k_zone_polygon(ctx *c, const char *k, const yaml_node_t *v)
{
    zf_zone *z = c->zone;
    int rc = zone_shape(c, k, v, ZF_SHAPE_POLYGON);
    if (rc)
        return rc;
    if (v->type != YAML_SEQUENCE_NODE)
        return at(c, v, "zone: key '%s': expected a list of [x, y] vertices in mm", k);
    z->nv = 0;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *e = yaml_document_get_node(c->doc, *it);
        size_t n = 0;
        if (!e)
            return at(c, v, "zone: key '%s': expected a list of [x, y] vertices", k);
        if (z->nv == ZF_ZONE_MAX_VERTICES)
            return at(c, e, "zone: key '%s': expected at most %d vertices", k, ZF_ZONE_MAX_VERTICES);
        if ((rc = number_list(c, k, e, z->v + 2 * z->nv, 2, &n)) != ZF_OK)
            return rc;
        if (n != 2)
            return at(c, e, "zone: key '%s': expected a vertex [x, y], got %zu numbers", k, n);
        z->nv++;
    }
    if (z->nv < 3)
        return at(c, v, "zone: key '%s': expected at least 3 vertices, got %zu", k, z->nv);
    return ZF_OK;
}
static const key_row zone_keys[] = {{"name", k_zone_name}, {"rect", k_zone_rect}, {"circle", k_zone_circle},
                                    {"polygon", k_zone_polygon}};
static int k_arena_zones(ctx *c, const char *k, const yaml_node_t *v)
{
    zf_metric_params *a = &c->s->metrics; /* the zones are metric parameters */
    if (v->type != YAML_SEQUENCE_NODE)
        return at(c, v, "key '%s': expected a list of zones like {name: dark, rect: [0, 0, 150, 200]}", k);
    a->nzones = 0;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *e = yaml_document_get_node(c->doc, *it);
        int rc;
        if (!e)
            return at(c, v, "key '%s': expected a list of zones", k);
        if (a->nzones == ZF_MAX_ZONES)
            return at(c, e, "key '%s': expected at most %d zones", k, ZF_MAX_ZONES);
        zf_zone *z = &a->zones[a->nzones];
        memset(z, 0, sizeof *z);
        c->zone = z;
        c->zone_shapes = 0;
        if ((rc = walk(c, e, "zone", zone_keys, sizeof zone_keys / sizeof zone_keys[0])) != ZF_OK)
            return rc;
        if (!z->name[0])
            return at(c, e, "zone: expected a key 'name'");
        if (!c->zone_shapes)
            return at(c, e, "zone '%s': expected a shape: rect: [x0, y0, x1, y1], circle: [cx, cy, r] or "
                            "polygon: [[x, y], ...]", z->name);
        for (size_t q = 0; q < a->nzones; q++)
            if (strcmp(a->zones[q].name, z->name) == 0)
                return at(c, e, "zone '%s': the name is used twice", z->name);
        a->nzones++;
    }
    return ZF_OK;
}
static const key_row arena_keys[] = {{"kind", k_arena_kind}, {"width_mm", k_arena_w}, {"height_mm", k_arena_h},
                                     {"shape", k_arena_shape}, {"zones", k_arena_zones}};
static int k_arena(ctx *c, const char *k, const yaml_node_t *v)
{
    (void)k;
    return walk(c, v, "arena", arena_keys, sizeof arena_keys / sizeof arena_keys[0]);
}

/* A parameter of the metric table (zf_metric_param_get): its range, whole or
 * odd numbers, or named choices, as the table says. */
static int mparam(ctx *c, const char *name, const char *key, const yaml_node_t *v)
{
    int i = zf_metric_param_find(name);
    const zf_metric_param_desc *d = i >= 0 ? zf_metric_param_get((size_t)i) : NULL;
    double x = 0;
    int rc;
    if (!d)
        return at(c, v, "key '%s': not a metric parameter", key);
    if (d->kind == ZF_PARAM_CHOICE) {
        const char *s = scalar(v);
        if (!s || zf_metric_param_set_choice(&c->s->metrics, (size_t)i, s) != ZF_OK)
            return at(c, v, "key '%s': expected one of %s, got \"%s\"", key, d->choices, s ? s : "(not text)");
        return ZF_OK;
    }
    if ((rc = get_number(c, key, v, d->lo, d->hi, &x)) != ZF_OK)
        return rc;
    if (zf_metric_param_set(&c->s->metrics, (size_t)i, x) != ZF_OK) {
        const char *why = strchr(zf_errmsg(), ':');
        return at(c, v, "key '%s'%s", key, why ? why : ": invalid value");
    }
    return ZF_OK;
}
static int k_mparam(ctx *c, const char *k, const yaml_node_t *v) { return mparam(c, k, k, v); }
static int k_top(ctx *c, const char *k, const yaml_node_t *v)
{
    c->top_set = v;
    return mparam(c, k, k, v);
}
static int k_bottom(ctx *c, const char *k, const yaml_node_t *v)
{
    c->bottom_set = 1;
    c->bottom_frac_set = v;
    return mparam(c, k, k, v);
}
static int k_top_mm(ctx *c, const char *k, const yaml_node_t *v)
{
    c->top_mm_node = v;
    return get_number(c, k, v, 1e-6, 1e6, &c->top_mm);
}
static int k_bottom_mm(ctx *c, const char *k, const yaml_node_t *v)
{
    c->bottom_mm_node = v;
    return get_number(c, k, v, 1e-6, 1e6, &c->bottom_mm);
}
static int k_smooth_method(ctx *c, const char *k, const yaml_node_t *v) { return mparam(c, "smooth.method", k, v); }
static int k_smooth_window(ctx *c, const char *k, const yaml_node_t *v) { return mparam(c, "smooth.window", k, v); }
static int k_smooth_alpha(ctx *c, const char *k, const yaml_node_t *v) { return mparam(c, "smooth.alpha", k, v); }
static const key_row smooth_keys[] = {{"method", k_smooth_method}, {"window", k_smooth_window}, {"alpha", k_smooth_alpha}};
static int k_smooth(ctx *c, const char *k, const yaml_node_t *v)
{
    (void)k;
    return walk(c, v, "metrics.smooth", smooth_keys, sizeof smooth_keys / sizeof smooth_keys[0]);
}
/* light_schedule: [[start_s, on|off], ...], starts increasing */
static int k_light(ctx *c, const char *k, const yaml_node_t *v)
{
    zf_metric_params *p = &c->s->metrics;
    if (v->type != YAML_SEQUENCE_NODE)
        return at(c, v, "key '%s': expected a list of [start_s, on|off], e.g. [[0, on], [600, off]]", k);
    p->nlight = 0;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *e = yaml_document_get_node(c->doc, *it), *tn = NULL, *sn = NULL;
        if (e && e->type == YAML_SEQUENCE_NODE && e->data.sequence.items.top - e->data.sequence.items.start == 2) {
            tn = yaml_document_get_node(c->doc, e->data.sequence.items.start[0]);
            sn = yaml_document_get_node(c->doc, e->data.sequence.items.start[1]);
        }
        if (!tn || !sn)
            return at(c, e ? e : v, "key '%s': expected [start_s, on|off]", k);
        if (p->nlight == ZF_MAX_LIGHT)
            return at(c, e, "key '%s': expected at most %d light periods", k, ZF_MAX_LIGHT);
        double t = 0;
        int rc = get_number(c, k, tn, 0, 1e9, &t);
        if (rc)
            return rc;
        if (p->nlight && !(t > p->light_t[p->nlight - 1]))
            return at(c, tn, "key '%s': expected start times that increase, got %g after %g", k, t,
                      p->light_t[p->nlight - 1]);
        const char *s = scalar(sn);
        if (!s || (strcmp(s, "on") != 0 && strcmp(s, "off") != 0))
            return at(c, sn, "key '%s': expected on or off, got \"%s\"", k, s ? s : "(not text)");
        p->light_t[p->nlight] = t;
        p->light_on[p->nlight] = strcmp(s, "on") == 0;
        p->nlight++;
    }
    if (!p->nlight)
        return at(c, v, "key '%s': expected at least one [start_s, on|off]", k);
    return ZF_OK;
}
/* metrics.endpoints: the list of endpoint columns the study analyses, checked
 * once the arena, its zones and the light schedule are known */
static int k_endpoints(ctx *c, const char *k, const yaml_node_t *v)
{
    if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top == v->data.sequence.items.start)
        return at(c, v, "key '%s': expected a list of endpoint names, e.g. [distance_mm, time_top_s]", k);
    c->endpoints = v;
    return ZF_OK;
}
static int k_bin_s(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    c->bin_node = v;
    if (s && strcmp(s, "none") == 0) /* the same as 0: no time bins */
        return zf_metric_param_set(&c->s->metrics, (size_t)zf_metric_param_find("bin_s"), 0.0);
    return mparam(c, k, k, v);
}
static const key_row metric_keys[] = {
    {"endpoints", k_endpoints}, {"bin_s", k_bin_s}, {"top_fraction", k_top}, {"top_mm", k_top_mm},
    {"bottom_fraction", k_bottom}, {"bottom_mm", k_bottom_mm}, {"freeze_speed_mm_s", k_mparam}, {"freeze_min_s", k_mparam},
    {"max_speed_percentile", k_mparam}, {"move_start_mm_s", k_mparam}, {"move_stop_mm_s", k_mparam},
    {"move_avg_samples", k_mparam}, {"erratic_speed_mm_s", k_mparam}, {"erratic_accel_mm_s2", k_mparam},
    {"erratic_turn_deg", k_mparam}, {"turn_min_step_mm", k_mparam}, {"rotation_tolerance_deg", k_mparam},
    {"wall_band_mm", k_mparam}, {"teleport_speed_mm_s", k_mparam}, {"max_gap_s", k_mparam},
    {"interpolation", k_mparam}, {"smooth", k_smooth}, {"light_schedule", k_light}, {"pmr_window_s", k_mparam},
};
static int k_metrics(ctx *c, const char *k, const yaml_node_t *v)
{
    (void)k;
    return walk(c, v, "metrics", metric_keys, sizeof metric_keys / sizeof metric_keys[0]);
}

/* What the metric keys can only check once the whole file is read: zone
 * heights in mm against the tank, the bottom zone's default, Movement's
 * thresholds. */
static int metric_keys_finish(ctx *c)
{
    zf_study *s = c->s;
    zf_metric_params *p = &s->metrics;
    if (c->top_mm_node) {
        if (c->top_set)
            return at(c, c->top_mm_node, "key 'top_mm': give top_fraction or top_mm, not both");
        if (!(c->top_mm <= s->arena.height_mm))
            return at(c, c->top_mm_node, "key 'top_mm': expected at most the tank height (%g mm), got %g",
                      s->arena.height_mm, c->top_mm);
        p->top_fraction = c->top_mm / s->arena.height_mm;
    }
    if (c->bottom_mm_node) {
        if (c->bottom_frac_set)
            return at(c, c->bottom_mm_node, "key 'bottom_mm': give bottom_fraction or bottom_mm, not both");
        if (!(c->bottom_mm <= s->arena.height_mm))
            return at(c, c->bottom_mm_node, "key 'bottom_mm': expected at most the tank height (%g mm), got %g",
                      s->arena.height_mm, c->bottom_mm);
        p->bottom_fraction = c->bottom_mm / s->arena.height_mm;
        c->bottom_set = 1;
    }
    if (!c->bottom_set)
        p->bottom_fraction = p->top_fraction;
    if (!(p->move_stop_mm_s <= p->move_start_mm_s))
        return zf_error(ZF_ESTUDY, "'%s': metrics: move_stop_mm_s (%g) must not exceed move_start_mm_s (%g)",
                        c->path, p->move_stop_mm_s, p->move_start_mm_s);
    if (c->endpoints) {
        const yaml_node_t *v = c->endpoints;
        memset(p->keep, 0, sizeof p->keep);
        p->select = 1;
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
            yaml_node_t *e = yaml_document_get_node(c->doc, *it);
            const char *name = e ? scalar(e) : NULL;
            int k = name ? zf_metric_endpoint_find(&s->arena, p, name) : -1;
            if (k < 0) {
                char valid[1536];
                zf_metric_endpoint_names(&s->arena, p, valid, sizeof valid);
                return at(c, e ? e : v, "key 'endpoints': unknown endpoint '%s' for this arena; expected one of: %s",
                          name ? name : "(a list or mapping)", valid);
            }
            if (p->keep[k])
                return at(c, e, "key 'endpoints': '%s' named twice", name);
            p->keep[k] = 1;
        }
    }
    if (p->bin_s == 0 && s->repeated)
        return at(c, c->bin_node, "key 'bin_s': 0 turns the time bins off, but compare.repeated analyses them: "
                                  "expected a bin width, or no 'repeated'");
    return ZF_OK;
}

static int k_factor(ctx *c, const char *k, const yaml_node_t *v) { return get_string(c, k, v, &c->s->factor); }
static int k_control(ctx *c, const char *k, const yaml_node_t *v) { return get_string(c, k, v, &c->s->control); }
static int k_adjust(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    static const char *ok[] = {"holm", "bonferroni", "hochberg", "BH", "BY", "sidak", "holm-sidak", "none"};
    for (size_t i = 0; s && i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(s, ok[i]) == 0)
            return get_string(c, k, v, &c->s->adjust);
    return at(c, v, "key '%s': expected holm, bonferroni, hochberg, BH, BY, sidak, holm-sidak or none, got \"%s\"", k,
              s ? s : "(not text)");
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
/* compare.factors: a list of 1 to 4 distinct sample-sheet columns (a factorial design) */
static int k_factors(ctx *c, const char *k, const yaml_node_t *v)
{
    zf_study *s = c->s;
    if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top == v->data.sequence.items.start)
        return at(c, v, "key '%s': expected a list of 1 to 4 sample-sheet columns, e.g. [stressor, drug]", k);
    for (size_t i = 0; i < s->nfactors; i++)
        free(s->factors[i]);
    free(s->factors);
    s->nfactors = 0;
    if (!(s->factors = calloc(4, sizeof *s->factors)))
        return zf_error(ZF_ENOMEM, "out of memory");
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *e = yaml_document_get_node(c->doc, *it);
        const char *name = e ? scalar(e) : NULL;
        if (!name || !*name)
            return at(c, e ? e : v, "key '%s': expected column names, got a list or mapping", k);
        if (s->nfactors == 4)
            return at(c, e, "key '%s': expected at most 4 factors", k);
        for (size_t i = 0; i < s->nfactors; i++)
            if (strcmp(s->factors[i], name) == 0)
                return at(c, e, "key '%s': column '%s' named twice", k, name);
        if (!(s->factors[s->nfactors] = zf_strdup(name)))
            return ZF_ENOMEM;
        s->nfactors++;
    }
    return ZF_OK;
}
/* compare.repeated: the within-subject factor; the pipeline has the time bins of /binned */
static int k_repeated(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    if (!s || (strcmp(s, "bin") != 0 && strcmp(s, "bin_start_s") != 0))
        return at(c, v, "key '%s': expected bin (the time bins of /binned), got \"%s\"", k, s ? s : "(not text)");
    return get_string(c, k, v, &c->s->repeated);
}
static int k_dose(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    if (!s || !*s)
        return at(c, v, "key '%s': expected the sample-sheet column of the dose, e.g. dose_mg_per_l", k);
    return get_string(c, k, v, &c->s->dose);
}
static int k_family(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    if (s && strcmp(s, "metric") == 0)
        c->s->family = 0;
    else if (s && strcmp(s, "study") == 0)
        c->s->family = 1;
    else
        return at(c, v, "key '%s': expected metric (the contrasts of one procedure within a metric) or study "
                        "(across all metrics), got \"%s\"", k, s ? s : "(not text)");
    return ZF_OK;
}
static const key_row compare_keys[] = {{"factor", k_factor}, {"control", k_control}, {"adjust", k_adjust},
                                       {"bootstrap", k_boot}, {"seed", k_seed}, {"factors", k_factors},
                                       {"repeated", k_repeated}, {"dose", k_dose}, {"family", k_family}};
static int k_compare(ctx *c, const char *k, const yaml_node_t *v)
{
    (void)k;
    return walk(c, v, "compare", compare_keys, sizeof compare_keys / sizeof compare_keys[0]);
}

/* ---- plot: and figures: (what 'zfstress plot' draws) --------------------- */

static void figure_free(zf_study_figure *f)
{
    for (size_t i = 0; i < f->nmetrics; i++)
        free(f->metrics[i]);
    for (size_t i = 0; i < f->ngroups; i++)
        free(f->groups[i]);
    for (size_t i = 0; i < f->ncells; i++)
        figure_free(&f->cells[i]);
    free(f->metrics);
    free(f->groups);
    free(f->cells);
    free(f->kind);
    free(f->format);
    free(f->file);
    free(f->title);
    free(f->effect);
    free(f->error);
    free(f->colour_by);
    memset(f, 0, sizeof *f);
}

static void plot_keys_free(zf_study *s)
{
    for (size_t i = 0; i < s->nplot_groups; i++) {
        free(s->plot_groups[i].name);
        free(s->plot_groups[i].label);
    }
    for (size_t i = 0; i < s->nplot_metrics; i++) {
        free(s->plot_metrics[i].name);
        free(s->plot_metrics[i].label);
        free(s->plot_metrics[i].unit);
        free(s->plot_metrics[i].title);
    }
    for (size_t i = 0; i < s->nfigures; i++)
        figure_free(&s->figures[i]);
    free(s->plot_groups);
    free(s->plot_metrics);
    free(s->figures);
    free(s->plot_font);
    free(s->dose_column);
    free(s->dose_label);
    free(s->dose_unit);
    s->plot_groups = NULL;
    s->plot_metrics = NULL;
    s->figures = NULL;
    s->plot_font = s->dose_column = s->dose_label = s->dose_unit = NULL;
    s->nplot_groups = s->nplot_metrics = s->nfigures = 0;
}

/* A whole number in [lo, hi]. */
static int get_count(ctx *c, const char *key, const yaml_node_t *v, double lo, double hi, double *dst)
{
    int rc = get_number(c, key, v, lo, hi, dst);
    if (!rc && *dst != floor(*dst))
        return at(c, v, "key '%s': expected a whole number, got %s", key, scalar(v));
    return rc;
}

/* One of the words in ok[] (copied into *dst). */
static int get_word(ctx *c, const char *key, const yaml_node_t *v, const char *const *ok, size_t nok, char **dst)
{
    const char *s = scalar(v);
    for (size_t i = 0; s && i < nok; i++)
        if (strcmp(s, ok[i]) == 0)
            return get_string(c, key, v, dst);
    char list[256];
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; i < nok && o < sizeof list; i++) {
        int w = snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", ok[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    return at(c, v, "key '%s': expected one of %s, got \"%s\"", key, list, s ? s : "(not text)");
}

/* A text value or a list of them ("a" or [a, b]) into a new array. */
static int get_list(ctx *c, const char *key, const yaml_node_t *v, char ***dst, size_t *n)
{
    const yaml_node_t *items[256];
    size_t k = 0;
    if (v->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
            if (k == sizeof items / sizeof items[0])
                return at(c, v, "key '%s': more than %zu entries", key, sizeof items / sizeof items[0]);
            items[k++] = yaml_document_get_node(c->doc, *it);
        }
    } else {
        items[k++] = v;
    }
    if (k == 0)
        return at(c, v, "key '%s': expected at least one name", key);
    char **out = calloc(k, sizeof *out);
    if (!out)
        return zf_error(ZF_ENOMEM, "out of memory");
    int rc = ZF_OK;
    for (size_t i = 0; i < k && rc == ZF_OK; i++)
        rc = items[i] ? get_string(c, key, items[i], &out[i]) : at(c, v, "key '%s': bad entry", key);
    if (rc) {
        for (size_t i = 0; i < k; i++)
            free(out[i]);
        free(out);
        return rc;
    }
    for (size_t i = 0; i < *n; i++)
        free((*dst)[i]);
    free(*dst);
    *dst = out;
    *n = k;
    return ZF_OK;
}

static int k_pg_name(ctx *c, const char *k, const yaml_node_t *v)
{
    return get_string(c, k, v, &((zf_study_group_style *)c->item)->name);
}
static int k_pg_label(ctx *c, const char *k, const yaml_node_t *v)
{
    return get_string(c, k, v, &((zf_study_group_style *)c->item)->label);
}
static int k_pg_colour(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    long rgb = 0;
    int ok = s && s[0] == '#' && strlen(s) == 7;
    for (size_t i = 1; ok && i < 7; i++) {
        char ch = s[i];
        int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
              : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
        ok = d >= 0;
        rgb = rgb * 16 + d;
    }
    if (!ok)
        return at(c, v, "key '%s': expected a colour \"#RRGGBB\", got \"%s\"", k, s ? s : "(not text)");
    ((zf_study_group_style *)c->item)->rgb = rgb;
    return ZF_OK;
}
static const key_row plot_group_keys[] = {{"name", k_pg_name}, {"label", k_pg_label}, {"colour", k_pg_colour},
                                          {"color", k_pg_colour}};
static int k_plot_groups(ctx *c, const char *k, const yaml_node_t *v)
{
    zf_study *s = c->s;
    if (v->type != YAML_SEQUENCE_NODE)
        return at(c, v, "key '%s': expected a list of {name, label, colour}", k);
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    zf_study_group_style *g = calloc(n + 1, sizeof *g);
    if (!g)
        return zf_error(ZF_ENOMEM, "out of memory");
    for (size_t i = 0; i < s->nplot_groups; i++) {
        free(s->plot_groups[i].name);
        free(s->plot_groups[i].label);
    }
    free(s->plot_groups);
    s->plot_groups = g;
    s->nplot_groups = 0;
    void *saved = c->item;
    int rc = ZF_OK;
    for (size_t i = 0; i < n && rc == ZF_OK; i++) {
        yaml_node_t *item = yaml_document_get_node(c->doc, v->data.sequence.items.start[i]);
        g[i].rgb = -1;
        s->nplot_groups = i + 1;
        c->item = &g[i];
        if (!item) {
            rc = at(c, v, "plot.groups: bad entry %zu", i + 1);
            break;
        }
        if ((rc = walk(c, item, "plot.groups", plot_group_keys, sizeof plot_group_keys / sizeof plot_group_keys[0])))
            break;
        if (!g[i].name) {
            rc = at(c, item, "plot.groups: entry %zu has no 'name' (the level in the sample sheet)", i + 1);
            break;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(g[j].name, g[i].name) == 0) {
                rc = at(c, item, "plot.groups: group '%s' listed twice", g[i].name);
                break;
            }
    }
    c->item = saved;
    return rc;
}

static int k_pm_label(ctx *c, const char *k, const yaml_node_t *v)
{
    return get_string(c, k, v, &((zf_study_metric_style *)c->item)->label);
}
static int k_pm_unit(ctx *c, const char *k, const yaml_node_t *v)
{
    return get_string(c, k, v, &((zf_study_metric_style *)c->item)->unit);
}
static int k_pm_title(ctx *c, const char *k, const yaml_node_t *v)
{
    return get_string(c, k, v, &((zf_study_metric_style *)c->item)->title);
}
static const key_row plot_metric_keys[] = {{"label", k_pm_label}, {"unit", k_pm_unit}, {"title", k_pm_title}};
static int k_plot_metrics(ctx *c, const char *k, const yaml_node_t *v)
{
    zf_study *s = c->s;
    if (v->type != YAML_MAPPING_NODE)
        return at(c, v, "key '%s': expected a mapping of metric names to {label, unit, title}", k);
    size_t n = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
    zf_study_metric_style *m = calloc(n + 1, sizeof *m);
    if (!m)
        return zf_error(ZF_ENOMEM, "out of memory");
    for (size_t i = 0; i < s->nplot_metrics; i++) {
        free(s->plot_metrics[i].name);
        free(s->plot_metrics[i].label);
        free(s->plot_metrics[i].unit);
        free(s->plot_metrics[i].title);
    }
    free(s->plot_metrics);
    s->plot_metrics = m;
    s->nplot_metrics = 0;
    void *saved = c->item;
    int rc = ZF_OK;
    for (size_t i = 0; i < n && rc == ZF_OK; i++) {
        yaml_node_pair_t *p = v->data.mapping.pairs.start + i;
        yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
        yaml_node_t *vn = yaml_document_get_node(c->doc, p->value);
        const char *name = kn ? scalar(kn) : NULL;
        s->nplot_metrics = i + 1;
        if (!name || !vn) {
            rc = at(c, kn ? kn : v, "plot.metrics: expected metric names as keys");
            break;
        }
        if (zf_metric_find(name) < 0 && strncmp(name, "zone_", 5) != 0) {
            rc = at(c, kn, "plot.metrics: unknown metric '%s' ('zfstress metrics --list' prints the catalogue)", name);
            break;
        }
        if (!(m[i].name = zf_strdup(name))) {
            rc = ZF_ENOMEM;
            break;
        }
        c->item = &m[i];
        rc = walk(c, vn, "plot.metrics", plot_metric_keys, sizeof plot_metric_keys / sizeof plot_metric_keys[0]);
    }
    c->item = saved;
    return rc;
}

static int k_pd_column(ctx *c, const char *k, const yaml_node_t *v) { return get_string(c, k, v, &c->s->dose_column); }
static int k_pd_label(ctx *c, const char *k, const yaml_node_t *v) { return get_string(c, k, v, &c->s->dose_label); }
static int k_pd_unit(ctx *c, const char *k, const yaml_node_t *v) { return get_string(c, k, v, &c->s->dose_unit); }
static const key_row plot_dose_keys[] = {{"column", k_pd_column}, {"label", k_pd_label}, {"unit", k_pd_unit}};
static int k_plot_dose(ctx *c, const char *k, const yaml_node_t *v)
{
    (void)k;
    return walk(c, v, "plot.dose", plot_dose_keys, sizeof plot_dose_keys / sizeof plot_dose_keys[0]);
}
static int k_plot_font(ctx *c, const char *k, const yaml_node_t *v) { return get_string(c, k, v, &c->s->plot_font); }
static int k_plot_dpi(ctx *c, const char *k, const yaml_node_t *v)
{
    double x = 0;
    int rc = get_count(c, k, v, 1, 1200, &x);
    if (!rc)
        c->s->plot_dpi = (int)x;
    return rc;
}
static const key_row plot_keys[] = {{"font", k_plot_font}, {"dpi", k_plot_dpi}, {"groups", k_plot_groups},
                                    {"metrics", k_plot_metrics}, {"dose", k_plot_dose}};
static int k_plot(ctx *c, const char *k, const yaml_node_t *v)
{
    (void)k;
    return walk(c, v, "plot", plot_keys, sizeof plot_keys / sizeof plot_keys[0]);
}

#define FIG ((zf_study_figure *)c->item)
static int k_f_kind(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    if (!s || !zf_figure_kind_find(s)) {
        char names[256];
        size_t o = 0;
        names[0] = '\0';
        for (size_t i = 0; i < zf_figure_kind_count() && o < sizeof names; i++) {
            int w = snprintf(names + o, sizeof names - o, "%s%s", i ? ", " : "", zf_figure_kind_get(i)->name);
            if (w < 0)
                break;
            o += (size_t)w;
        }
        return at(c, v, "key '%s': expected one of %s, got \"%s\"", k, names, s ? s : "(not text)");
    }
    return get_string(c, k, v, &FIG->kind);
}
static int k_f_metrics(ctx *c, const char *k, const yaml_node_t *v)
{
    int rc = get_list(c, k, v, &FIG->metrics, &FIG->nmetrics);
    /* per-zone columns (zone_<name>_...) are checked when drawn: the zones
     * may be declared after figures: */
    for (size_t i = 0; !rc && i < FIG->nmetrics; i++)
        if (zf_metric_find(FIG->metrics[i]) < 0 && strncmp(FIG->metrics[i], "zone_", 5) != 0)
            rc = at(c, v, "key '%s': unknown metric '%s' ('zfstress metrics --list' prints the catalogue)", k,
                    FIG->metrics[i]);
    return rc;
}
static int k_f_groups(ctx *c, const char *k, const yaml_node_t *v) { return get_list(c, k, v, &FIG->groups, &FIG->ngroups); }
static int k_f_size(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    if (s && strcmp(s, "single") == 0) {
        FIG->width_mm = 85.0;
        return ZF_OK;
    }
    if (s && strcmp(s, "double") == 0) {
        FIG->width_mm = 180.0;
        return ZF_OK;
    }
    if (s)
        return get_number(c, k, v, 20.0, 1000.0, &FIG->width_mm);
    if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top - v->data.sequence.items.start != 2)
        return at(c, v, "key '%s': expected [width_mm, height_mm], single (85 mm) or double (180 mm)", k);
    yaml_node_t *w = yaml_document_get_node(c->doc, v->data.sequence.items.start[0]);
    yaml_node_t *h = yaml_document_get_node(c->doc, v->data.sequence.items.start[1]);
    if (!w || !h)
        return at(c, v, "key '%s': expected [width_mm, height_mm]", k);
    int rc = get_number(c, k, w, 20.0, 1000.0, &FIG->width_mm);
    return rc ? rc : get_number(c, k, h, 20.0, 1000.0, &FIG->height_mm);
}
static int k_f_format(ctx *c, const char *k, const yaml_node_t *v)
{
    static const char *const ok[] = {"png", "pdf", "svg"};
    return get_word(c, k, v, ok, 3, &FIG->format);
}
static int k_f_dpi(ctx *c, const char *k, const yaml_node_t *v)
{
    double x = 0;
    int rc = get_count(c, k, v, 1, 1200, &x);
    if (!rc)
        FIG->dpi = (int)x;
    return rc;
}
static int k_f_file(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    if (!s || !s[0] || strchr(s, '/') || strchr(s, '\\') || s[0] == '.')
        return at(c, v, "key '%s': expected a file name without directory (written under figures/), got \"%s\"",
                  k, s ? s : "(not text)");
    return get_string(c, k, v, &FIG->file);
}
static int k_f_title(ctx *c, const char *k, const yaml_node_t *v) { return get_string(c, k, v, &FIG->title); }
static int k_f_effect(ctx *c, const char *k, const yaml_node_t *v)
{
    static const char *const ok[] = {"mean_diff", "median_diff", "cohens_d", "hedges_g"};
    return get_word(c, k, v, ok, 4, &FIG->effect);
}
static int k_f_error(ctx *c, const char *k, const yaml_node_t *v)
{
    static const char *const ok[] = {"sem", "ci95"};
    return get_word(c, k, v, ok, 2, &FIG->error);
}
static int k_f_lines(ctx *c, const char *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    if (s && (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 || strcmp(s, "on") == 0))
        FIG->lines = 1;
    else if (s && (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 || strcmp(s, "off") == 0))
        FIG->lines = 0;
    else
        return at(c, v, "key '%s': expected true or false, got \"%s\"", k, s ? s : "(not text)");
    return ZF_OK;
}
static int k_f_colour(ctx *c, const char *k, const yaml_node_t *v)
{
    static const char *const ok[] = {"time", "speed"};
    return get_word(c, k, v, ok, 2, &FIG->colour_by);
}
static int k_f_columns(ctx *c, const char *k, const yaml_node_t *v)
{
    double x = 0;
    int rc = get_count(c, k, v, 1, 26, &x);
    if (!rc)
        FIG->columns = (size_t)x;
    return rc;
}
static int figure_list(ctx *c, const char *where, const yaml_node_t *v, zf_study_figure **out, size_t *n, int cells);
static int k_f_cells(ctx *c, const char *k, const yaml_node_t *v)
{
    (void)k;
    zf_study_figure *f = FIG;
    if (c->in_cells) /* checked before descending: an alias may make the cells contain this panel */
        return at(c, v, "cells: a panel cannot hold a panel");
    c->in_cells = 1;
    int rc = figure_list(c, "cells", v, &f->cells, &f->ncells, 1);
    c->in_cells = 0;
    return rc;
}
#undef FIG
static const key_row figure_keys[] = {
    {"kind", k_f_kind}, {"metric", k_f_metrics}, {"metrics", k_f_metrics}, {"groups", k_f_groups},
    {"size", k_f_size}, {"format", k_f_format}, {"dpi", k_f_dpi}, {"file", k_f_file}, {"title", k_f_title},
    {"effect", k_f_effect}, {"error", k_f_error}, {"lines", k_f_lines}, {"colour_by", k_f_colour},
    {"color_by", k_f_colour}, {"columns", k_f_columns}, {"cells", k_f_cells},
};

/* A list of figures (figures:, or a panel's cells:), each checked for what its kind needs. */
static int figure_list(ctx *c, const char *where, const yaml_node_t *v, zf_study_figure **out, size_t *n, int cells)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return at(c, v, "key '%s': expected a list of figures ({kind: ..., metric: ...})", where);
    size_t k = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (k == 0)
        return at(c, v, "key '%s': expected at least one figure", where);
    zf_study_figure *f = calloc(k, sizeof *f);
    if (!f)
        return zf_error(ZF_ENOMEM, "out of memory");
    void *saved = c->item;
    int rc = ZF_OK;
    for (size_t i = 0; i < k && rc == ZF_OK; i++) {
        yaml_node_t *item = yaml_document_get_node(c->doc, v->data.sequence.items.start[i]);
        f[i].lines = -1;
        c->item = &f[i];
        if (!item) {
            rc = at(c, v, "%s: bad entry %zu", where, i + 1);
            break;
        }
        if ((rc = walk(c, item, where, figure_keys, sizeof figure_keys / sizeof figure_keys[0])))
            break;
        const zf_figure_kind *kd = f[i].kind ? zf_figure_kind_find(f[i].kind) : NULL;
        if (!kd)
            rc = at(c, item, "%s: entry %zu has no 'kind'", where, i + 1);
        else if (kd->needs_metric && f[i].nmetrics == 0)
            rc = at(c, item, "%s: entry %zu: kind '%s' needs 'metric:'", where, i + 1, kd->name);
        else if (strcmp(kd->name, "panel") == 0 && f[i].ncells == 0)
            rc = at(c, item, "%s: entry %zu: kind 'panel' needs 'cells:' (a list of figures)", where, i + 1);
        else if (strcmp(kd->name, "panel") != 0 && f[i].ncells)
            rc = at(c, item, "%s: entry %zu: only kind 'panel' has 'cells:'", where, i + 1);
        else if (cells && strcmp(kd->name, "panel") == 0)
            rc = at(c, item, "%s: entry %zu: a panel cannot hold a panel", where, i + 1);
        else if (cells && (f[i].file || f[i].format || f[i].dpi))
            rc = at(c, item, "%s: entry %zu: file, format and dpi belong to the panel, not its cells", where, i + 1);
    }
    c->item = saved;
    if (rc) {
        for (size_t i = 0; i < k; i++)
            figure_free(&f[i]);
        free(f);
        return rc;
    }
    for (size_t i = 0; i < *n; i++)
        figure_free(&(*out)[i]);
    free(*out);
    *out = f;
    *n = k;
    return ZF_OK;
}
static int k_figures(ctx *c, const char *k, const yaml_node_t *v)
{
    int rc = figure_list(c, k, v, &c->s->figures, &c->s->nfigures, 0);
    for (size_t i = 0; !rc && i < c->s->nfigures; i++)
        for (size_t j = 0; j < i; j++) {
            const char *a = c->s->figures[i].file, *b = c->s->figures[j].file;
            if (a && b && strcmp(a, b) == 0 &&
                strcmp(c->s->figures[i].format ? c->s->figures[i].format : "png",
                       c->s->figures[j].format ? c->s->figures[j].format : "png") == 0)
                return at(c, v, "figures: entries %zu and %zu both write '%s'", j + 1, i + 1, a);
        }
    return rc;
}

static const key_row top_keys[] = {
    {"samples", k_samples}, {"format", k_format}, {"columns", k_columns}, {"units", k_units},
    {"px_per_mm", k_px}, {"y_axis", k_y_axis}, {"fps", k_fps}, {"origin_x", k_ox}, {"origin_y", k_oy},
    {"time_offset_s", k_toff}, {"bodypart", k_bodypart}, {"min_likelihood", k_lik}, {"decimal", k_decimal},
    {"arena", k_arena},
    {"metrics", k_metrics}, {"compare", k_compare}, {"output", k_output},
    {"plot", k_plot}, {"figures", k_figures},
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
        rc = zf_error(ZF_EIO, "'%s': cannot read: %s", path, strerror(errno));
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
    char *text = NULL, *dir = NULL;
    size_t len = 0;
    int rc = read_all(path, &text, &len);
    if (rc == ZF_OK) {
        if (!(dir = zf_path_dir(path)))
            rc = ZF_ENOMEM;
        else
            rc = zf_study_parse(path, dir, text, len, out);
    }
    free(text);
    free(dir);
    return rc;
}

/* libyaml's scanner is quadratic in the depth of unclosed flow collections
 * ("[[[[..." hangs it) and its loader follows aliases into cycles: a study
 * file never nests deeper than a few levels, so refuse deep nesting before
 * parsing. Brackets are counted outside comments (quotes are not tracked, so
 * a quoted '[' counts too: harmless at this limit). */
#define STUDY_MAX_NESTING 64
static int nesting_check(const char *path, const char *text, size_t len)
{
    size_t line = 1, col = 0, depth = 0;
    int comment = 0, rc = ZF_OK;
    for (size_t i = 0; i < len && rc == ZF_OK; i++) {
        char ch = text[i];
        col++;
        if (ch == '\n') {
            line++;
            col = 0;
            comment = 0;
        } else if (comment) {
            continue;
        } else if (ch == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
            comment = 1;
        } else if (ch == '[' || ch == '{') {
            if (++depth > STUDY_MAX_NESTING)
                rc = zf_error(ZF_ESTUDY, "'%s':%zu:%zu: lists and mappings nested deeper than %d levels: expected a study "
                              "file (a few levels of keys)", path, line, col, STUDY_MAX_NESTING);
        } else if ((ch == ']' || ch == '}') && depth > 0) {
            depth--;
        }
    }
    return rc;
}

/* What figures: can only check once the metric keys are read: a timecourse
 * needs the time bins, and a figure draws the endpoints the study selects. */
static int figures_finish(ctx *c, const char *where, const zf_study_figure *f, size_t n)
{
    const zf_metric_params *p = &c->s->metrics;
    for (size_t i = 0; i < n; i++) {
        int rc;
        if (f[i].kind && strcmp(f[i].kind, "timecourse") == 0 && p->bin_s == 0)
            return zf_error(ZF_ESTUDY, "'%s': %s: entry %zu: a timecourse needs the time bins, which metrics.bin_s: 0 "
                            "turns off: expected a bin width", c->path, where, i + 1);
        for (size_t m = 0; m < f[i].nmetrics; m++) {
            int k = zf_metric_endpoint_find(&c->s->arena, p, f[i].metrics[m]);
            if (k >= 0 && !zf_metric_selected(p, (size_t)k))
                return zf_error(ZF_ESTUDY, "'%s': %s: entry %zu: metric '%s' is not among metrics.endpoints: "
                                "expected one of the endpoints the study analyses", c->path, where, i + 1,
                                f[i].metrics[m]);
        }
        if ((rc = figures_finish(c, "cells", f[i].cells, f[i].ncells)) != ZF_OK)
            return rc;
    }
    return ZF_OK;
}

int zf_study_parse(const char *path, const char *dir, const char *text, size_t len, zf_study *out)
{
    int rc = ZF_OK;
    zf_study s;
    yaml_parser_t parser;
    yaml_document_t doc;
    int parser_ok = 0, doc_ok = 0;
    ctx c;

    zf_study_default(&s);
    if (!(s.text = malloc(len + 1))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    memcpy(s.text, text, len);
    s.text[len] = '\0';
    zf_sha256_mem(s.text, len, s.sha256);
    if (!(s.path = zf_strdup(path)) || !(s.dir = zf_strdup(dir))) {
        rc = ZF_ENOMEM;
        goto done;
    }
    if ((rc = nesting_check(path, s.text, len)) != ZF_OK)
        goto done;
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
    c.top_set = c.bottom_frac_set = c.top_mm_node = c.bottom_mm_node = NULL;
    c.top_mm = c.bottom_mm = 0;
    c.endpoints = c.bin_node = NULL;
    c.zone = NULL;
    c.zone_shapes = 0;
    c.item = NULL;
    c.in_cells = 0;
    if ((rc = walk(&c, root, "study", top_keys, sizeof top_keys / sizeof top_keys[0])) != ZF_OK)
        goto done;
    if ((rc = metric_keys_finish(&c)) != ZF_OK || (rc = figures_finish(&c, "figures", s.figures, s.nfigures)) != ZF_OK)
        goto done;
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
