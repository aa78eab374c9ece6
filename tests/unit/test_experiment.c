/* test_experiment.c: unit tests of the HDF5 experiment file (atomic write, round trips, read-only and abandoned opens, errors, reproducible bytes). */
#include "check.h"
#include "testutil.h"
#include "zfstress/core.h"
#include "zfstress/experiment.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char g_dir[1024];

static void tmp_path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", g_dir, name);
}

static int tmp_exists(const char *path)
{
    char t[1300];
    snprintf(t, sizeof t, "%s.tmp", path);
    return tu_exists(t);
}

static int msg_has(const char *needle) { return strstr(zf_errmsg(), needle) != NULL; }

#define NSUB 3

/* Track k of the fixture: n = 5 + 3k samples at 25 fps; track 1 has missing samples. */
static void make_track(zf_track *tr, size_t k)
{
    zf_track_init(tr);
    size_t n = 5 + 3 * k;
    for (size_t i = 0; i < n; i++) {
        double x = 10.0 * (double)k + 0.1 * (double)i + 1.0 / 3.0;
        double y = 100.0 - 2.5 * (double)i + 1e-3 * (double)k;
        if (k == 1 && (i == 2 || i == 3))
            x = y = NAN;
        CHECK_OK(zf_track_push(tr, (double)i / 25.0 + 0.5 * (double)k, x, y));
    }
}

static const char *g_sheet =
    "id,group,dose_mg_per_l,note\n"
    "f01,control,0,\"first, fish\"\n"
    "f02,ket20,20,\n"
    "f03,ket20,2.5,ok\n";

static void fill_stats(zf_stat_table *st, zf_stat_row *rows)
{
    memset(rows, 0, 2 * sizeof *rows);
    snprintf(rows[0].metric, sizeof rows[0].metric, "%s", "time_top_s");
    snprintf(rows[0].contrast, sizeof rows[0].contrast, "%s", "ket20 - control");
    snprintf(rows[0].procedure, sizeof rows[0].procedure, "%s", "welch_t");
    snprintf(rows[0].adjust_method, sizeof rows[0].adjust_method, "%s", "holm");
    snprintf(rows[0].note, sizeof rows[0].note, "%s", "");
    rows[0].n1 = 2;
    rows[0].n2 = 1;
    rows[0].estimate = 12.5;
    rows[0].ci_low = -3.25;
    rows[0].ci_high = 28.125;
    rows[0].statistic = 1.75;
    rows[0].df = 3.5;
    rows[0].df2 = NAN;
    rows[0].p = 0.0123;
    rows[0].p_adjusted = 0.0246;
    rows[1] = rows[0];
    snprintf(rows[1].metric, sizeof rows[1].metric, "%s", "distance_mm");
    snprintf(rows[1].procedure, sizeof rows[1].procedure, "%s", "hedges_g");
    snprintf(rows[1].note, sizeof rows[1].note, "%s", "1 missing value dropped");
    rows[1].estimate = -0.5;
    rows[1].p = 1.0;
    st->n = 2;
    st->cap = 2;
    st->rows = rows;
}

static const double g_metric[NSUB] = {1.5, NAN, -2.25e-7};

/* Write the whole fixture experiment to path. Returns 1 when every step succeeded. */
static int build(const char *path, const zf_table *sheet)
{
    zf_experiment *e = NULL;
    int ok = 1;
    CHECK_OK(zf_experiment_create(path, &e));
    if (!e)
        return 0;
    CHECK(tmp_exists(path)); /* writing goes to path.tmp */
    CHECK_OK(zf_experiment_write_subjects(e, sheet));
    for (size_t k = 0; k < NSUB; k++) {
        zf_track tr;
        make_track(&tr, k);
        zf_track_source src = {"tracks/f.csv", "csv", "abc123", 0.1, k == 2 ? "down (flipped)" : "up", "positions in px / 10 px/mm", "", 25.0, NULL};
        int rc = zf_experiment_append_track(e, &tr, &src);
        CHECK_OK(rc);
        ok &= rc == 0;
        zf_track_free(&tr);
    }
    CHECK_OK(zf_experiment_finish_tracks(e));
    CHECK(zf_experiment_nsubjects(e) == NSUB);
    CHECK_OK(zf_experiment_write_metric(e, "time_top_s", "s", "time in the top half", "top_fraction=0.5", g_metric, NSUB));
    zf_stat_table st;
    zf_stat_row rows[2];
    fill_stats(&st, rows);
    CHECK_OK(zf_experiment_write_stats(e, &st));
    CHECK_OK(zf_experiment_set_text(e, "/provenance", "command", "zfstress run study.yaml"));
    CHECK_OK(zf_experiment_set_text(e, "/", "note", "caf\xC3\xA9 \xC2\xB5m")); /* UTF-8 text */
    int rc = zf_experiment_commit(e);
    CHECK_OK(rc);
    return ok && rc == 0;
}

static void check_contents(const char *path, const zf_table *sheet)
{
    zf_experiment *e = NULL;
    CHECK_OK(zf_experiment_open(path, 0, &e));
    if (!e)
        return;
    CHECK(!tmp_exists(path)); /* a read-only open works in place */
    CHECK(zf_experiment_nsubjects(e) == NSUB);
    CHECK(zf_experiment_nsamples(e) == 5 + 8 + 11);

    for (size_t k = 0; k < NSUB; k++) {
        zf_track want, got;
        make_track(&want, k);
        zf_track_init(&got);
        CHECK_OK(zf_experiment_read_track(e, k, &got));
        CHECK(got.n == want.n);
        for (size_t i = 0; i < got.n && i < want.n; i++) {
            CHECK(got.t[i] == want.t[i]);                      /* float64: exact */
            CHECK(got.x[i] == (double)(float)want.x[i] || (isnan(got.x[i]) && isnan(want.x[i])));
            CHECK_NEAR(got.y[i], want.y[i], 1e-6);             /* float32 */
        }
        CHECK(zf_track_missing(&got) == (k == 1 ? 2u : 0u));
        zf_track_free(&got);
        zf_track_free(&want);
    }
    zf_track tr;
    zf_track_init(&tr);
    CHECK(zf_experiment_read_track(e, NSUB, &tr) == ZF_EINVAL);
    CHECK(tr.n == 0);

    zf_table *t = NULL;
    CHECK_OK(zf_experiment_read_subjects(e, &t));
    if (t) {
        CHECK(t->ncol == sheet->ncol && t->nrow == sheet->nrow);
        for (size_t c = 0; c < t->ncol && c < sheet->ncol; c++) {
            CHECK(strcmp(t->names[c], sheet->names[c]) == 0);
            for (size_t r = 0; r < t->nrow && r < sheet->nrow; r++) {
                int same = strcmp(zf_table_cell(t, r, c), zf_table_cell(sheet, r, c)) == 0;
                CHECK(same);
                if (!same)
                    fprintf(stderr, "  subjects[%zu][%zu]: '%s' vs '%s'\n", r, c, zf_table_cell(t, r, c),
                            zf_table_cell(sheet, r, c));
            }
        }
        zf_table_free(t);
    }

    double v[NSUB] = {0, 0, 0};
    CHECK_OK(zf_experiment_read_metric(e, "time_top_s", v, NSUB));
    for (size_t k = 0; k < NSUB; k++)
        CHECK_NEAR(v[k], g_metric[k], 0.0);
    CHECK(zf_experiment_read_metric(e, "time_top_s", v, 2) == ZF_ESCHEMA); /* wrong length */
    CHECK(zf_experiment_read_metric(e, "no_such", v, NSUB) == ZF_ESCHEMA);
    CHECK(msg_has(path));
    char **names = NULL;
    size_t nn = 0;
    CHECK_OK(zf_experiment_list_metrics(e, &names, &nn));
    CHECK(nn == 1 && names && strcmp(names[0], "time_top_s") == 0);
    zf_strv_free(names, nn);

    zf_stat_table st, want;
    zf_stat_row rows[2];
    fill_stats(&want, rows);
    zf_stat_table_init(&st);
    CHECK_OK(zf_experiment_read_stats(e, &st));
    CHECK(st.n == 2);
    for (size_t r = 0; r < st.n && r < 2; r++) {
        const zf_stat_row *a = &st.rows[r], *b = &want.rows[r];
        CHECK(strcmp(a->metric, b->metric) == 0 && strcmp(a->contrast, b->contrast) == 0 &&
              strcmp(a->procedure, b->procedure) == 0 && strcmp(a->adjust_method, b->adjust_method) == 0 &&
              strcmp(a->note, b->note) == 0);
        CHECK(a->n1 == b->n1 && a->n2 == b->n2);
        CHECK_NEAR(a->estimate, b->estimate, 0.0);
        CHECK_NEAR(a->ci_low, b->ci_low, 0.0);
        CHECK_NEAR(a->ci_high, b->ci_high, 0.0);
        CHECK_NEAR(a->statistic, b->statistic, 0.0);
        CHECK_NEAR(a->df, b->df, 0.0);
        CHECK_NEAR(a->df2, b->df2, 0.0); /* NaN round trip */
        CHECK_NEAR(a->p, b->p, 0.0);
        CHECK_NEAR(a->p_adjusted, b->p_adjusted, 0.0);
    }
    zf_stat_table_free(&st);

    char *s = NULL;
    CHECK_OK(zf_experiment_get_text(e, "/provenance", "command", &s));
    CHECK(s && strcmp(s, "zfstress run study.yaml") == 0);
    free(s);
    s = NULL;
    CHECK_OK(zf_experiment_get_text(e, "/", "note", &s));
    CHECK(s && strcmp(s, "caf\xC3\xA9 \xC2\xB5m") == 0);
    free(s);
    s = NULL;
    CHECK_OK(zf_experiment_get_text(e, "/", "schema", &s));
    CHECK(s && strcmp(s, ZF_SCHEMA) == 0);
    free(s);
    s = NULL;
    CHECK(zf_experiment_get_text(e, "/", "no_such_key", &s) != ZF_OK);
    CHECK(s == NULL);
    CHECK(zf_experiment_get_text(e, "/nowhere", "command", &s) != ZF_OK);

    /* committing a read-only file is refused (and frees it) */
    CHECK(zf_experiment_commit(e) == ZF_EINVAL);
}

static void test_roundtrip(void)
{
    char csv[1200], h5[1200];
    tmp_path(csv, sizeof csv, "samples.csv");
    tmp_path(h5, sizeof h5, "exp.h5");
    CHECK(tu_write_text(csv, g_sheet) == 0);
    remove(h5);
    zf_table *sheet = NULL;
    CHECK_OK(zf_table_read(csv, &sheet));
    if (!sheet)
        return;
    CHECK(build(h5, sheet));
    CHECK(tu_exists(h5));
    CHECK(!tmp_exists(h5));
    check_contents(h5, sheet);

    /* A writable open that is closed without commit: original untouched, no .tmp. */
    size_t len0 = 0, len1 = 0;
    char *before = tu_slurp(h5, &len0);
    zf_experiment *e = NULL;
    CHECK_OK(zf_experiment_open(h5, 1, &e));
    if (e) {
        CHECK(tmp_exists(h5));
        double w[NSUB] = {9, 9, 9};
        CHECK_OK(zf_experiment_write_metric(e, "distance_mm", "mm", "path length", "", w, NSUB));
        CHECK_OK(zf_experiment_set_text(e, "/provenance", "command", "changed"));
        zf_experiment_close(e);
    }
    zf_experiment_close(NULL);
    char *after = tu_slurp(h5, &len1);
    CHECK(before && after && len0 == len1 && memcmp(before, after, len0) == 0);
    free(before);
    free(after);
    CHECK(!tmp_exists(h5));
    CHECK_OK(zf_experiment_open(h5, 0, &e));
    if (e) {
        double w[NSUB];
        CHECK(zf_experiment_read_metric(e, "distance_mm", w, NSUB) == ZF_ESCHEMA);
        zf_experiment_close(e);
    }

    /* A writable open that commits replaces the file. */
    CHECK_OK(zf_experiment_open(h5, 1, &e));
    if (e) {
        double w[NSUB] = {9, 8, 7};
        CHECK_OK(zf_experiment_write_metric(e, "distance_mm", "mm", "path length", "", w, NSUB));
        CHECK_OK(zf_experiment_commit(e));
    }
    CHECK(!tmp_exists(h5));
    CHECK_OK(zf_experiment_open(h5, 0, &e));
    if (e) {
        double w[NSUB] = {0, 0, 0};
        CHECK_OK(zf_experiment_read_metric(e, "distance_mm", w, NSUB));
        CHECK(w[0] == 9.0 && w[1] == 8.0 && w[2] == 7.0);
        CHECK(zf_experiment_nsubjects(e) == NSUB);
        zf_experiment_close(e);
    }
    zf_table_free(sheet);
}

static void test_open_errors(void)
{
    char p[1200];
    zf_experiment *e = NULL;

    tmp_path(p, sizeof p, "missing.h5");
    remove(p);
    CHECK(zf_experiment_open(p, 0, &e) == ZF_EIO);
    CHECK(e == NULL);
    CHECK(msg_has(p));
    CHECK(zf_experiment_open(p, 1, &e) == ZF_EIO);
    CHECK(e == NULL && !tmp_exists(p) && !tu_exists(p));

    tmp_path(p, sizeof p, "text.h5");
    CHECK(tu_write_text(p, "this is not an HDF5 file\n") == 0);
    int rc = zf_experiment_open(p, 0, &e);
    CHECK(rc < 0 && e == NULL);
    CHECK(msg_has(p));
    rc = zf_experiment_open(p, 1, &e);
    CHECK(rc < 0 && e == NULL);
    CHECK(msg_has(p));
    CHECK(!tmp_exists(p));

    /* A new file closed without commit leaves nothing behind. */
    tmp_path(p, sizeof p, "abandoned.h5");
    remove(p);
    CHECK_OK(zf_experiment_create(p, &e));
    if (e)
        zf_experiment_close(e);
    CHECK(!tu_exists(p) && !tmp_exists(p));
}

static void test_reproducible(void)
{
    char csv[1200], a[1200], b[1200];
    tmp_path(csv, sizeof csv, "samples.csv");
    tmp_path(a, sizeof a, "repro_a.h5");
    tmp_path(b, sizeof b, "repro_b.h5");
    CHECK(tu_write_text(csv, g_sheet) == 0);
    remove(a);
    remove(b);
    zf_table *sheet = NULL;
    CHECK_OK(zf_table_read(csv, &sheet));
    if (!sheet)
        return;
    CHECK(setenv("SOURCE_DATE_EPOCH", "1700000000", 1) == 0);
    CHECK(build(a, sheet));
    CHECK(build(b, sheet));
    CHECK(tu_same_file(a, b));
    zf_experiment *e = NULL;
    CHECK_OK(zf_experiment_open(a, 0, &e));
    if (e) {
        char *s = NULL;
        CHECK_OK(zf_experiment_get_text(e, "/", "created", &s));
        CHECK(s && strcmp(s, "2023-11-14T22:13:20Z") == 0);
        free(s);
        zf_experiment_close(e);
    }
    unsetenv("SOURCE_DATE_EPOCH");
    zf_table_free(sheet);
}

int main(void)
{
    zf_init();
    CHECK_OK(tu_tmpdir(g_dir, sizeof g_dir, "/tmp/zf_experiment"));

    test_roundtrip();
    test_open_errors();
    test_reproducible();
    return CHECK_DONE();
}
