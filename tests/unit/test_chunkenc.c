/* test_chunkenc.c: chunks encoded outside HDF5 (shuffle, deflate, fletcher32) against HDF5's own filter pipeline, byte for byte, and read back by HDF5. */
#include "check.h"
#include "zfstress/core.h"
#include "core/chunkenc.h"

#include <hdf5.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char g_path[1200];

static uint64_t g_rng = 12345;
static uint32_t rnd32(void)
{
    g_rng = g_rng * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(g_rng >> 33);
}

/* A dataset of n elements of type `type` (elem bytes) in chunks of `chunk`
 * elements with the filters shuffle?, deflate 1?, fletcher32 in that order. */
static hid_t make_dataset(hid_t file, const char *name, hid_t type, hsize_t n, hsize_t chunk, int shuffle, int deflate)
{
    hid_t space = H5Screate_simple(1, &n, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE), ds;
    H5Pset_chunk(dcpl, 1, &chunk);
    if (shuffle)
        H5Pset_shuffle(dcpl);
    if (deflate)
        H5Pset_deflate(dcpl, 1);
    H5Pset_fletcher32(dcpl);
    ds = H5Dcreate2(file, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(space);
    return ds;
}

/* The stored bytes of chunk 0 as HDF5 wrote them. */
static unsigned char *stored_chunk(hid_t ds, size_t *len)
{
    hsize_t off[1] = {0}, size = 0;
    uint32_t mask = 0;
    if (H5Dget_chunk_storage_size(ds, off, &size) < 0 || size == 0)
        return NULL;
    unsigned char *buf = malloc((size_t)size);
    if (buf && H5Dread_chunk(ds, H5P_DEFAULT, off, &mask, buf) < 0) {
        free(buf);
        return NULL;
    }
    CHECK(mask == 0); /* every filter applied */
    *len = (size_t)size;
    return buf;
}

/* fletcher32 alone: HDF5 appends the checksum of the raw bytes, little-endian;
 * odd lengths use the last byte as a high byte. */
static void test_fletcher32(hid_t file)
{
    static const hsize_t sizes[] = {1, 2, 3, 359, 360, 361, 719, 720, 721, 1001, 65537};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        hsize_t n = sizes[k];
        unsigned char *data = malloc((size_t)n);
        for (hsize_t i = 0; i < n; i++)
            data[i] = (unsigned char)(k == 0 ? 0xff : rnd32());
        char name[32];
        snprintf(name, sizeof name, "f%zu", k);
        hid_t ds = make_dataset(file, name, H5T_NATIVE_UCHAR, n, n, 0, 0);
        CHECK(ds >= 0);
        CHECK(H5Dwrite(ds, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
        size_t len = 0;
        unsigned char *st = stored_chunk(ds, &len);
        CHECK(st && len == n + 4);
        if (st && len == n + 4) {
            uint32_t f = zf_fletcher32(data, (size_t)n);
            unsigned char le[4] = {(unsigned char)f, (unsigned char)(f >> 8), (unsigned char)(f >> 16), (unsigned char)(f >> 24)};
            CHECK(memcmp(st, data, (size_t)n) == 0);
            CHECK(memcmp(st + n, le, 4) == 0);
        }
        free(st);
        free(data);
        H5Dclose(ds);
    }
}

/* Measured-looking values: a smooth walk with noise in the low bits. */
static void fill_track(double *t, float *xy, size_t n)
{
    double x = 100, y = 50;
    for (size_t i = 0; i < n; i++) {
        t[i] = (double)i / 30.0;
        x += ((double)(rnd32() % 2001) - 1000.0) * 1e-3;
        y += ((double)(rnd32() % 2001) - 1000.0) * 1e-3;
        xy[2 * i] = (float)(round(x * 1000) / 1000);
        xy[2 * i + 1] = (float)(round(y * 1000) / 1000);
    }
}

/* The whole pipeline in the mode that uses zlib as HDF5 does: identical chunks. */
static void test_identical_to_hdf5(hid_t file)
{
    const size_t n = 65536;
    double *t = malloc(n * sizeof *t);
    float *xy = malloc(2 * n * sizeof *xy);
    unsigned char *enc = malloc(zf_chunk_bound(n * 8));
    fill_track(t, xy, n);
    struct { const char *name; hid_t type; const void *data; size_t elem; hsize_t count; } cases[] = {
        {"time", H5T_NATIVE_DOUBLE, t, 8, n},
        {"xy", H5T_NATIVE_FLOAT, xy, 4, 2 * n},
    };
    for (size_t k = 0; k < 2; k++) {
        hid_t ds = make_dataset(file, cases[k].name, cases[k].type, cases[k].count, cases[k].count, 1, 1);
        CHECK(ds >= 0);
        CHECK(H5Dwrite(ds, cases[k].type, H5S_ALL, H5S_ALL, H5P_DEFAULT, cases[k].data) >= 0);
        size_t len = 0, elen = 0;
        unsigned char *st = stored_chunk(ds, &len);
        CHECK_OK(zf_chunk_encode(cases[k].data, (size_t)cases[k].count * cases[k].elem, cases[k].elem, ZF_CHUNK_ZLIB, enc, &elen));
        CHECK(st && len == elen && memcmp(st, enc, len) == 0);
        free(st);
        H5Dclose(ds);
    }
    free(t);
    free(xy);
    free(enc);
}

/* The fast modes (zlib with stored noise planes; libdeflate), written with
 * H5Dwrite_chunk, read back exactly through HDF5's filters, whatever the
 * data: measured values, constants, noise, and planes that alternate
 * between constant and noise (deflated and stored runs in turn). */
static void test_fast_reads_back(hid_t file, int mode)
{
    const size_t n = 65536;
    double *t = malloc(n * sizeof *t), *back = malloc(n * sizeof *back);
    float *xy = malloc(2 * n * sizeof *xy);
    unsigned char *enc = malloc(zf_chunk_bound(2 * n * 8));
    fill_track(t, xy, n);
    for (int kind = 0; kind < 5; kind++) {
        const void *data = kind == 0 ? (const void *)t : (const void *)xy;
        size_t elem = kind == 0 ? 8 : 4, nbytes = n * 8;
        unsigned char *raw = malloc(nbytes);
        memcpy(raw, data, nbytes);
        if (kind == 2)
            memset(raw, 0, nbytes);
        if (kind == 3)
            for (size_t i = 0; i < nbytes; i++)
                raw[i] = (unsigned char)rnd32();
        if (kind == 4)
            for (size_t i = 0; i < nbytes; i++)
                raw[i] = (unsigned char)(i % 4 == 0 ? 0x11 : i % 4 == 2 ? 0x22 : rnd32());
        char name[32];
        snprintf(name, sizeof name, "mode%d_%d", mode, kind);
        hsize_t count = nbytes / elem;
        hid_t ds = make_dataset(file, name, elem == 8 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT, count, count, 1, 1);
        size_t elen = 0;
        CHECK_OK(zf_chunk_encode(raw, nbytes, elem, mode, enc, &elen));
        CHECK(elen <= zf_chunk_bound(nbytes));
        hsize_t off[1] = {0};
        CHECK(H5Dwrite_chunk(ds, H5P_DEFAULT, 0, off, elen, enc) >= 0);
        CHECK(H5Dread(ds, elem == 8 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, back) >= 0);
        CHECK(memcmp(back, raw, nbytes) == 0);
        if (kind == 1)
            CHECK(elen < nbytes * 85 / 100); /* the exponent plane still compresses */
        if (kind == 2)
            CHECK(elen < nbytes / 50);
        if (kind == 3)
            CHECK(elen <= nbytes + nbytes / 100 + 64); /* noise goes into stored blocks */
        if (kind == 4)
            CHECK(elen < nbytes * 55 / 100 && elen > nbytes / 2); /* the constant planes vanish, the noise stays */
        /* the checksum is checked on read: a damaged stored byte is an error */
        enc[elen / 2] ^= 0x40;
        CHECK(H5Dwrite_chunk(ds, H5P_DEFAULT, 0, off, elen, enc) >= 0);
        H5E_BEGIN_TRY { CHECK(H5Dread(ds, elem == 8 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, back) < 0); }
        H5E_END_TRY;
        free(raw);
        H5Dclose(ds);
    }
    free(t);
    free(back);
    free(xy);
    free(enc);
}

int main(void)
{
    zf_init();
    const char *base = getenv("ZF_TMP");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", (base && base[0]) ? base : "/tmp/zf_chunkenc");
    CHECK_OK(zf_mkdir_p(dir));
    snprintf(g_path, sizeof g_path, "%s/chunks.h5", dir);
    hid_t file = H5Fcreate(g_path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CHECK(file >= 0);
    if (file >= 0) {
        test_fletcher32(file);
        test_identical_to_hdf5(file);
        test_fast_reads_back(file, ZF_CHUNK_FAST);
        test_fast_reads_back(file, ZF_CHUNK_LIBDEFLATE);
        if (!zf_chunk_have_libdeflate())
            printf("note: built without libdeflate; ZF_CHUNK_LIBDEFLATE was the zlib fast mode\n");
        H5Fclose(file);
    }
    return CHECK_DONE();
}
