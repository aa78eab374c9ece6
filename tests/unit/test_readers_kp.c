/* test_readers_kp.c: unit tests of the keypoint/HDF5 tracker readers (SLEAP HDF5 + CSV, DeepLabCut CSV, ZebraZoom HDF5) on fixtures written here, and on the real samples in ../shared/formats when present. */
#include "check.h"
#include "testutil.h"
#include "zfstress/core.h"
#include "zfstress/ingest.h"
#include "zfstress/track.h"

#include <hdf5.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char g_dir[1024];

/* ---- collecting sink --------------------------------------------------- */

#define MAXTR 16
typedef struct got {
    size_t n;
    zf_track tr[MAXTR];
    zf_track_info info[MAXTR];
} got;

static int collect(void *ctx, zf_track *tr, const zf_track_info *info)
{
    got *g = ctx;
    if (g->n == MAXTR)
        return zf_error(ZF_EDATA, "test sink: too many tracks");
    g->tr[g->n] = *tr; /* take the arrays */
    g->info[g->n] = *info;
    g->n++;
    zf_track_init(tr);
    return ZF_OK;
}

static void got_free(got *g)
{
    for (size_t i = 0; i < g->n; i++)
        zf_track_free(&g->tr[i]);
    g->n = 0;
}

/* Read path with format fmt into g (emptied first); returns the status. */
static int read_into(const char *path, const char *fmt, const zf_read_opts *o, got *g)
{
    got_free(g);
    zf_error_clear();
    return zf_read_tracks(path, fmt, o, collect, g, NULL);
}

/* 2 px per mm, 500 mm arena, image y down: x_mm = px / 2, y_mm = 500 - py / 2. */
static zf_read_opts opts_px(double fps)
{
    zf_read_opts o;
    zf_read_opts_default(&o);
    o.px_per_mm = 2.0;
    o.arena_height_mm = 500.0;
    o.fps = fps;
    return o;
}
#define XMM(px) ((px) / 2.0)
#define YMM(py) (500.0 - (py) / 2.0)

static const char *detected(const char *path)
{
    const zf_format *f = NULL;
    if (zf_format_detect(path, &f) != ZF_OK) {
        fprintf(stderr, "  detect '%s': %s\n", path, zf_errmsg());
        return "(none)";
    }
    return f->name;
}

static int write_text(char *out, size_t size, const char *name, const char *text)
{
    return tu_write_text_in(out, size, g_dir, name, text);
}

/* ---- HDF5 fixture writers (every call checked) ------------------------- */

static int set_dims_attr(hid_t obj, const char *json)
{
    int ok = -1;
    hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate(H5S_SCALAR), a = H5I_INVALID_HID;
    if (t >= 0 && s >= 0 && H5Tset_size(t, H5T_VARIABLE) >= 0 &&
        (a = H5Acreate2(obj, "dims", t, s, H5P_DEFAULT, H5P_DEFAULT)) >= 0 && H5Awrite(a, t, &json) >= 0)
        ok = 0;
    if (a >= 0) H5Aclose(a);
    if (s >= 0) H5Sclose(s);
    if (t >= 0) H5Tclose(t);
    return ok;
}

static int write_num(hid_t f, const char *name, hid_t ftype, hid_t mtype, int rank, const hsize_t *dims,
                     const void *data, const char *dims_json)
{
    int ok = -1;
    hsize_t total = 1;
    hid_t s = H5Screate_simple(rank, dims, NULL), d = H5I_INVALID_HID;
    for (int i = 0; i < rank; i++)
        total *= dims[i];
    if (s >= 0 && (d = H5Dcreate2(f, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
        (total == 0 || H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0) &&
        (!dims_json || set_dims_attr(d, dims_json) == 0))
        ok = 0;
    if (d >= 0) H5Dclose(d);
    if (s >= 0) H5Sclose(s);
    return ok;
}

/* Fixed-length null-padded strings (SLEAP's usual), or variable-length. */
static int write_strings(hid_t f, const char *name, const char *const *v, size_t n, int vlen)
{
    int ok = -1;
    size_t w = 1;
    char *buf = NULL;
    hsize_t dims[1] = {n};
    hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate_simple(1, dims, NULL), d = H5I_INVALID_HID;
    for (size_t i = 0; i < n; i++)
        if (strlen(v[i]) > w)
            w = strlen(v[i]);
    if (t < 0 || s < 0)
        goto done;
    if (vlen) {
        if (H5Tset_size(t, H5T_VARIABLE) < 0)
            goto done;
    } else {
        if (H5Tset_size(t, w) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0 || !(buf = calloc(n, w)))
            goto done;
        for (size_t i = 0; i < n; i++)
            memcpy(buf + i * w, v[i], strlen(v[i])); /* a name as long as the width has no NUL */
    }
    if ((d = H5Dcreate2(f, name, t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        goto done;
    if (H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, vlen ? (const void *)v : (const void *)buf) < 0)
        goto done;
    ok = 0;
done:
    free(buf);
    if (d >= 0) H5Dclose(d);
    if (s >= 0) H5Sclose(s);
    if (t >= 0) H5Tclose(t);
    return ok;
}

/* ---- SLEAP fixtures ---------------------------------------------------- */

enum { ST = 2, SC = 2, SN = 3, SF = 4 }; /* tracks, xy, nodes, frames */
static const char *const sleap_nodes[SN] = {"head", "body", "tail"};
static const char *const sleap_tracks[ST] = {"fishA", "fishB"};

/* Coordinate c (0 x, 1 y) of node k of track t in frame f; track 1 loses its head in frame 2. */
static double sval(int t, int c, int k, int f)
{
    if (t == 1 && k == 0 && f == 2)
        return NAN;
    return (c == 0 ? 100.0 : 200.0) + 50.0 * t + 10.0 * k + f;
}
/* Score: 0.9 except track 0's tail in frame 1 (0.1). */
static double sscore(int t, int k, int f) { return t == 0 && k == 2 && f == 1 ? 0.1 : 0.9; }
/* Occupancy: track 1 is absent in frame 3. */
static unsigned char socc(int t, int f) { return !(t == 1 && f == 3); }

/* standard: (frames, tracks, nodes, xy) with dims attributes (dims = 1) or without (dims = 0). */
static int write_sleap_h5(const char *path, int standard, int dims)
{
    int ok = -1;
    double tracks[ST * SC * SN * SF], scores[ST * SN * SF];
    unsigned char occ[SF * ST];
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0)
        return -1;
    for (int t = 0; t < ST; t++)
        for (int c = 0; c < SC; c++)
            for (int k = 0; k < SN; k++)
                for (int fr = 0; fr < SF; fr++) {
                    int i = standard ? ((fr * ST + t) * SN + k) * SC + c : ((t * SC + c) * SN + k) * SF + fr;
                    tracks[i] = sval(t, c, k, fr);
                    int j = standard ? (fr * ST + t) * SN + k : (t * SN + k) * SF + fr;
                    scores[j] = sscore(t, k, fr);
                }
    for (int fr = 0; fr < SF; fr++)
        for (int t = 0; t < ST; t++)
            occ[fr * ST + t] = socc(t, fr);
    hsize_t dm[4] = {ST, SC, SN, SF}, ds[4] = {SF, ST, SN, SC};
    hsize_t sm[3] = {ST, SN, SF}, ss[3] = {SF, ST, SN}, od[2] = {SF, ST};
    if (write_num(f, "tracks", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 4, standard ? ds : dm, tracks,
                  dims ? (standard ? "[\"frame\", \"track\", \"node\", \"xy\"]" : "[\"track\", \"xy\", \"node\", \"frame\"]") : NULL) == 0 &&
        write_num(f, "point_scores", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, standard ? ss : sm, scores,
                  dims ? (standard ? "[\"frame\", \"track\", \"node\"]" : "[\"track\", \"node\", \"frame\"]") : NULL) == 0 &&
        write_num(f, "track_occupancy", H5T_STD_U8LE, H5T_NATIVE_UCHAR, 2, od, occ, dims ? "[\"frame\", \"track\"]" : NULL) == 0 &&
        write_strings(f, "node_names", sleap_nodes, SN, standard) == 0 &&
        write_strings(f, "track_names", sleap_tracks, ST, 0) == 0)
        ok = 0;
    if (H5Fclose(f) < 0)
        ok = -1;
    return ok;
}

/* One unnamed track: track_names is an empty float64 array; no scores, no occupancy. */
static int write_sleap_unnamed(const char *path)
{
    int ok = -1;
    double tracks[1 * 2 * 2 * 3];
    static const char *const nodes[2] = {"a", "b"};
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0)
        return -1;
    for (int c = 0; c < 2; c++)
        for (int k = 0; k < 2; k++)
            for (int fr = 0; fr < 3; fr++)
                tracks[(c * 2 + k) * 3 + fr] = (c ? 40.0 : 20.0) + 2.0 * k + fr;
    hsize_t d[4] = {1, 2, 2, 3}, z[1] = {0};
    if (write_num(f, "tracks", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 4, d, tracks, NULL) == 0 &&
        write_num(f, "track_names", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, z, NULL, NULL) == 0 &&
        write_strings(f, "node_names", nodes, 2, 0) == 0)
        ok = 0;
    if (H5Fclose(f) < 0)
        ok = -1;
    return ok;
}

static int write_sleap_bad_rank(const char *path)
{
    int ok = -1;
    double v[8] = {0};
    static const char *const nodes[1] = {"a"};
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0)
        return -1;
    hsize_t d[3] = {2, 2, 2};
    if (write_num(f, "tracks", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, d, v, NULL) == 0 &&
        write_strings(f, "node_names", nodes, 1, 0) == 0)
        ok = 0;
    if (H5Fclose(f) < 0)
        ok = -1;
    return ok;
}

/* Checks shared by both axis orders: same numbers whatever the layout. */
static void check_sleap_fixture(const char *path, const char *label)
{
    got g = {0};
    zf_read_opts o = opts_px(25.0);
    fprintf(stderr, "sleap fixture %s\n", label);
    CHECK(strcmp(detected(path), "sleap") == 0);

    /* centroid of confident nodes */
    CHECK_OK(read_into(path, "auto", &o, &g));
    CHECK(g.n == 2);
    if (g.n == 2) {
        CHECK(strcmp(g.info[0].individual, "fishA") == 0 && strcmp(g.info[1].individual, "fishB") == 0);
        CHECK(g.info[0].fps == 25.0);
        CHECK(g.tr[0].n == SF && g.tr[1].n == SF);
        CHECK_NEAR(g.tr[0].t[3], 3.0 / 25.0, 1e-12);
        CHECK_NEAR(g.tr[0].x[0], XMM(110.0), 1e-12); /* mean of nodes 0..2: +10 */
        CHECK_NEAR(g.tr[0].y[0], YMM(210.0), 1e-12);
        CHECK_NEAR(g.tr[0].x[1], XMM(106.0), 1e-12); /* tail below 0.6: mean of nodes 0, 1 */
        CHECK_NEAR(g.tr[1].x[2], XMM(167.0), 1e-12); /* head NaN: nodes 1, 2 */
        CHECK(isnan(g.tr[1].x[3]) && isnan(g.tr[1].y[3])); /* not occupied */
        CHECK(!isnan(g.tr[0].x[3]));
    }
    /* a named body part; a low likelihood makes the sample missing */
    o.bodypart = "tail";
    CHECK_OK(read_into(path, "sleap", &o, &g));
    CHECK(g.n == 2);
    if (g.n == 2) {
        CHECK_NEAR(g.tr[0].x[0], XMM(120.0), 1e-12);
        CHECK(isnan(g.tr[0].x[1]));
        CHECK_NEAR(g.tr[0].x[2], XMM(122.0), 1e-12);
        CHECK_NEAR(g.tr[1].y[2], YMM(272.0), 1e-12);
    }
    /* one individual */
    o.individual = "fishB";
    CHECK_OK(read_into(path, "sleap", &o, &g));
    CHECK(g.n == 1 && strcmp(g.info[0].individual, "fishB") == 0);
    o.individual = "fishC";
    CHECK(read_into(path, "sleap", &o, &g) == ZF_EDATA && tu_msg_has("fishA, fishB"));
    o.individual = NULL;
    /* unknown body part: the message lists the nodes */
    o.bodypart = "fin";
    CHECK(read_into(path, "sleap", &o, &g) == ZF_EINVAL && tu_msg_has("'fin'") && tu_msg_has("head, body, tail"));
    o.bodypart = NULL;
    /* min_likelihood lowered: the tail of frame 1 counts again */
    o.min_likelihood = 0.05;
    CHECK_OK(read_into(path, "sleap", &o, &g));
    if (g.n == 2)
        CHECK_NEAR(g.tr[0].x[1], XMM(111.0), 1e-12);
    /* no fps: a clear error */
    o = opts_px(NAN);
    CHECK(read_into(path, "sleap", &o, &g) == ZF_EINVAL && tu_msg_has("fps"));
    got_free(&g);
}

static void test_sleap_h5(void)
{
    char p[1200];
    got g = {0};
    zf_read_opts o = opts_px(10.0);

    snprintf(p, sizeof p, "%s/matlab.analysis.h5", g_dir);
    CHECK(write_sleap_h5(p, 0, 0) == 0);
    check_sleap_fixture(p, "matlab order, no dims");
    CHECK(write_sleap_h5(p, 0, 1) == 0);
    check_sleap_fixture(p, "matlab order, dims");
    snprintf(p, sizeof p, "%s/standard.analysis.h5", g_dir);
    CHECK(write_sleap_h5(p, 1, 1) == 0);
    check_sleap_fixture(p, "standard order, dims");
    CHECK(write_sleap_h5(p, 1, 0) == 0);
    check_sleap_fixture(p, "standard order, no dims");

    snprintf(p, sizeof p, "%s/unnamed.analysis.h5", g_dir);
    CHECK(write_sleap_unnamed(p) == 0);
    CHECK(strcmp(detected(p), "sleap") == 0);
    CHECK_OK(read_into(p, "auto", &o, &g));
    CHECK(g.n == 1);
    if (g.n == 1) {
        CHECK(strcmp(g.info[0].individual, "track_0") == 0);
        CHECK(g.tr[0].n == 3);
        CHECK_NEAR(g.tr[0].x[2], XMM(23.0), 1e-12);
        CHECK_NEAR(g.tr[0].y[0], YMM(41.0), 1e-12);
        CHECK_NEAR(g.tr[0].t[1], 0.1, 1e-12);
    }
    o.individual = "track_0";
    CHECK_OK(read_into(p, "sleap", &o, &g));
    CHECK(g.n == 1);

    snprintf(p, sizeof p, "%s/badrank.analysis.h5", g_dir);
    CHECK(write_sleap_bad_rank(p) == 0);
    o = opts_px(10.0);
    CHECK(read_into(p, "sleap", &o, &g) == ZF_EPARSE);
    {
        char want[1300];
        snprintf(want, sizeof want, "'%s': dataset /tracks: expected 4 dimensions, found 3", p);
        CHECK(tu_msg_has(want));
    }
    got_free(&g);
}

static void test_sleap_csv(void)
{
    char p[1200];
    got g = {0};
    zf_read_opts o = opts_px(20.0);
    CHECK(write_text(p, sizeof p, "tracks.analysis.csv",
                     "track,frame_idx,instance.score,A.x,A.y,A.score,B.x,B.y,B.score\n"
                     "f1,0,0.9,10,20,0.9,30,40,0.9\n"
                     "f2,0,0.9,100,200,0.9,300,400,0.2\n"
                     "f1,2,0.9,12,22,0.95,,,\n") == 0);
    CHECK(strcmp(detected(p), "sleap") == 0);
    CHECK_OK(read_into(p, "auto", &o, &g));
    CHECK(g.n == 2);
    if (g.n == 2) {
        CHECK(strcmp(g.info[0].individual, "f1") == 0 && strcmp(g.info[1].individual, "f2") == 0);
        CHECK(g.tr[0].n == 3 && g.tr[1].n == 3);
        CHECK_NEAR(g.tr[0].x[0], XMM(20.0), 1e-12);
        CHECK_NEAR(g.tr[0].y[0], YMM(30.0), 1e-12);
        CHECK(isnan(g.tr[0].x[1]));
        CHECK_NEAR(g.tr[0].x[2], XMM(12.0), 1e-12);
        CHECK_NEAR(g.tr[0].t[2], 0.1, 1e-12);
        CHECK_NEAR(g.tr[1].x[0], XMM(100.0), 1e-12); /* B below 0.6 */
        CHECK(isnan(g.tr[1].x[2]));
    }
    o.bodypart = "B";
    CHECK_OK(read_into(p, "sleap", &o, &g));
    if (g.n == 2) {
        CHECK_NEAR(g.tr[0].x[0], XMM(30.0), 1e-12);
        CHECK(isnan(g.tr[1].x[0]));
    }
    o.bodypart = "C";
    CHECK(read_into(p, "sleap", &o, &g) == ZF_EINVAL && tu_msg_has("A, B"));
    o.bodypart = NULL;

    /* empty track column: one unnamed track; empty scores (user labels) count as confident */
    CHECK(write_text(p, sizeof p, "unnamed.analysis.csv",
                     "track,frame_idx,instance.score,A.x,A.y,A.score,B.x,B.y,B.score\n"
                     ",0,nan,1,2,,3,4,\n"
                     ",1,nan,5,6,,,,\n") == 0);
    CHECK(strcmp(detected(p), "sleap") == 0);
    CHECK_OK(read_into(p, "auto", &o, &g));
    CHECK(g.n == 1);
    if (g.n == 1) {
        CHECK(g.info[0].individual[0] == '\0');
        CHECK(g.tr[0].n == 2);
        CHECK_NEAR(g.tr[0].x[0], XMM(2.0), 1e-12);
        CHECK_NEAR(g.tr[0].y[1], YMM(6.0), 1e-12);
    }
    /* a bad cell names line and column */
    CHECK(write_text(p, sizeof p, "bad.analysis.csv",
                     "track,frame_idx,instance.score,A.x,A.y,A.score\n"
                     "t,0,0.9,1,zz,0.9\n") == 0);
    CHECK(read_into(p, "sleap", &o, &g) == ZF_EPARSE && tu_msg_has(":2: column 5 'A.y'"));
    got_free(&g);
}

/* ---- DeepLabCut -------------------------------------------------------- */

static void test_dlc(void)
{
    char p[1200];
    got g = {0};
    zf_read_opts o = opts_px(25.0);

    CHECK(write_text(p, sizeof p, "single.csv",
                     "scorer,S,S,S,S,S,S\n"
                     "bodyparts,head,head,head,tail,tail,tail\n"
                     "coords,x,y,likelihood,x,y,likelihood\n"
                     "0,10,20,0.99,30,40,0.99\n"
                     "1,12,22,0.99,,,\n"
                     "2,14,24,0.3,34,44,0.9\n"
                     "3,16,26,0.1,36,46,0.2\n") == 0);
    CHECK(strcmp(detected(p), "dlc") == 0);
    CHECK_OK(read_into(p, "auto", &o, &g));
    CHECK(g.n == 1);
    if (g.n == 1) {
        CHECK(g.info[0].individual[0] == '\0');
        CHECK(g.info[0].fps == 25.0);
        CHECK(g.tr[0].n == 4);
        CHECK_NEAR(g.tr[0].t[2], 0.08, 1e-12);
        CHECK_NEAR(g.tr[0].x[0], XMM(20.0), 1e-12); /* centroid */
        CHECK_NEAR(g.tr[0].y[0], YMM(30.0), 1e-12);
        CHECK_NEAR(g.tr[0].x[1], XMM(12.0), 1e-12); /* empty cells: tail missing */
        CHECK_NEAR(g.tr[0].x[2], XMM(34.0), 1e-12); /* head below 0.6 */
        CHECK(isnan(g.tr[0].x[3]) && isnan(g.tr[0].y[3])); /* nothing confident */
    }
    o.min_likelihood = 0.25;
    CHECK_OK(read_into(p, "dlc", &o, &g));
    if (g.n == 1)
        CHECK_NEAR(g.tr[0].x[2], XMM(24.0), 1e-12);
    o.min_likelihood = 0.6;
    o.bodypart = "head";
    CHECK_OK(read_into(p, "dlc", &o, &g));
    if (g.n == 1) {
        CHECK_NEAR(g.tr[0].x[0], XMM(10.0), 1e-12);
        CHECK_NEAR(g.tr[0].y[1], YMM(22.0), 1e-12);
        CHECK(isnan(g.tr[0].x[2]));
    }
    o.bodypart = "fin";
    CHECK(read_into(p, "dlc", &o, &g) == ZF_EINVAL && tu_msg_has("'fin'") && tu_msg_has("head, tail"));
    o.bodypart = NULL;
    o.fps = NAN;
    CHECK(read_into(p, "dlc", &o, &g) == ZF_EINVAL && tu_msg_has("fps"));
    o.fps = 25.0;

    CHECK(write_text(p, sizeof p, "multi.csv",
                     "scorer,S,S,S,S,S,S,S,S,S,S,S,S\n"
                     "individuals,fish1,fish1,fish1,fish1,fish1,fish1,fish2,fish2,fish2,fish2,fish2,fish2\n"
                     "bodyparts,head,head,head,tail,tail,tail,head,head,head,tail,tail,tail\n"
                     "coords,x,y,likelihood,x,y,likelihood,x,y,likelihood,x,y,likelihood\n"
                     "0,10,20,0.9,30,40,0.9,110,120,0.9,130,140,0.9\n"
                     "1,11,21,0.9,31,41,0.9,,,,,,\n") == 0);
    CHECK(strcmp(detected(p), "dlc") == 0);
    CHECK_OK(read_into(p, "auto", &o, &g));
    CHECK(g.n == 2);
    if (g.n == 2) {
        CHECK(strcmp(g.info[0].individual, "fish1") == 0 && strcmp(g.info[1].individual, "fish2") == 0);
        CHECK_NEAR(g.tr[0].x[1], XMM(21.0), 1e-12);
        CHECK_NEAR(g.tr[1].x[0], XMM(120.0), 1e-12);
        CHECK(isnan(g.tr[1].x[1]));
    }
    o.individual = "fish2";
    o.bodypart = "tail";
    CHECK_OK(read_into(p, "dlc", &o, &g));
    CHECK(g.n == 1);
    if (g.n == 1) {
        CHECK(strcmp(g.info[0].individual, "fish2") == 0);
        CHECK_NEAR(g.tr[0].y[0], YMM(140.0), 1e-12);
    }
    o.bodypart = NULL;
    o.individual = "fish3";
    CHECK(read_into(p, "dlc", &o, &g) == ZF_EDATA && tu_msg_has("fish1, fish2"));
    o.individual = NULL;

    /* labelled data: image paths instead of frames, no likelihood */
    CHECK(write_text(p, sizeof p, "labelled.csv",
                     "scorer,Sc,Sc,Sc,Sc\n"
                     "bodyparts,A,A,B,B\n"
                     "coords,x,y,x,y\n"
                     "labeled-data/v/img0.png,0,2,4,6\n"
                     "labeled-data/v/img1.png,,,8,10\n"
                     "labeled-data/v/img2.png,,,,\n") == 0);
    CHECK(strcmp(detected(p), "dlc") == 0);
    CHECK_OK(read_into(p, "auto", &o, &g));
    CHECK(g.n == 1);
    if (g.n == 1) {
        CHECK(g.tr[0].n == 3);
        CHECK_NEAR(g.tr[0].t[1], 0.04, 1e-12);
        CHECK_NEAR(g.tr[0].x[0], XMM(2.0), 1e-12);
        CHECK_NEAR(g.tr[0].y[1], YMM(10.0), 1e-12);
        CHECK(isnan(g.tr[0].x[2]));
    }
    /* a bad cell names line, column and body part */
    CHECK(write_text(p, sizeof p, "bad.csv",
                     "scorer,S,S,S\nbodyparts,h,h,h\ncoords,x,y,likelihood\n0,1,2,0.9\n1,1,x2,0.9\n") == 0);
    CHECK(read_into(p, "dlc", &o, &g) == ZF_EPARSE && tu_msg_has(":5: column 3 (h y)"));
    got_free(&g);
}

/* ---- ZebraZoom --------------------------------------------------------- */

typedef struct zz_xy {
    double X, Y;
} zz_xy;

static int zz_attr(hid_t f, const char *name, double v)
{
    int ok = -1;
    hid_t s = H5Screate(H5S_SCALAR), a = H5I_INVALID_HID;
    if (s >= 0 && (a = H5Acreate2(f, name, H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
        H5Awrite(a, H5T_NATIVE_DOUBLE, &v) >= 0)
        ok = 0;
    if (a >= 0) H5Aclose(a);
    if (s >= 0) H5Sclose(s);
    return ok;
}

/* HeadPos of well w, animal a: a 1-D compound {X, Y} (compound = 1) or a (frames, 2) array. */
static int zz_headpos(hid_t f, int w, int a, const zz_xy *v, size_t n, int compound)
{
    int ok = -1;
    char name[128];
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE), t = H5I_INVALID_HID;
    snprintf(name, sizeof name, "dataForWell%d/dataForAnimal%d/dataPerFrame/HeadPos", w, a);
    if (lcpl < 0 || H5Pset_create_intermediate_group(lcpl, 1) < 0)
        goto done;
    if (compound) {
        hsize_t d[1] = {n};
        hid_t s = H5Screate_simple(1, d, NULL), ds = H5I_INVALID_HID;
        t = H5Tcreate(H5T_COMPOUND, sizeof(zz_xy));
        if (s >= 0 && t >= 0 && H5Tinsert(t, "X", HOFFSET(zz_xy, X), H5T_NATIVE_DOUBLE) >= 0 &&
            H5Tinsert(t, "Y", HOFFSET(zz_xy, Y), H5T_NATIVE_DOUBLE) >= 0 &&
            (ds = H5Dcreate2(f, name, t, s, lcpl, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
            H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0)
            ok = 0;
        if (ds >= 0) H5Dclose(ds);
        if (s >= 0) H5Sclose(s);
    } else {
        hsize_t d[2] = {n, 2};
        hid_t s = H5Screate_simple(2, d, NULL), ds = H5I_INVALID_HID;
        if (s >= 0 && (ds = H5Dcreate2(f, name, H5T_IEEE_F64LE, s, lcpl, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
            H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0)
            ok = 0;
        if (ds >= 0) H5Dclose(ds);
        if (s >= 0) H5Sclose(s);
    }
done:
    if (t >= 0) H5Tclose(t);
    if (lcpl >= 0) H5Pclose(lcpl);
    return ok;
}

static void test_zebrazoom(void)
{
    char p[1200];
    got g = {0};
    zf_read_opts o;
    static const zz_xy w0[3] = {{100, 200}, {0, 0}, {120, 220}};
    static const zz_xy w1[3] = {{10, 20}, {11, 21}, {12, 22}};
    static const zz_xy w2a0[2] = {{40, 60}, {42, 62}}, w2a1[2] = {{80, 90}, {NAN, NAN}};
    static const zz_xy w10[2] = {{5, 6}, {7, 8}};

    snprintf(p, sizeof p, "%s/zebrazoom.h5", g_dir);
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CHECK(f >= 0);
    if (f < 0)
        return;
    CHECK(zz_attr(f, "videoFPS", 100.0) == 0);
    CHECK(zz_attr(f, "videoPixelSize", 0.05) == 0); /* mm per px: 20 px/mm */
    CHECK(zz_headpos(f, 0, 0, w0, 3, 1) == 0);
    CHECK(zz_headpos(f, 1, 0, w1, 3, 0) == 0);
    CHECK(zz_headpos(f, 2, 0, w2a0, 2, 1) == 0);
    CHECK(zz_headpos(f, 2, 1, w2a1, 2, 1) == 0);
    CHECK(zz_headpos(f, 10, 0, w10, 2, 1) == 0);
    CHECK(H5Fclose(f) >= 0);

    CHECK(strcmp(detected(p), "zebrazoom") == 0);
    zf_read_opts_default(&o);
    o.arena_height_mm = 50.0;
    CHECK_OK(read_into(p, "auto", &o, &g));
    CHECK(g.n == 5);
    if (g.n == 5) {
        static const char *const ar[5] = {"well0", "well1", "well2", "well2", "well10"};
        static const char *const an[5] = {"animal0", "animal0", "animal0", "animal1", "animal0"};
        for (size_t i = 0; i < 5; i++) {
            CHECK(strcmp(g.info[i].arena, ar[i]) == 0);
            CHECK(strcmp(g.info[i].individual, an[i]) == 0);
            CHECK(g.info[i].fps == 100.0);
            CHECK_NEAR(g.info[i].mm_per_unit, 0.05, 1e-12);
        }
        CHECK(g.tr[0].n == 3);
        CHECK_NEAR(g.tr[0].t[2], 0.02, 1e-12);
        CHECK_NEAR(g.tr[0].x[0], 100 * 0.05, 1e-12);
        CHECK_NEAR(g.tr[0].y[0], 50.0 - 200 * 0.05, 1e-12);
        CHECK(isnan(g.tr[0].x[1]) && isnan(g.tr[0].y[1])); /* (0, 0): lost */
        CHECK_NEAR(g.tr[1].x[2], 12 * 0.05, 1e-12);       /* 2-column layout */
        CHECK_NEAR(g.tr[1].y[1], 50.0 - 21 * 0.05, 1e-12);
        CHECK(isnan(g.tr[3].x[1]));
        CHECK_NEAR(g.tr[4].x[1], 7 * 0.05, 1e-12);
    }
    /* the study's px_per_mm wins over videoPixelSize */
    o.px_per_mm = 10.0;
    o.arena = "well2";
    CHECK_OK(read_into(p, "zebrazoom", &o, &g));
    CHECK(g.n == 2);
    if (g.n == 2)
        CHECK_NEAR(g.tr[1].x[0], 8.0, 1e-12);
    o.individual = "animal1";
    CHECK_OK(read_into(p, "zebrazoom", &o, &g));
    CHECK(g.n == 1 && strcmp(g.info[0].individual, "animal1") == 0);
    o.arena = "well7";
    CHECK(read_into(p, "zebrazoom", &o, &g) == ZF_EDATA && tu_msg_has("well0, well1, well2, well10"));
    got_free(&g);
}

/* ---- error paths (run under ASan too) ------------------------------- */

static void test_errors(void)
{
    char p[1200];
    got g = {0};
    zf_read_opts o = opts_px(25.0);

    /* an HDF5 signature followed by garbage: no reader claims it, and forcing one fails cleanly */
    CHECK(write_text(p, sizeof p, "garbage.h5", "\x89HDF\r\n\x1a\nnot really hdf5 at all") == 0);
    {
        const zf_format *f = NULL;
        CHECK(zf_format_detect(p, &f) != ZF_OK || (strcmp(f->name, "sleap") != 0 && strcmp(f->name, "zebrazoom") != 0));
    }
    CHECK(read_into(p, "sleap", &o, &g) == ZF_EHDF5 && tu_msg_has("cannot open as HDF5"));
    CHECK(read_into(p, "zebrazoom", &o, &g) == ZF_EHDF5 && tu_msg_has("cannot open as HDF5"));

    /* a dims attribute naming an unknown axis */
    snprintf(p, sizeof p, "%s/baddims.analysis.h5", g_dir);
    {
        double v[2 * 2 * 1 * 3] = {0};
        static const char *const nodes[1] = {"a"};
        hsize_t d[4] = {2, 2, 1, 3};
        hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        CHECK(f >= 0);
        if (f >= 0) {
            CHECK(write_num(f, "tracks", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 4, d, v, "[\"track\", \"xy\", \"node\", \"when\"]") == 0);
            CHECK(write_strings(f, "node_names", nodes, 1, 0) == 0);
            CHECK(H5Fclose(f) >= 0);
        }
    }
    CHECK(read_into(p, "auto", &o, &g) == ZF_EPARSE && tu_msg_has("dataset /tracks: attribute dims"));

    /* a SLEAP file without node names */
    snprintf(p, sizeof p, "%s/nonodes.analysis.h5", g_dir);
    {
        double v[1 * 2 * 1 * 2] = {1, 2, 3, 4};
        hsize_t d[4] = {1, 2, 1, 2};
        hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        CHECK(f >= 0);
        if (f >= 0) {
            CHECK(write_num(f, "tracks", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 4, d, v, NULL) == 0);
            CHECK(H5Fclose(f) >= 0);
        }
    }
    CHECK(read_into(p, "sleap", &o, &g) == ZF_EPARSE && tu_msg_has("dataset /node_names: not found"));

    /* ZebraZoom without videoFPS: the study's fps, else an error */
    snprintf(p, sizeof p, "%s/zz_nofps.h5", g_dir);
    {
        static const zz_xy v[2] = {{1, 2}, {3, 4}};
        hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        CHECK(f >= 0);
        if (f >= 0) {
            CHECK(zz_headpos(f, 0, 0, v, 2, 1) == 0);
            CHECK(H5Fclose(f) >= 0);
        }
    }
    CHECK(strcmp(detected(p), "zebrazoom") == 0);
    o.fps = NAN;
    CHECK(read_into(p, "zebrazoom", &o, &g) == ZF_EINVAL && tu_msg_has("videoFPS"));
    o.fps = 50.0;
    CHECK_OK(read_into(p, "zebrazoom", &o, &g));
    CHECK(g.n == 1 && g.info[0].fps == 50.0);
    if (g.n == 1)
        CHECK_NEAR(g.tr[0].x[1], XMM(3.0), 1e-12); /* no videoPixelSize: the study's px_per_mm */
    o.px_per_mm = NAN;
    CHECK(read_into(p, "zebrazoom", &o, &g) == ZF_EINVAL && tu_msg_has("px_per_mm"));
    o = opts_px(25.0);

    /* DeepLabCut header cut short */
    CHECK(write_text(p, sizeof p, "short.csv", "scorer,S,S\nbodyparts,a,a\n") == 0);
    CHECK(read_into(p, "dlc", &o, &g) == ZF_EPARSE && tu_msg_has("'coords'"));
    CHECK(write_text(p, sizeof p, "nodata.csv", "scorer,S,S\nbodyparts,a,a\ncoords,x,y\n") == 0);
    CHECK(read_into(p, "dlc", &o, &g) == ZF_EDATA && tu_msg_has("no rows"));
    /* frames must increase */
    CHECK(write_text(p, sizeof p, "back.csv", "scorer,S,S\nbodyparts,a,a\ncoords,x,y\n0,1,2\n2,1,2\n1,1,2\n") == 0);
    CHECK(read_into(p, "dlc", &o, &g) == ZF_EPARSE && tu_msg_has(":6: column 1: frame 1 does not follow frame 2"));
    got_free(&g);
}

/* ---- the real samples -------------------------------------------------- */

static void test_shared(void)
{
    char p[1200];
    got g = {0};
    zf_read_opts o;
    if (!tu_shared_formats())
        return;
    zf_read_opts_default(&o);
    o.px_per_mm = 1.0;
    o.arena_height_mm = 1000.0;

    snprintf(p, sizeof p, "%s/sleap/predictions.analysis.h5", ZF_SHARED_FORMATS);
    o.fps = 30.0;
    CHECK(strcmp(detected(p), "sleap") == 0);
    CHECK_OK(read_into(p, "auto", &o, &g));
    CHECK(g.n == 2);
    if (g.n == 2) {
        CHECK(strcmp(g.info[0].individual, "track_0") == 0 && strcmp(g.info[1].individual, "track_1") == 0);
        CHECK(g.tr[0].n == 3000 && g.tr[1].n == 3000);
        CHECK(zf_track_missing(&g.tr[0]) < 3000);
        CHECK_NEAR(g.tr[0].t[2999], 2999.0 / 30.0, 1e-12);
    }
    o.bodypart = "thorax";
    CHECK_OK(read_into(p, "auto", &o, &g));
    CHECK(g.n == 2);
    o.bodypart = NULL;

    snprintf(p, sizeof p, "%s/sleap/small_robot_3_frame.analysis.h5", ZF_SHARED_FORMATS);
    CHECK(strcmp(detected(p), "sleap") == 0);
    CHECK_OK(read_into(p, "auto", &o, &g));
    CHECK(g.n == 1);
    if (g.n == 1) {
        CHECK(strcmp(g.info[0].individual, "track_0") == 0); /* track_names is an empty float64 array */
        CHECK(g.tr[0].n == 3);
        CHECK_NEAR(g.tr[0].x[1], (320.974 + 384.701 + 145.284) / 3.0, 1e-5);
        CHECK_NEAR(g.tr[0].x[0], (322.876 + 382.747 + 143.41) / 3.0, 1e-5); /* unscored user labels */
    }

    snprintf(p, sizeof p, "%s/sleap/minimal_instance.analysis.csv", ZF_SHARED_FORMATS);
    CHECK(strcmp(detected(p), "sleap") == 0);
    CHECK_OK(read_into(p, "auto", &o, &g));
    CHECK(g.n == 1);
    if (g.n == 1) {
        CHECK(g.info[0].individual[0] == '\0');
        CHECK(g.tr[0].n == 1);
        CHECK_NEAR(g.tr[0].x[0], (205.9300539013689 + 278.63521449272383) / 2.0, 1e-12);
    }

    snprintf(p, sizeof p, "%s/dlc/deepdanio_01101.csv", ZF_SHARED_FORMATS);
    o.fps = 1000.0; /* stated in the README, not in the file */
    o.px_per_mm = 45.0;
    CHECK(strcmp(detected(p), "dlc") == 0);
    CHECK_OK(read_into(p, "auto", &o, &g));
    CHECK(g.n == 1);
    if (g.n == 1) {
        CHECK(g.info[0].individual[0] == '\0');
        CHECK(g.tr[0].n == 149);
        CHECK_NEAR(g.tr[0].t[1], 0.001, 1e-12);
        CHECK(zf_track_missing(&g.tr[0]) == 0);
    }
    o.bodypart = "TS";
    CHECK_OK(read_into(p, "dlc", &o, &g));
    if (g.n == 1)
        CHECK_NEAR(g.tr[0].x[0], 799.1969604492188 / 45.0, 1e-12);
    o.bodypart = "nose";
    CHECK(read_into(p, "dlc", &o, &g) == ZF_EINVAL && tu_msg_has("TS, S1, S2, T1, T2, T3, T4"));
    o.bodypart = NULL;
    o.px_per_mm = 1.0;
    o.fps = 30.0;

    snprintf(p, sizeof p, "%s/dlc/dlc_testdata.csv", ZF_SHARED_FORMATS);
    CHECK(strcmp(detected(p), "dlc") == 0);
    CHECK_OK(read_into(p, "auto", &o, &g));
    CHECK(g.n == 1);
    if (g.n == 1) {
        CHECK(g.tr[0].n == 4);
        CHECK_NEAR(g.tr[0].x[0], 2.0, 1e-12); /* mean of A, B, C x: 0, 2, 4 */
        CHECK(isnan(g.tr[0].x[2]));
        CHECK_NEAR(g.tr[0].t[3], 0.1, 1e-12);
    }

    snprintf(p, sizeof p, "%s/dlc/madlc_testdata.csv", ZF_SHARED_FORMATS);
    CHECK(strcmp(detected(p), "dlc") == 0);
    CHECK_OK(read_into(p, "auto", &o, &g));
    CHECK(g.n == 2);
    if (g.n == 2) {
        CHECK(strcmp(g.info[0].individual, "Animal1") == 0 && strcmp(g.info[1].individual, "Animal2") == 0);
        CHECK(g.tr[0].n == 4 && g.tr[1].n == 4);
        CHECK_NEAR(g.tr[1].x[0], 8.0, 1e-12); /* mean of 6, 8, 10 */
        CHECK(isnan(g.tr[1].x[3]));
        CHECK_NEAR(g.tr[0].x[3], 24.0, 1e-12);
    }
    got_free(&g);
}

int main(void)
{
    zf_init();
    if (tu_tmpdir(g_dir, sizeof g_dir, "/tmp/zf_readers_kp") != ZF_OK) {
        fprintf(stderr, "cannot create %s: %s\n", g_dir, zf_errmsg());
        return 1;
    }
    test_sleap_h5();
    test_sleap_csv();
    test_dlc();
    test_zebrazoom();
    test_errors();
    test_shared();
    return CHECK_DONE();
}
