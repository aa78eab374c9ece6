/* test_readers_text.c: the EthoVision, ANY-maze, ToxTrac, idtracker.ai and TRex readers on hand-made exports of each layout and quirk, and on the real samples. */
#include "zfstress/core.h"
#include "zfstress/ingest.h"
#include "zfstress/track.h"

#include "check.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAXT 16
#define KEEP 12

/* What the sink saw: per track the size, the first KEEP samples and the info. */
typedef struct got {
    size_t n;
    size_t len[MAXT], missing[MAXT];
    double t[MAXT][KEEP], x[MAXT][KEEP], y[MAXT][KEEP];
    double last_t[MAXT];
    zf_track_info info[MAXT];
} got;

static int sink(void *ctx, zf_track *tr, const zf_track_info *info)
{
    got *g = ctx;
    if (g->n >= MAXT)
        return ZF_OK;
    size_t k = g->n++;
    g->len[k] = tr->n;
    g->missing[k] = zf_track_missing(tr);
    for (size_t i = 0; i < KEEP; i++) {
        g->t[k][i] = i < tr->n ? tr->t[i] : NAN;
        g->x[k][i] = i < tr->n ? tr->x[i] : NAN;
        g->y[k][i] = i < tr->n ? tr->y[i] : NAN;
    }
    g->last_t[k] = tr->n ? tr->t[tr->n - 1] : NAN;
    g->info[k] = *info;
    return ZF_OK;
}

static const char *tmpdir(void)
{
    const char *d = getenv("ZF_TMP");
    d = d ? d : "/tmp/zf_readers_text";
    zf_mkdir_p(d);
    return d;
}

static void write_bytes(char *path, size_t size, const char *name, const void *data, size_t len)
{
    snprintf(path, size, "%s/%s", tmpdir(), name);
    CHECK(tu_write_bytes(path, data, len) == 0);
}

static void write_file(char *path, size_t size, const char *name, const char *text)
{
    write_bytes(path, size, name, text, strlen(text));
}

/* UTF-8 text (BMP only) written as UTF-16LE with a BOM, as EthoVision's "Unicode" export. */
static void write_utf16le(char *path, size_t size, const char *name, const char *utf8)
{
    size_t n = strlen(utf8), k = 0;
    unsigned char *buf = malloc(2 * n + 2);
    CHECK(buf != NULL);
    if (!buf)
        return;
    buf[k++] = 0xFF;
    buf[k++] = 0xFE;
    for (const unsigned char *s = (const unsigned char *)utf8; *s;) {
        unsigned u;
        if (*s < 0x80)
            u = *s++;
        else if ((*s & 0xE0) == 0xC0) {
            u = (unsigned)(s[0] & 0x1F) << 6 | (unsigned)(s[1] & 0x3F);
            s += 2;
        } else {
            u = (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (unsigned)(s[2] & 0x3F);
            s += 3;
        }
        buf[k++] = (unsigned char)(u & 0xFF);
        buf[k++] = (unsigned char)(u >> 8);
    }
    write_bytes(path, size, name, buf, k);
    free(buf);
}

static int detected_as(const char *path, const char *name)
{
    const zf_format *f = NULL;
    int rc = zf_format_detect(path, &f);
    int ok = rc == ZF_OK && f && strcmp(f->name, name) == 0;
    if (!ok)
        fprintf(stderr, "  '%s': detected as %s (want %s) %s\n", path, f ? f->name : "nothing", name, rc ? zf_errmsg() : "");
    return ok;
}

static int read_auto(const char *path, const zf_read_opts *o, got *g)
{
    memset(g, 0, sizeof *g);
    return zf_read_tracks(path, "auto", o, sink, g, NULL);
}

static void test_ethovision(void)
{
    char p[1024], want[1400];
    zf_read_opts o;
    got g;
    zf_read_opts_default(&o);

    /* XT "Unicode" export: UTF-16LE + BOM, CRLF, ';', every field quoted, "-" missing, cm */
    write_utf16le(p, sizeof p, "Raw data-NTT-Trial 3.txt",
                  "\"Number of header lines:\";\"8\"\r\n"
                  "\"Experiment\";\"Stress NTT\"\r\n"
                  "\"Subject\";\"Fish 3\"\r\n"
                  "\"Arena name\";\"Arena 2\"\r\n"
                  "\"Trial name\";\"Trial     3\"\r\n"
                  "\"Video file\";\"C:\\\\vids\\\\ntt3.mpg\"\r\n"
                  "\"Trial time\";\"Recording time\";\"X center\";\"Y center\";\"Area\";\"Velocity\"\r\n"
                  "\"s\";\"s\";\"cm\";\"cm\";\"cm\xc2\xb2\";\"cm/s\"\r\n"
                  "\"0\";\"10\";\"1.5\";\"-2\";\"0.1\";\"-\"\r\n"
                  "\"0.04\";\"10.04\";\"-\";\"-\";\"-\";\"-\"\r\n"
                  "\"0.08\";\"10.08\";\"2.5\";\"-1\";\"0.1\";\"3\"\r\n"
                  "\"0.12\";\"10.12\";\"3\";\"0.5\";\"0.1\";\"3\"\r\n");
    CHECK(detected_as(p, "ethovision"));
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && g.len[0] == 4 && g.missing[0] == 1);
    CHECK_NEAR(g.x[0][0], 15.0, 1e-12);
    CHECK_NEAR(g.y[0][0], -20.0, 1e-12); /* y up: kept as is */
    CHECK(isnan(g.x[0][1]) && isnan(g.y[0][1]));
    CHECK_NEAR(g.t[0][3], 0.12, 1e-12);  /* Trial time, not Recording time */
    CHECK_NEAR(g.info[0].fps, 25.0, 1e-9);
    CHECK(strcmp(g.info[0].individual, "Fish 3") == 0);
    CHECK(strcmp(g.info[0].arena, "Arena 2") == 0);
    CHECK(strcmp(g.info[0].units, "cm") == 0);

    /* localised line-1 label, tab-separated, UTF-16LE, mm, no Trial time (Recording time) */
    write_utf16le(p, sizeof p, "track_zh.txt",
                  "\"\xe6\xa0\x87\xe9\xa2\x98\xe8\xa1\x8c\xe6\x95\xb0:\"\t\"5\"\r\n"
                  "\"\xe5\xae\x9e\xe9\xaa\x8c\"\t\"\xe5\x8e\x8b\xe5\x8a\x9b\"\r\n"
                  "\"Arena name\"\t\"\xe7\xae\xb1 1\"\r\n"
                  "\"Recording time\"\t\"X center\"\t\"Y center\"\r\n"
                  "\"s\"\t\"mm\"\t\"mm\"\r\n"
                  "\"0\"\t\"1\"\t\"2\"\r\n"
                  "\"0.5\"\t\"3\"\t\"4\"\r\n");
    CHECK(detected_as(p, "ethovision"));
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && g.len[0] == 2);
    CHECK_NEAR(g.x[0][1], 3.0, 1e-12);
    CHECK_NEAR(g.t[0][1], 0.5, 1e-12);
    CHECK_NEAR(g.info[0].fps, 2.0, 1e-9);
    CHECK(strcmp(g.info[0].arena, "\xe7\xae\xb1 1") == 0);
    CHECK(strcmp(g.info[0].units, "mm") == 0);

    /* ANSI export with decimal commas (European locale), older "Header Lines:" label */
    const char *comma =
        "\"Header Lines:\";\"4\"\n"
        "\"Subject\";\"F1\"\n"
        "\"Trial time\";\"X center\";\"Y center\"\n"
        "\"s\";\"mm\";\"mm\"\n"
        "\"0,00\";\"10,5\";\"1,25\"\n"
        "\"0,10\";\"11,0\";\"-\"\n"
        "\"0,20\";\"12,5\";\"2\"\n";
    write_file(p, sizeof p, "Raw data-NTT-Trial 3.txt", comma);
    CHECK(detected_as(p, "ethovision"));
    o.decimal_comma = 1;
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && g.len[0] == 3 && g.missing[0] == 1);
    CHECK_NEAR(g.x[0][0], 10.5, 1e-12);
    CHECK_NEAR(g.y[0][0], 1.25, 1e-12);
    CHECK_NEAR(g.t[0][2], 0.2, 1e-12);
    CHECK_NEAR(g.info[0].fps, 10.0, 1e-9);
    o.decimal_comma = 0;
    CHECK(read_auto(p, &o, &g) == ZF_EPARSE);
    snprintf(want, sizeof want, "'%s':5: column 'Trial time': expected a number, got \"0,00\" (decimal comma? set decimal: comma)", p);
    CHECK(tu_msg_has(want));
    write_file(p, sizeof p, "Raw data-NTT-Trial 4.txt",
               "\"Number of header lines:\";\"3\"\n\"Trial time\";\"X center\";\"Y center\"\n\"s\";\"cm\";\"cm\"\n"
               "\"0\";\"1\";\"2\"\n\"0.1\";\"12,5\";\"2\"\n");
    CHECK(read_auto(p, &o, &g) == ZF_EPARSE);
    snprintf(want, sizeof want, "'%s':5: column 'X center': expected a number, got \"12,5\" (decimal comma? set decimal: comma)", p);
    CHECK(tu_msg_has(want));

    /* legacy EthoVision 3.x: key,value block (Latin-1), then Sample no.,Time,X,Y; '-' missing */
    write_file(p, sizeof p, "track_00001.csv",
               "Track file,C:\\data\\track_00001.trk\n"
               "Object,0\n"
               "Samples,4\n"
               "Status,Acquired,\n"
               "Arena,Ar\xe8ne 1,\n"
               "Trial duration,0000:00:00:00.240,dd:HH:mm:ss\n"
               "Sample no.,Time,X,Y,Area,ZONES [Zone 1],Distance moved\n"
               "1,0.00,208.10,56.54,635.00,E,-\n"
               "2,0.08,-,-,-,-,-\n"
               "3,0.16,212.19,59.94,393.00,E,2.28\n"
               "4,0.24,212.87,59.94,329.00,E,0.68\n");
    CHECK(detected_as(p, "ethovision"));
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && g.len[0] == 4 && g.missing[0] == 1);
    CHECK_NEAR(g.x[0][2], 212.19, 1e-12);
    CHECK_NEAR(g.info[0].fps, 12.5, 1e-9);
    CHECK(strcmp(g.info[0].arena, "Ar\xc3\xa8ne 1") == 0); /* Latin-1 read as UTF-8 */

    /* R re-saved track: "Trial.time","X.center","Y.center", quoted values, "-" */
    write_file(p, sizeof p, "larva_derived.csv",
               "\"Trial.time\",\"X.center\",\"Y.center\"\n0,\"390.1\",\"-95.5\"\n0.5,\"-\",\"-\"\n1,\"391\",\"-96\"\n");
    CHECK(detected_as(p, "ethovision"));
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && g.len[0] == 3 && g.missing[0] == 1);
    CHECK_NEAR(g.y[0][2], -96.0, 1e-12);

    /* a key,value file whose line 1 happens to end in an integer is not EthoVision */
    write_file(p, sizeof p, "settings.csv", "version,3\nname,x\nmode,fast\n");
    {
        const zf_format *f = NULL;
        CHECK(zf_format_detect(p, &f) != ZF_OK || strcmp(f->name, "ethovision") != 0);
    }

    /* XT header without position columns: names the file, line and columns found */
    write_file(p, sizeof p, "nopos.txt",
               "\"Number of header lines:\";\"4\"\n\"Subject\";\"F1\"\n\"Trial time\";\"Velocity\";\"Area\"\n\"s\";\"cm/s\";\"cm2\"\n\"0\";\"1\";\"2\"\n");
    CHECK(detected_as(p, "ethovision"));
    CHECK(read_auto(p, &o, &g) == ZF_EPARSE);
    snprintf(want, sizeof want, "'%s':3: no position columns", p);
    CHECK(tu_msg_has(want));
    CHECK(tu_msg_has("found 'Trial time', 'Velocity', 'Area'"));
}

static void test_anymaze(void)
{
    char p[1024], want[1400];
    zf_read_opts o;
    got g;
    zf_read_opts_default(&o);

    write_file(p, sizeof p, "anymaze_test1.csv",
               "Time,Centre position X,Centre position Y,In Top zone\r\n"
               "0:00:00.000,100.5,20,1\r\n"
               "0:00:00.040,101,21.5,1\r\n"
               "0:00:00.080,#N/A,#N/A,0\r\n"
               "0:01:00.120,103,22,0\r\n");
    CHECK(detected_as(p, "anymaze"));
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && g.len[0] == 4 && g.missing[0] == 1);
    CHECK_NEAR(g.t[0][1], 0.04, 1e-12);
    CHECK_NEAR(g.t[0][3], 60.12, 1e-12);
    CHECK_NEAR(g.x[0][0], 100.5, 1e-12);
    CHECK_NEAR(g.y[0][1], 21.5, 1e-12);
    CHECK(strcmp(g.info[0].units, "mm") == 0 && strcmp(g.info[0].y_direction, "up") == 0);
    CHECK_NEAR(g.info[0].fps, 25.0, 1e-9);

    /* seconds, cm stated in the header, ';' and decimal commas */
    write_file(p, sizeof p, "anymaze_cm.csv",
               "Time (s);Centre position X (cm);Centre position Y (cm)\n0,0;1,5;2\n0,5;1,75;-\n1,0;2;3\n");
    CHECK(detected_as(p, "anymaze"));
    o.decimal_comma = 1;
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && g.len[0] == 3 && g.missing[0] == 1);
    CHECK_NEAR(g.x[0][0], 15.0, 1e-12);
    CHECK_NEAR(g.t[0][2], 1.0, 1e-12);
    CHECK(strcmp(g.info[0].units, "cm") == 0);
    o.decimal_comma = 0;
    CHECK(read_auto(p, &o, &g) == ZF_EPARSE);
    snprintf(want, sizeof want, "'%s':2: column 'Time (s)': expected a number, got \"0,0\" (decimal comma?", p);
    CHECK(tu_msg_has(want));

    /* no position columns (format forced) */
    write_file(p, sizeof p, "anymaze_nopos.csv", "Time,Speed\n0,1\n");
    memset(&g, 0, sizeof g);
    CHECK(zf_read_tracks(p, "anymaze", &o, sink, &g, NULL) == ZF_EPARSE);
    snprintf(want, sizeof want, "'%s':1: no position columns", p);
    CHECK(tu_msg_has(want));
    CHECK(tu_msg_has("'Time', 'Speed'"));
}

static void test_toxtrac(void)
{
    char p[1024], want[1400];
    zf_read_opts o;
    got g;
    zf_read_opts_default(&o);
    o.arena_height_mm = 100.0;

    /* arena 1: tracks 1 and 4 are fragments of one fish; frame 0.3 absent (gap);
     * frame 0.5 in both tracks (the first row wins); a mirror (label 3) at 0.6.
     * arena 2: one track. Arenas are interleaved as ToxTrac writes them. */
    write_file(p, sizeof p, "Tracking_RealSpace_1.txt",
               "Time (sec)\tArena\tTrack\tPos. X (mm)\tPos. Y (mm)\tLabel\n"
               "0.0\t1\t1\t10.0\t20.0\t1\n"
               "0.0\t2\t1\t50.0\t60.0\t1\n"
               "0.1\t1\t1\t11.0\t21.0\t1\n"
               "0.1\t2\t1\t51.0\t61.0\t1\n"
               "0.2\t1\t1\t12.0\t22.0\t2\n"
               "0.2\t2\t1\t52.0\t62.0\t1\n"
               "0.4\t1\t4\t14.0\t24.0\t0\n"
               "0.5\t1\t4\t15.0\t25.0\t1\n"
               "0.5\t1\t1\t99.0\t99.0\t1\n"
               "0.6\t1\t4\t16.0\t26.0\t3\n"
               "0.7\t1\t4\t17.0\t27.0\t1\n");
    CHECK(detected_as(p, "toxtrac"));
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 2);
    CHECK(strcmp(g.info[0].arena, "1") == 0 && strcmp(g.info[1].arena, "2") == 0);
    CHECK(g.len[0] == 8 && g.len[1] == 3);
    CHECK(g.missing[0] == 2); /* 0.3 absent, 0.6 mirror */
    CHECK_NEAR(g.info[0].fps, 10.0, 1e-9);
    CHECK_NEAR(g.t[0][7], 0.7, 1e-9);
    CHECK(isnan(g.x[0][3]) && isnan(g.x[0][6]));
    CHECK_NEAR(g.x[0][5], 15.0, 1e-12); /* first row of frame 0.5 kept */
    CHECK_NEAR(g.y[0][0], 80.0, 1e-12); /* image y down: 100 - 20 */
    CHECK_NEAR(g.x[0][2], 12.0, 1e-12); /* label 2 (occluded) kept */
    CHECK(strstr(g.info[0].conversions, "2 track fragments merged (1 rows") != NULL);
    CHECK(strstr(g.info[0].conversions, "1 mirror") != NULL);

    o.arena = "2";
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && strcmp(g.info[0].arena, "2") == 0 && g.len[0] == 3);
    o.arena = "7";
    CHECK(read_auto(p, &o, &g) == ZF_EDATA);
    CHECK(tu_msg_has("arenas 1, 2"));
    o.arena = NULL;

    /* y down needs the arena height */
    o.arena_height_mm = NAN;
    CHECK(read_auto(p, &o, &g) == ZF_EINVAL);
    o.arena_height_mm = 100.0;

    /* time rounded to 0.1 s at 30 fps: timestamps repeat; the rate is still 30 */
    {
        size_t cap = 64 + 301 * 48, k = 0;
        char *text = malloc(cap);
        CHECK(text != NULL);
        if (text) {
            k += (size_t)snprintf(text + k, cap - k, "Time (sec)\tArena\tTrack\tPos. X (mm)\tPos. Y (mm)\tLabel\n");
            for (int f = 0; f <= 300; f++)
                k += (size_t)snprintf(text + k, cap - k, "%.1f\t1\t1\t%d\t5\t1\n", f / 30.0, f);
            write_file(p, sizeof p, "Tracking_RealSpace_3.txt", text);
            free(text);
            CHECK_OK(read_auto(p, &o, &g));
            CHECK(g.n == 1);
            CHECK_NEAR(g.info[0].fps, 30.0, 1e-9);
            CHECK(g.len[0] >= 301 && g.len[0] <= 303);
            CHECK(g.len[0] - g.missing[0] == 301); /* every row placed */
        }
    }

    /* headerless pixel version: Frame Arena Track X Y Label; fps from the study */
    write_file(p, sizeof p, "Tracking_1.txt",
               "10\t1\t1\t100\t200\t1\n11\t1\t1\t101\t201\t1\n13\t1\t2\t103\t203\t0\n14\t1\t2\t104\t204\t1\n");
    CHECK(detected_as(p, "toxtrac"));
    CHECK(read_auto(p, &o, &g) == ZF_EINVAL);
    CHECK(tu_msg_has("expected fps"));
    o.fps = 10.0;
    CHECK(read_auto(p, &o, &g) == ZF_EINVAL); /* pixels without px_per_mm */
    o.px_per_mm = 2.0;
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && g.len[0] == 5 && g.missing[0] == 1);
    CHECK_NEAR(g.t[0][0], 1.0, 1e-12);
    CHECK_NEAR(g.x[0][0], 50.0, 1e-12);
    CHECK_NEAR(g.y[0][4], 100.0 - 102.0, 1e-12);
    CHECK(isnan(g.x[0][2]));
    CHECK(strcmp(g.info[0].units, "px") == 0);

    /* the same, space-separated */
    write_file(p, sizeof p, "Tracking_2.txt", "0 1 1 10 20 1\n1 1 1 11 21 1\n2 1 1 12 22 1\n");
    CHECK(detected_as(p, "toxtrac"));
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && g.len[0] == 3 && g.missing[0] == 0);

    /* bad number, located */
    write_file(p, sizeof p, "Tracking_RealSpace_9.txt",
               "Time (sec)\tArena\tTrack\tPos. X (mm)\tPos. Y (mm)\tLabel\n0\t1\t1\t1\t2\t1\n0,1\t1\t1\t1\t2\t1\n");
    CHECK(read_auto(p, &o, &g) == ZF_EPARSE);
    snprintf(want, sizeof want, "'%s':3: column 'Time (sec)': expected a number, got \"0,1\"", p);
    CHECK(tu_msg_has(want));
}

static void test_idtracker(void)
{
    char p[1024], want[1400];
    zf_read_opts o;
    got g;
    zf_read_opts_default(&o);
    o.px_per_mm = 10.0;
    o.arena_height_mm = 50.0;

    write_file(p, sizeof p, "trajectories.csv",
               "seconds,x1,y1,x2,y2\n0.000,100.0,200.0,nan,nan\n0.040,101.0,201.0,300.0,400.0\n0.080,nan,nan,301.0,401.0\n");
    CHECK(detected_as(p, "idtracker"));
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 2 && g.len[0] == 3 && g.len[1] == 3);
    CHECK(strcmp(g.info[0].individual, "1") == 0 && strcmp(g.info[1].individual, "2") == 0);
    CHECK(g.missing[0] == 1 && g.missing[1] == 1);
    CHECK_NEAR(g.x[0][0], 10.0, 1e-12);
    CHECK_NEAR(g.y[0][0], 30.0, 1e-12); /* 50 - 200 / 10 */
    CHECK_NEAR(g.t[1][2], 0.08, 1e-12);
    CHECK_NEAR(g.info[0].fps, 25.0, 1e-9);

    o.individual = "2";
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && strcmp(g.info[0].individual, "2") == 0);
    CHECK_NEAR(g.x[0][1], 30.0, 1e-12);
    o.individual = "3";
    CHECK(read_auto(p, &o, &g) == ZF_EDATA);
    CHECK(tu_msg_has("individuals 1..2"));
    o.individual = NULL;

    /* no seconds: time = frame / fps, fps required; older "# " header prefix */
    write_file(p, sizeof p, "trajectories_old.csv", "# x1,y1\n1,2\n3,4\nNaN,NaN\n5,6\n");
    CHECK(detected_as(p, "idtracker"));
    CHECK(read_auto(p, &o, &g) == ZF_EINVAL);
    snprintf(want, sizeof want, "'%s':1: no 'seconds' column: expected fps", p);
    CHECK(tu_msg_has(want));
    o.fps = 4.0;
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && g.len[0] == 4 && g.missing[0] == 1);
    CHECK_NEAR(g.t[0][3], 0.75, 1e-12);
    CHECK_NEAR(g.info[0].fps, 4.0, 1e-12);

    write_file(p, sizeof p, "trajectories_noprefix.csv", "x1,y1,x2,y2\n1,2,3,4\n");
    CHECK(detected_as(p, "idtracker"));
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 2 && g.len[1] == 1);

    /* a header that is not x1,y1,... (format forced) */
    write_file(p, sizeof p, "traj_bad.csv", "seconds,x1,y2\n0,1,2\n");
    CHECK(zf_read_tracks(p, "idtracker", &o, sink, &g, NULL) == ZF_EPARSE);
    CHECK(tu_msg_has("found 'seconds', 'x1', 'y2'"));
}

static void test_trex(void)
{
    char p[1024];
    zf_read_opts o;
    got g;
    zf_read_opts_default(&o);
    o.arena_height_mm = 300.0;

    write_file(p, sizeof p, "exp_fish3.csv",
               "frame,ANGLE,X#wcentroid (cm),Y#wcentroid (cm),X (cm),Y (cm),missing,time\n"
               "0,0.1,1.0,2.0,1.1,2.1,0,0\n"
               "1,0.1,1.5,2.5,1.6,2.6,0,0.04\n"
               "2,inf,inf,inf,inf,inf,1,0.08\n"
               "3,0.1,9.0,9.0,9.0,9.0,1,0.12\n"
               "4,0.2,2.0,3.0,2.1,3.1,0,0.16\n");
    CHECK(detected_as(p, "trex"));
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && g.len[0] == 5 && g.missing[0] == 2);
    CHECK(strcmp(g.info[0].individual, "3") == 0);
    CHECK_NEAR(g.x[0][0], 10.0, 1e-12); /* wcentroid preferred, cm -> mm */
    CHECK_NEAR(g.y[0][0], 280.0, 1e-12); /* 300 - 20 */
    CHECK(isnan(g.x[0][2]) && isnan(g.x[0][3]));
    CHECK_NEAR(g.info[0].fps, 25.0, 1e-9);
    CHECK(strcmp(g.info[0].units, "cm") == 0);

    /* "cm" that really are pixels: the study's units override */
    o.units = ZF_UNITS_PX;
    o.px_per_mm = 4.0;
    CHECK_OK(read_auto(p, &o, &g));
    CHECK_NEAR(g.x[0][0], 0.25, 1e-12);
    o.units = ZF_UNITS_AUTO;

    /* px, #centroid, no time column: frame / fps */
    write_file(p, sizeof p, "exp_id12.csv", "frame,X#centroid (px),Y#centroid (px),num_pixels\n5,40,80,100\n6,44,84,100\n");
    CHECK(detected_as(p, "trex"));
    CHECK(read_auto(p, &o, &g) == ZF_EINVAL);
    CHECK(tu_msg_has("no 'time' column: expected fps"));
    o.fps = 25.0;
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && g.len[0] == 2 && strcmp(g.info[0].individual, "12") == 0);
    CHECK_NEAR(g.t[0][0], 0.2, 1e-12);
    CHECK_NEAR(g.x[0][1], 11.0, 1e-12);

    /* X without Y: no usable position columns */
    write_file(p, sizeof p, "exp_fish4.csv", "frame,SPEED#wcentroid (cm/s),X#wcentroid (cm)\n0,1,2\n");
    CHECK(detected_as(p, "trex"));
    CHECK(read_auto(p, &o, &g) == ZF_EPARSE);
    CHECK(tu_msg_has(":1: no position columns"));
    CHECK(tu_msg_has("'X#wcentroid (cm)'"));
}

static void test_real_samples(void)
{
    char p[1024];
    zf_read_opts o;
    got g;
    if (!tu_shared_formats())
        return;
    zf_read_opts_default(&o);
    o.px_per_mm = 1.0;
    o.arena_height_mm = 1000.0;

    snprintf(p, sizeof p, "%s/idtracker/trajectories.csv", ZF_SHARED_FORMATS);
    CHECK(detected_as(p, "idtracker"));
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 8);
    size_t miss = 0;
    for (size_t i = 0; i < g.n; i++) {
        CHECK(g.len[i] == 508);
        CHECK_NEAR(g.info[i].fps, 28.0, 1e-9);
        miss += g.missing[i];
    }
    CHECK(miss == 43);
    CHECK(strcmp(g.info[7].individual, "8") == 0);

    for (int k = 0; k < 2; k++) {
        snprintf(p, sizeof p, "%s/trex/raw_full_export/test_fish%d.csv", ZF_SHARED_FORMATS, k);
        CHECK(detected_as(p, "trex"));
        CHECK_OK(read_auto(p, &o, &g));
        CHECK(g.n == 1 && g.len[0] == 500);
        CHECK_NEAR(g.info[0].fps, 25.0, 1e-9);
        CHECK(g.missing[0] == (k == 0 ? 99u : 37u));
        CHECK(strcmp(g.info[0].individual, k == 0 ? "0" : "1") == 0);
    }
    /* the minimal export has X#wcentroid but no Y: detected, refused with the columns found */
    snprintf(p, sizeof p, "%s/trex/automatic_minimal/test_fish0.csv", ZF_SHARED_FORMATS);
    CHECK(detected_as(p, "trex"));
    o.fps = 25.0;
    CHECK(read_auto(p, &o, &g) == ZF_EPARSE);
    CHECK(tu_msg_has("'X#wcentroid (cm)'"));
    o.fps = NAN;

    snprintf(p, sizeof p, "%s/ethovision/ethovision3_rawdata_0521_00.csv", ZF_SHARED_FORMATS);
    CHECK(detected_as(p, "ethovision"));
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && g.len[0] == 619 && g.missing[0] == 3);
    CHECK_NEAR(g.info[0].fps, 12.5, 1e-9);
    CHECK(strcmp(g.info[0].arena, "Piscine") == 0);

    snprintf(p, sizeof p, "%s/ethovision/cadmium_larva_ethovision_derived.csv", ZF_SHARED_FORMATS);
    CHECK(detected_as(p, "ethovision"));
    CHECK_OK(read_auto(p, &o, &g));
    CHECK(g.n == 1 && g.len[0] == 169214 && g.missing[0] == 8);
    CHECK_NEAR(g.info[0].fps, 30.0, 1e-9);
    CHECK_NEAR(g.last_t[0], 5640.376, 1e-12);
}

int main(void)
{
    zf_init();
    test_ethovision();
    test_anymaze();
    test_toxtrac();
    test_idtracker();
    test_trex();
    test_real_samples();
    return CHECK_DONE();
}
