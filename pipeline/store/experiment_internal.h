/* experiment_internal.h: (internal) what the stages tell the experiment writer beyond the public API: the thread pool that encodes track chunks. */
#ifndef ZF_STORE_EXPERIMENT_INTERNAL_H
#define ZF_STORE_EXPERIMENT_INTERNAL_H

#include "zfstress/experiment.h"
#include "core/pool.h"

/* Encode the chunks of /tracks in pool's threads from now on (NULL: in the
 * calling thread). Chunks in flight are written first; a pool must be
 * detached (set to NULL) before it is freed. The file's bytes do not depend
 * on the pool. */
void zf_experiment_set_pool(zf_experiment *e, zf_pool *pool);

#endif
