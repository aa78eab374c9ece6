/* test_sim.c: unit tests of the synthetic study generator (layout, ranges, determinism, option errors, effect direction). */
#include "check.h"
#include "testutil.h"
#include "zfstress/core.h"
#include "zfstress/sim.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LINE_MAX_LEN 512
#define M_PI_VALUE 3.14159265358979323846

static const char *tmp_base(void)
{
    const char *t = getenv("ZF_TMP");
    return (t && t[0]) ? t : "/tmp/zf_sim_test";
}

/* "<base>/<name>" into the caller's buffer. */
static void tmp_path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", tmp_base(), name);
}

static size_t count_dir_entries(const char *dir, size_t *tmp_files)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    *tmp_files = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        n++;
        if (strstr(e->d_name, ".tmp"))
            (*tmp_files)++;
    }
    closedir(d);
    return n;
}

/* Split a CSV line in place into at most max fields; returns the count. */
static size_t split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

typedef struct track_stats {
    size_t rows;
    int rows_ok;      /* frame == row index, time == frame / fps, numbers parse */
    int inside;       /* every position inside the 200 x 150 mm tank */
    double top;       /* fraction of frames with y > 75 mm */
    double turns;     /* |net heading change| in turns per minute */
} track_stats;

/* Read a track file with fgets / strtod and summarise it. */
static int read_track(const char *path, double fps, track_stats *st)
{
    char line[LINE_MAX_LEN];
    FILE *fp = fopen(path, "r");
    memset(st, 0, sizeof *st);
    st->rows_ok = 1;
    st->inside = 1;
    if (!fp)
        return -1;
    if (!fgets(line, sizeof line, fp) || strcmp(line, "frame,time_s,x_mm,y_mm\n") != 0) {
        fclose(fp);
        return -1;
    }
    size_t top = 0;
    double px = NAN, py = NAN, prev_h = NAN, net = 0.0;
    while (fgets(line, sizeof line, fp)) {
        char *f[5];
        char *end = NULL;
        if (split(line, f, 5) != 4) {
            st->rows_ok = 0;
            break;
        }
        double frame = strtod(f[0], &end);
        double t = strtod(f[1], &end);
        double x = strtod(f[2], &end);
        double y = strtod(f[3], &end);
        if (*end != '\0' || frame != (double)st->rows || fabs(t - frame / fps) > 1e-4)
            st->rows_ok = 0;
        if (!(x >= 0.0 && x <= 200.0 && y >= 0.0 && y <= 150.0))
            st->inside = 0;
        if (y > 75.0)
            top++;
        if (st->rows > 0 && hypot(x - px, y - py) > 0.5) {
            double h = atan2(y - py, x - px);
            if (!isnan(prev_h))
                net += remainder(h - prev_h, 2.0 * M_PI_VALUE);
            prev_h = h;
        }
        px = x;
        py = y;
        st->rows++;
    }
    fclose(fp);
    if (st->rows) {
        st->top = (double)top / (double)st->rows;
        st->turns = fabs(net) / (2.0 * M_PI_VALUE) / ((double)st->rows / fps / 60.0);
    }
    return 0;
}

static void test_group_dose(void)
{
    static const struct {
        const char *name;
        double dose;
    } ok[] = {{"control", 0.0}, {"ket2", 2.0}, {"ket20", 20.0}, {"ket40", 40.0},
              {"ket0", 0.0},    {"ket2.5", 2.5}, {"ket.5", 0.5}, {"ketamine", 20.0}};
    static const char *const bad[] = {"", "ket", "ket-2", "ket2x", "foo", "Control", "ket 2", " ket2",
                                      "ketinf", "ketnan", "ket1e3", "ket2.5.1", "ket.", "ket0x10", "ketamin"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double d = -1.0;
        CHECK_OK(zf_sim_group_dose(ok[i].name, &d));
        CHECK_NEAR(d, ok[i].dose, 1e-15);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double d = -7.0;
        CHECK(zf_sim_group_dose(bad[i], &d) == ZF_EINVAL);
        CHECK(d == -7.0); /* untouched on failure */
        CHECK(strstr(zf_errmsg(), "expected") != NULL);
    }
    CHECK(zf_sim_group_dose("foo", &(double){0}) == ZF_EINVAL);
    CHECK(strstr(zf_errmsg(), "'foo'") != NULL);
    CHECK(strstr(zf_errmsg(), "ketN") != NULL);
    CHECK(zf_sim_group_dose(NULL, &(double){0}) == ZF_EINVAL);
}

static void test_defaults(void)
{
    zf_sim_opts o;
    zf_sim_opts_default(&o);
    CHECK(o.per_group == 12);
    CHECK_NEAR(o.seconds, 360.0, 0);
    CHECK_NEAR(o.fps, 30.0, 0);
    CHECK(o.seed == 1);
    CHECK(o.groups && strcmp(o.groups, "control,ket2,ket20,ket40") == 0);
}

static void test_invalid_opts(void)
{
    char dir[1024];
    struct stat st;
    tmp_path(dir, sizeof dir, "never_created");
    zf_sim_opts o;

#define BAD(field, value, word) do { zf_sim_opts_default(&o); o.field = value; \
        CHECK(zf_simulate(&o, dir) == ZF_EINVAL); \
        CHECK(strstr(zf_errmsg(), word) != NULL); } while (0)
    BAD(per_group, 0, "fish per group");
    BAD(seconds, 0.0, "trial length");
    BAD(seconds, -5.0, "trial length");
    BAD(seconds, NAN, "trial length");
    BAD(seconds, INFINITY, "trial length");
    BAD(fps, 0.0, "frame rate");
    BAD(fps, -30.0, "frame rate");
    BAD(fps, NAN, "frame rate");
    BAD(seconds, 0.01, "less than one frame");
    BAD(groups, "", "empty");
    BAD(groups, "control,control", "listed twice");
    BAD(groups, "control,,ket2", "empty name");
    BAD(groups, "control,", "empty name");
    BAD(groups, "control,foo", "'foo'");
#undef BAD
    zf_sim_opts_default(&o);
    CHECK(zf_simulate(&o, NULL) == ZF_EINVAL);
    CHECK(zf_simulate(&o, "") == ZF_EINVAL);
    CHECK(zf_simulate(NULL, dir) == ZF_EINVAL);
    CHECK(stat(dir, &st) != 0); /* invalid options write nothing */

    /* an output directory that cannot be created is an I/O error */
    char file[1024], under[1100];
    tmp_path(file, sizeof file, "plain_file");
    FILE *fp = fopen(file, "w");
    CHECK(fp != NULL);
    if (fp)
        CHECK(fclose(fp) == 0);
    snprintf(under, sizeof under, "%s/study", file);
    o.per_group = 1;
    o.seconds = 1.0;
    CHECK(zf_simulate(&o, under) == ZF_EIO);
    CHECK(strstr(zf_errmsg(), "plain_file") != NULL);
}

static void run_small(const char *name, unsigned long seed)
{
    char dir[1024];
    zf_sim_opts o;
    zf_sim_opts_default(&o);
    o.per_group = 3;
    o.seconds = 60.0;
    o.fps = 10.0;
    o.seed = seed;
    tmp_path(dir, sizeof dir, name);
    CHECK_OK(zf_simulate(&o, dir));
}

static void test_layout(void)
{
    char dir[1024], path[1200], line[LINE_MAX_LEN];
    tmp_path(dir, sizeof dir, "small_a");

    /* samples.csv: header, 12 rows in group order, unique ids, file and fps */
    snprintf(path, sizeof path, "%s/samples.csv", dir);
    FILE *fp = fopen(path, "r");
    CHECK(fp != NULL);
    if (!fp)
        return;
    CHECK(fgets(line, sizeof line, fp) && strcmp(line, "subject,group,dose_mg_per_l,file,fps\n") == 0);
    static const char *const groups[] = {"control", "ket2", "ket20", "ket40"};
    static const double doses[] = {0, 2, 20, 40};
    char ids[12][64];
    size_t rows = 0;
    while (fgets(line, sizeof line, fp)) {
        char *f[6] = {NULL};
        size_t nf = split(line, f, 6);
        CHECK(nf == 5);
        if (nf != 5)
            continue;
        if (rows >= 12) {
            rows++;
            continue;
        }
        size_t g = rows / 3;
        CHECK(strcmp(f[1], groups[g]) == 0);
        CHECK_NEAR(strtod(f[2], NULL), doses[g], 0);
        CHECK(strcmp(f[4], "10") == 0);
        char want[128];
        CHECK(snprintf(want, sizeof want, "tracks/%s.csv", f[0]) < (int)sizeof want);
        CHECK(strcmp(f[3], want) == 0);
        CHECK(snprintf(ids[rows], sizeof ids[rows], "%s", f[0]) < (int)sizeof ids[rows]);
        for (size_t j = 0; j < rows; j++)
            CHECK(strcmp(ids[j], f[0]) != 0);

        track_stats st;
        snprintf(path, sizeof path, "%s/%s", dir, f[3]);
        CHECK(read_track(path, 10.0, &st) == 0);
        CHECK(st.rows == 600);
        CHECK(st.rows_ok);
        CHECK(st.inside);
        CHECK(st.top < 0.95); /* no fish lives at the surface */
        rows++;
    }
    fclose(fp);
    CHECK(rows == 12);
    CHECK(strcmp(ids[0], "control01") == 0);
    CHECK(strcmp(ids[5], "ket2_03") == 0);
    CHECK(strcmp(ids[7], "ket20_02") == 0);

    size_t tmp_files = 0;
    snprintf(path, sizeof path, "%s/tracks", dir);
    CHECK(count_dir_entries(path, &tmp_files) == 12);
    CHECK(tmp_files == 0);

    static const char yaml[] =
        "# Synthetic ketamine dose study written by `zfstress simulate` (synthetic data, not real fish).\n"
        "samples: samples.csv\n"
        "format: csv\n"
        "columns: {time: time_s, x: x_mm, y: y_mm}\n"
        "units: mm\n"
        "y_axis: up\n"
        "fps: 10\n"
        "arena: {kind: side, width_mm: 200, height_mm: 150}\n"
        "metrics: {top_fraction: 0.5, freeze_speed_mm_s: 5, freeze_min_s: 2, bin_s: 60}\n"
        "compare: {factor: group, control: control}\n"
        "output: results\n";
    size_t len = 0;
    snprintf(path, sizeof path, "%s/study.yaml", dir);
    char *text = tu_slurp(path, &len);
    CHECK(text && len == strlen(yaml) && memcmp(text, yaml, len) == 0);
    free(text);
}

static void test_determinism(void)
{
    static const char *const files[] = {"samples.csv", "study.yaml", "tracks/control01.csv",
                                        "tracks/ket2_02.csv", "tracks/ket40_03.csv"};
    char a[1200], b[1200], c[1200], base[1024];
    tmp_path(base, sizeof base, "");
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(a, sizeof a, "%ssmall_a/%s", base, files[i]);
        snprintf(b, sizeof b, "%ssmall_b/%s", base, files[i]);
        snprintf(c, sizeof c, "%ssmall_c/%s", base, files[i]);
        CHECK(tu_same_file(a, b));
        if (strncmp(files[i], "tracks/", 7) == 0)
            CHECK(!tu_same_file(a, c));
        else
            CHECK(tu_same_file(a, c)); /* the layout does not depend on the seed */
    }
}

static void test_other_groups(void)
{
    char dir[1024], path[1200];
    size_t len = 0;
    zf_sim_opts o;
    zf_sim_opts_default(&o);
    o.per_group = 2;
    o.seconds = 2.0;
    o.fps = 29.97;
    o.groups = "control, ketamine";
    tmp_path(dir, sizeof dir, "ketamine");
    CHECK_OK(zf_simulate(&o, dir));
    snprintf(path, sizeof path, "%s/samples.csv", dir);
    char *text = tu_slurp(path, &len);
    CHECK(text && strstr(text, "\nketamine02,ketamine,20,tracks/ketamine02.csv,29.97\n") != NULL);
    CHECK(text && strstr(text, "\ncontrol01,control,0,tracks/control01.csv,29.97\n") != NULL);
    free(text);
    track_stats st;
    snprintf(path, sizeof path, "%s/tracks/ketamine01.csv", dir);
    CHECK(read_track(path, 29.97, &st) == 0);
    CHECK(st.rows == 60);
    CHECK(st.rows_ok && st.inside);

    /* without a "control" group the first group is the reference */
    o.groups = "ket2,ket40";
    o.per_group = 1;
    tmp_path(dir, sizeof dir, "nocontrol");
    CHECK_OK(zf_simulate(&o, dir));
    snprintf(path, sizeof path, "%s/study.yaml", dir);
    text = tu_slurp(path, &len);
    CHECK(text && strstr(text, "\ncompare: {factor: group, control: ket2}\n") != NULL);
    CHECK(text && strstr(text, "\nfps: 29.97\n") != NULL);
    free(text);
}

/* Ketamine 40 mg/L versus control: more time in the top half, more circling. */
static void test_effect_direction(void)
{
    char dir[1024], path[1200];
    zf_sim_opts o;
    zf_sim_opts_default(&o);
    o.per_group = 8;
    o.seconds = 120.0;
    o.fps = 30.0;
    o.seed = 7;
    o.groups = "control,ket40";
    tmp_path(dir, sizeof dir, "effect");
    CHECK_OK(zf_simulate(&o, dir));

    static const char *const groups[] = {"control", "ket40"};
    double top[2] = {0, 0}, turns[2] = {0, 0}, max_top = 0.0;
    for (size_t g = 0; g < 2; g++) {
        for (size_t k = 1; k <= 8; k++) {
            track_stats st;
            snprintf(path, sizeof path, "%s/tracks/%s%s%02zu.csv", dir, groups[g], g ? "_" : "", k);
            CHECK(read_track(path, 30.0, &st) == 0);
            CHECK(st.rows == 3600);
            top[g] += st.top / 8.0;
            turns[g] += st.turns / 8.0;
            if (st.top > max_top)
                max_top = st.top;
        }
    }
    printf("top fraction: control %.3f, ket40 %.3f; turns/min: control %.2f, ket40 %.2f\n",
           top[0], top[1], turns[0], turns[1]);
    CHECK(top[1] > top[0]);
    CHECK(top[1] > top[0] + 0.05);
    CHECK(turns[1] > 2.0 * turns[0]);
    CHECK(max_top < 0.9);
}

int main(void)
{
    zf_init();
    CHECK_OK(zf_mkdir_p(tmp_base()));
    test_defaults();
    test_group_dose();
    test_invalid_opts();
    run_small("small_a", 42);
    run_small("small_b", 42);
    run_small("small_c", 43);
    test_layout();
    test_determinism();
    test_other_groups();
    test_effect_direction();
    return CHECK_DONE();
}
