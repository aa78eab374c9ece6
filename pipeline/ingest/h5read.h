/* h5read.h: private helpers of the HDF5 readers (SLEAP, ZebraZoom): the file signature, checked calls, a size check. */
#ifndef ZF_INGEST_H5READ_H
#define ZF_INGEST_H5READ_H

#include <hdf5.h>

#include <stddef.h>

/* Turn a failed HDF5 call into our status with context. */
#define ZF_H5(expr, ...) do { if ((expr) < 0) { rc = zf_error(ZF_EHDF5, __VA_ARGS__); goto done; } } while (0)

/* 1 when head[0..n) starts with the 8-byte HDF5 signature. */
int zf_h5_signature(const unsigned char *head, size_t n);

/* A dataset whose shape claims far more data than the file stores (a damaged header, or
 * chunks never written) would make the reader allocate for data that is not there: deflate
 * compresses at most about 1032:1, so more than 2048 declared bytes per stored byte (beyond
 * 1 MiB) is refused. */
int zf_h5_plausible_size(const char *path, const char *name, hid_t ds);

#endif
