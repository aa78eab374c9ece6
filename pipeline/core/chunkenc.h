/* chunkenc.h: (internal) HDF5 chunks encoded outside HDF5: shuffle -> deflate -> fletcher32, byte for byte what HDF5's filters store or read. */
#ifndef ZF_CORE_CHUNKENC_H
#define ZF_CORE_CHUNKENC_H

#include <stddef.h>
#include <stdint.h>

/* The checksum of HDF5's fletcher32 filter (H5_checksum_fletcher32): 16-bit
 * big-endian words, sums reduced every 360 words; an odd last byte is the
 * high byte of a final word. The filter appends it little-endian. */
uint32_t zf_fletcher32(const void *data, size_t len);

enum {
    /* the whole shuffled chunk through zlib's compress2 at level 1: the bytes
     * HDF5's own deflate filter writes (used to check this encoder) */
    ZF_CHUNK_ZLIB = 0,
    /* the same zlib stream format, but byte planes that a sample shows to be
     * noise (the low mantissa bytes of measured positions) go into stored
     * blocks instead of being searched for matches: several times faster,
     * slightly larger; any deflate reader (HDF5, h5py) reads it unchanged */
    ZF_CHUNK_FAST = 1,
    /* as ZF_CHUNK_FAST, with the planes that compress deflated by
     * libdeflate instead of zlib, and libdeflate's Adler-32: twice as fast,
     * as small, as quick to read back; when built with libdeflate
     * (ZF_HAVE_LIBDEFLATE), otherwise it is ZF_CHUNK_FAST */
    ZF_CHUNK_LIBDEFLATE = 2,
    /* what the experiment writer uses: ZF_CHUNK_LIBDEFLATE when built with it */
    ZF_CHUNK_BEST = ZF_CHUNK_LIBDEFLATE
};

/* Whether ZF_CHUNK_LIBDEFLATE is really libdeflate in this build. */
int zf_chunk_have_libdeflate(void);

/* Room the encoded form of nbytes may need. */
size_t zf_chunk_bound(size_t nbytes);

/* Encode nbytes of elements of elem bytes (nbytes a multiple of elem) as a
 * chunk of a dataset with the filters shuffle, deflate, fletcher32 in that
 * order: out (zf_chunk_bound(nbytes) bytes) gets the stored chunk and *outlen
 * its length. Thread-safe; allocates only zlib's state. */
int zf_chunk_encode(const void *raw, size_t nbytes, size_t elem, int mode, unsigned char *out, size_t *outlen);

#endif
