/* fuzz_reader.c: libFuzzer harness for one track reader of the format table, chosen at build time (-DZF_FUZZ_FORMAT="name"). */
#include "fuzz_common.h"
#include "h5gen.h"

#include "zfstress/ingest.h"
#include "zfstress/track.h"

#include <math.h>

#ifndef ZF_FUZZ_FORMAT
#error "build with -DZF_FUZZ_FORMAT=\"<reader name>\" (a row of the format table, or \"auto\")"
#endif

/* The file names each format is tried under (readers look at names: ToxTrac's
 * Tracking_<n>.txt is pixels, TRex names the fish in the file name, ...). */
typedef struct fuzz_target {
    const char *format;
    const char *names[2];
    int hdf5;             /* the reader also reads HDF5: odd first byte = an h5gen program */
} fuzz_target;

static const fuzz_target targets[] = {
    {"csv", {"track.csv", "track.tsv"}, 0},
    {"ethovision", {"Raw data-NTT-Trial 1.txt", "Track-Arena 1-Subject 1.csv"}, 0},
    {"anymaze", {"anymaze_test.csv", "anymaze_test.csv"}, 0},
    {"toxtrac", {"Tracking_RealSpace_1.txt", "Tracking_1.txt"}, 0},
    {"idtracker", {"trajectories.csv", "trajectories_wo_gaps.csv"}, 0},
    {"trex", {"exp_fish3.csv", "exp_id12.csv"}, 0},
    {"sleap", {"pred.analysis.csv", "pred.analysis.h5"}, 1},
    {"dlc", {"videoDLC_resnet50_fishJan1shuffle1_1000.csv", "CollectedData_me.csv"}, 0},
    {"zebrazoom", {"results.h5", "results.h5"}, 1},
    {"viewpoint", {"plate.xls", "LPR_raw_data.txt"}, 0},
    {"auto", {"input.csv", "input.txt"}, 0},
};

/* Names the HDF5 readers look for, and strings for string datasets. */
static const char *const h5_names[] = {
    "tracks", "track_names", "track_occupancy", "node_names", "point_scores", "instance_scores",
    "tracking_scores", "edge_names", "video_path", "labels_path", "videoFPS", "videoPixelSize",
    "dataForWell0", "dataForWell1", "dataForWell0/dataForAnimal0", "dataForWell0/dataForAnimal1",
    "dataForWell0/dataForAnimal0/dataPerFrame/HeadPos", "dataForWell0/dataForAnimal1/dataPerFrame/HeadPos",
    "dataForWell1/dataForAnimal0/dataPerFrame/HeadPos", "dataForWell12/dataForAnimal0/dataPerFrame/HeadPos",
    "dataForWell0/dataForAnimal0/dataPerFrame", "dataForWellx", "dataForAnimal0",
};
static const char *const h5_vocab[] = {
    "[\"frame\", \"track\", \"node\", \"xy\"]", "[\"track\", \"xy\", \"node\", \"frame\"]", "[\"frame\", \"track\"]",
    "[\"track\", \"frame\"]", "[\"frame\", \"node\", \"track\"]", "[\"track\", \"node\", \"frame\"]",
    "track", "xy", "node", "frame", "head", "tail", "", "fish1", "fish 2", "[\"", "X", "Y", "centroid",
    "\"x\"", "[\"frame\"]", "[\"frames\", \"tracks\", \"nodes\", \"coords\"]",
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const fuzz_target *target;

/* The sink checks what a reader promises: a consistent track, every value
 * readable (ASan sees stray reads), binned activity of consistent size. */
static int sink(void *ctx, zf_track *tr, const zf_track_info *info)
{
    volatile double acc = 0.0;
    (void)ctx;
    if (tr->n > tr->cap || (tr->n && (!tr->t || !tr->x || !tr->y)))
        abort();
    for (size_t i = 0; i < tr->n; i++)
        acc += tr->t[i] + tr->x[i] + tr->y[i];
    if (info->activity) {
        const zf_activity *a = info->activity;
        if (a->n > a->cap || (a->n && (!a->start_s || !a->duration_s || !a->inactive_mm || !a->small_mm || !a->large_mm)))
            abort();
        for (size_t i = 0; i < a->n; i++)
            acc += a->start_s[i] + a->duration_s[i] + a->inactive_mm[i] + a->small_mm[i] + a->large_mm[i];
    }
    if (memchr(info->individual, '\0', sizeof info->individual) == NULL ||
        memchr(info->arena, '\0', sizeof info->arena) == NULL ||
        memchr(info->conversions, '\0', sizeof info->conversions) == NULL)
        abort();
    (void)acc;
    return ZF_OK;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    zf_fuzz_setup();
    for (size_t i = 0; i < NELEM(targets); i++)
        if (strcmp(targets[i].format, ZF_FUZZ_FORMAT) == 0)
            target = &targets[i];
    if (!target || (strcmp(ZF_FUZZ_FORMAT, "auto") != 0 && !zf_format_find(ZF_FUZZ_FORMAT)))
        abort();
    return 0;
}

/* Two option sets: what a typical study gives, and the other branch of every option. */
static void options(int variant, zf_read_opts *o)
{
    zf_read_opts_default(o);
    o->px_per_mm = 4.0;
    o->arena_height_mm = 150.0;
    o->fps = 30.0;
    if (variant) {
        o->col_time = "";
        o->col_x = "X center";
        o->col_y = "y";
        o->units = ZF_UNITS_CM;
        o->y_axis = ZF_Y_DOWN;
        o->origin_x = 3.0;
        o->origin_y = 100.0;
        o->time_offset_s = 0.5;
        o->bodypart = "head";
        o->min_likelihood = 0.0;
        o->individual = "1";
        o->arena = "1";
        o->decimal_comma = 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    const char *fmt = target->format;
    for (int variant = 0; variant < 2; variant++) {
        zf_read_opts o;
        const zf_format *used = NULL;
        options(variant, &o);
        if (target->hdf5 && size > 0 && (data[0] & 1u)) {
            snprintf(path, sizeof path, "%s/%s", zf_fuzz_dir, strcmp(fmt, "sleap") == 0 ? "pred.analysis.h5" : "results.h5");
            if (zf_h5gen_build(path, data + 1, size - 1, h5_names, NELEM(h5_names), h5_vocab, NELEM(h5_vocab)) != 0)
                abort();
        } else {
            const uint8_t *d = target->hdf5 && size ? data + 1 : data;
            size_t n = target->hdf5 && size ? size - 1 : size;
            /* raw HDF5 bytes would fuzz libhdf5's parser, not ours: the detector opens only
             * files with the signature, so 'auto' skips them (the h5gen path covers our HDF5 code) */
            if (n >= 4 && memcmp(d, "\x89HDF", 4) == 0)
                return 0;
            zf_fuzz_write(target->names[variant], d, n, path, sizeof path);
        }
        (void)zf_read_tracks(path, fmt, &o, sink, NULL, &used);
        zf_error_clear();
        (void)unlink(path);
    }
    return 0;
}
