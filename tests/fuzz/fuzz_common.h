/* fuzz_common.h: what every libFuzzer harness shares: the input written to a file in a per-process temporary directory. */
#ifndef ZF_FUZZ_COMMON_H
#define ZF_FUZZ_COMMON_H

#include "zfstress/core.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The harness entry points libFuzzer calls (declared here for -Wmissing-prototypes). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char zf_fuzz_dir[256];

static inline void zf_fuzz_cleanup(void)
{
    if (zf_fuzz_dir[0])
        (void)rmdir(zf_fuzz_dir); /* files are removed after each input */
}

/* Once per process: quiet logging, HDF5/GSL error printing off, and a private
 * directory in /dev/shm (memory, fast) or $TMPDIR. */
static inline void zf_fuzz_setup(void)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    zf_init();
    zf_log_set_level(-1); /* nothing reaches stderr: the fuzzer's output stays readable */
    snprintf(zf_fuzz_dir, sizeof zf_fuzz_dir, "%s/zf-fuzz-%ld", base ? base : "/tmp", (long)getpid());
    if (zf_mkdir_p(zf_fuzz_dir) != ZF_OK)
        abort();
    atexit(zf_fuzz_cleanup);
}

/* The LLVMFuzzerInitialize of a harness that needs nothing beyond zf_fuzz_setup. */
#define ZF_FUZZ_INITIALIZE_DEFAULT \
    int LLVMFuzzerInitialize(int *argc, char ***argv) \
    { \
        (void)argc; \
        (void)argv; \
        zf_fuzz_setup(); \
        return 0; \
    }

/* Write data to <dir>/<name>; path receives the full name. Aborts when the
 * file cannot be written (a broken harness, not a finding). */
static inline void zf_fuzz_write(const char *name, const uint8_t *data, size_t size, char *path, size_t cap)
{
    FILE *fp;
    snprintf(path, cap, "%s/%s", zf_fuzz_dir, name);
    if (!(fp = fopen(path, "wb")) || (size && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0)
        abort();
}

#endif
