/* h5gen.h: structure-aware fuzzing of HDF5 readers: the fuzz input is a small program that builds a well-formed HDF5 file. */
#ifndef ZF_FUZZ_H5GEN_H
#define ZF_FUZZ_H5GEN_H

/* Fuzzing the bytes of an HDF5 file would mostly exercise libhdf5's own
 * parser (not ours, and not instrumented). Instead each input is decoded as a
 * list of operations (create a dataset of some type and shape, an attribute,
 * a group) with names from the reader's vocabulary, written with the HDF5
 * library, and the reader runs on the result: what it sees is always a valid
 * file whose layout, types, shapes and values are hostile.
 *
 * Encoding (tests/fuzz/make-seeds.py writes seeds in it): byte by byte,
 *   op = b % 4
 *   0 dataset:   name, type, rank (0..4), dims (each 0..7; 255: 2^31, chunked and never written), then one
 *                byte per stored element (at most 8 per dimension)
 *   1 root attribute: name, type, rank (0..1), dims, elements
 *   2 'dims' attribute on the last dataset: count (0..5), one name byte each, as vlen strings
 *     (count 0: one scalar string, e.g. a JSON list)
 *   3 group:     name
 * name = vocabulary[b % nvocab]; type = b % 7: f64 f32 i32 u8 vlen-string fixed-string(8) compound{X,Y f64}.
 * Element bytes map to values through a table of interesting numbers (0, 1, -1,
 * NaN, inf, 1e300, ...) or to strings from the vocabulary. Missing bytes read as 0. */

#include <hdf5.h>

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct zf_h5gen_in {
    const uint8_t *p;
    size_t n, i;
} zf_h5gen_in;

static unsigned zf_h5gen_byte(zf_h5gen_in *in)
{
    return in->i < in->n ? in->p[in->i++] : 0u;
}

static double zf_h5gen_value(unsigned b)
{
    static const double table[] = {0.0, 1.0, -1.0, 2.0, 0.5, 3.0, 10.0, 100.0, -0.0, 1e300, -1e300, 1e-300,
                                   4294967296.0, 9.3e18, 0.6, 0.59};
    if (b < 16)
        return table[b];
    if (b == 16)
        return NAN;
    if (b == 17)
        return INFINITY;
    if (b == 18)
        return -INFINITY;
    return (double)b - 19.0; /* 0 .. 236: frame numbers, small coordinates */
}

/* HDF5 types of the encoding, in the order of 'type = b % 7'. */
static hid_t zf_h5gen_type(unsigned t, hid_t *owned)
{
    hid_t ty = H5I_INVALID_HID;
    *owned = H5I_INVALID_HID;
    switch (t % 7u) {
    case 0: ty = H5T_IEEE_F64LE; break;
    case 1: ty = H5T_IEEE_F32LE; break;
    case 2: ty = H5T_STD_I32LE; break;
    case 3: ty = H5T_STD_U8LE; break;
    case 4:
        if ((ty = H5Tcopy(H5T_C_S1)) >= 0 && H5Tset_size(ty, H5T_VARIABLE) < 0) {
            H5Tclose(ty);
            ty = H5I_INVALID_HID;
        }
        *owned = ty;
        break;
    case 5:
        if ((ty = H5Tcopy(H5T_C_S1)) >= 0 && H5Tset_size(ty, 8) < 0) {
            H5Tclose(ty);
            ty = H5I_INVALID_HID;
        }
        *owned = ty;
        break;
    default:
        if ((ty = H5Tcreate(H5T_COMPOUND, 2 * sizeof(double))) >= 0 &&
            (H5Tinsert(ty, "X", 0, H5T_NATIVE_DOUBLE) < 0 || H5Tinsert(ty, "Y", sizeof(double), H5T_NATIVE_DOUBLE) < 0)) {
            H5Tclose(ty);
            ty = H5I_INVALID_HID;
        }
        *owned = ty;
        break;
    }
    return ty;
}

/* Fill buf (room for n elements of type t % 7 in memory) from the input. */
static void zf_h5gen_fill(zf_h5gen_in *in, unsigned t, void *buf, size_t n, const char *const *vocab, size_t nvocab)
{
    for (size_t k = 0; k < n; k++) {
        unsigned b = zf_h5gen_byte(in);
        switch (t % 7u) {
        case 0: ((double *)buf)[k] = zf_h5gen_value(b); break;
        case 1: ((float *)buf)[k] = (float)zf_h5gen_value(b % 19u); break;
        case 2: ((int32_t *)buf)[k] = b == 255 ? -1 : (int32_t)b; break;
        case 3: ((uint8_t *)buf)[k] = (uint8_t)b; break;
        case 4: ((const char **)buf)[k] = vocab[b % nvocab]; break;
        case 5: {
            char *s = (char *)buf + 8 * k;
            memset(s, 0, 8);
            memcpy(s, vocab[b % nvocab], strnlen(vocab[b % nvocab], 8));
            break;
        }
        default:
            ((double *)buf)[2 * k] = zf_h5gen_value(b);
            ((double *)buf)[2 * k + 1] = zf_h5gen_value(zf_h5gen_byte(in));
            break;
        }
    }
}

/* The memory type matching zf_h5gen_fill's layout. */
static hid_t zf_h5gen_memtype(unsigned t, hid_t file_type)
{
    switch (t % 7u) {
    case 0: return H5T_NATIVE_DOUBLE;
    case 1: return H5T_NATIVE_FLOAT;
    case 2: return H5T_NATIVE_INT32;
    case 3: return H5T_NATIVE_UINT8;
    default: return file_type;
    }
}

/* Create dataset (is_attr 0) or attribute (1) name on loc from the input. Returns the dataset id (caller closes) or -1. */
static hid_t zf_h5gen_object(zf_h5gen_in *in, hid_t loc, const char *name, int is_attr, int max_rank,
                             const char *const *vocab, size_t nvocab)
{
    hid_t ty, owned, space = H5I_INVALID_HID, obj = H5I_INVALID_HID, lcpl = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    unsigned t = zf_h5gen_byte(in);
    int rank = (int)(zf_h5gen_byte(in) % (unsigned)(max_rank + 1));
    hsize_t dims[4] = {1, 1, 1, 1}, chunk[4] = {1, 1, 1, 1};
    size_t total = 1;
    int huge = 0;
    double buf[2 * 4096];
    for (int r = 0; r < rank; r++) {
        unsigned b = zf_h5gen_byte(in);
        /* 255: a dataset that declares 2^31 rows and stores none (chunked, never written): what a
         * damaged or hostile header looks like to a reader that trusts the shape */
        dims[r] = b == 255 && !is_attr ? (hsize_t)1 << 31 : b % 8u;
        huge |= b == 255 && !is_attr;
        chunk[r] = dims[r] < 8 ? (dims[r] ? dims[r] : 1) : 8;
        total *= (size_t)(dims[r] < 8 ? dims[r] : 8);
    }
    if (total > 4096) /* 8^4 = 4096 at most */
        total = 4096;
    ty = zf_h5gen_type(t, &owned);
    if (ty < 0)
        goto done;
    zf_h5gen_fill(in, t, buf, total, vocab, nvocab);
    if ((space = rank ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR)) < 0)
        goto done;
    if (is_attr) {
        if ((obj = H5Acreate2(loc, name, ty, space, H5P_DEFAULT, H5P_DEFAULT)) >= 0) {
            if (total)
                (void)H5Awrite(obj, zf_h5gen_memtype(t, ty), buf);
            H5Aclose(obj);
        }
        obj = H5I_INVALID_HID;
    } else {
        if ((lcpl = H5Pcreate(H5P_LINK_CREATE)) < 0 || H5Pset_create_intermediate_group(lcpl, 1) < 0)
            goto done;
        if (huge && ((dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 || H5Pset_chunk(dcpl, rank, chunk) < 0))
            goto done;
        if ((obj = H5Dcreate2(loc, name, ty, space, lcpl, huge ? dcpl : H5P_DEFAULT, H5P_DEFAULT)) >= 0 && total && !huge)
            (void)H5Dwrite(obj, zf_h5gen_memtype(t, ty), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    }
done:
    if (dcpl >= 0) H5Pclose(dcpl);
    if (lcpl >= 0) H5Pclose(lcpl);
    if (space >= 0) H5Sclose(space);
    if (owned >= 0) H5Tclose(owned);
    return obj;
}

/* Build the HDF5 file at path from data. Returns 0, or -1 when the file cannot be created. */
static int zf_h5gen_build(const char *path, const uint8_t *data, size_t size, const char *const *names, size_t nnames,
                          const char *const *vocab, size_t nvocab)
{
    zf_h5gen_in in = {data, size, 0};
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), last = H5I_INVALID_HID;
    if (f < 0)
        return -1;
    for (int ops = 0; ops < 24 && in.i < in.n; ops++) {
        unsigned op = zf_h5gen_byte(&in) % 4u;
        const char *name = names[zf_h5gen_byte(&in) % nnames];
        if (op == 0) {
            hid_t d = zf_h5gen_object(&in, f, name, 0, 4, vocab, nvocab);
            if (d >= 0) {
                if (last >= 0)
                    H5Dclose(last);
                last = d;
            }
        } else if (op == 1) {
            (void)zf_h5gen_object(&in, f, name, 1, 1, vocab, nvocab);
        } else if (op == 2 && last >= 0) {
            hsize_t n = zf_h5gen_byte(&in) % 6u; /* 0: one scalar string (a JSON text) */
            const char *v[5];
            hid_t ty = H5Tcopy(H5T_C_S1), sp = n ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR),
                  a = H5I_INVALID_HID;
            v[0] = vocab[0];
            if (n == 0)
                v[0] = vocab[zf_h5gen_byte(&in) % nvocab];
            for (hsize_t k = 0; k < n; k++)
                v[k] = vocab[zf_h5gen_byte(&in) % nvocab];
            if (ty >= 0 && sp >= 0 && H5Tset_size(ty, H5T_VARIABLE) >= 0 && H5Aexists(last, "dims") == 0 &&
                (a = H5Acreate2(last, "dims", ty, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0)
                (void)H5Awrite(a, ty, v);
            if (a >= 0) H5Aclose(a);
            if (sp >= 0) H5Sclose(sp);
            if (ty >= 0) H5Tclose(ty);
        } else if (op == 3) {
            hid_t lcpl = H5Pcreate(H5P_LINK_CREATE), g = H5I_INVALID_HID;
            if (lcpl >= 0 && H5Pset_create_intermediate_group(lcpl, 1) >= 0 &&
                (g = H5Gcreate2(f, name, lcpl, H5P_DEFAULT, H5P_DEFAULT)) >= 0)
                H5Gclose(g);
            if (lcpl >= 0) H5Pclose(lcpl);
        }
    }
    if (last >= 0)
        H5Dclose(last);
    return H5Fclose(f) < 0 ? -1 : 0;
}

#endif
