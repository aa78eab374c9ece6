/* csvhash.h: (internal) SHA-256 of a file computed by the tokenizer from the bytes it reads, so that ingest reads each track file once. */
#ifndef ZF_CORE_CSVHASH_H
#define ZF_CORE_CSVHASH_H

/* Arm the calling thread: the next zf_csv_open of exactly path on this
 * thread hashes every byte it reads. */
void zf_csv_hash_begin(const char *path);
/* 1 with out_hex set when that reader read the whole file (to its end)
 * since zf_csv_hash_begin; 0 otherwise (then hash the file separately).
 * Disarms the thread either way. */
int zf_csv_hash_end(char out_hex[65]);

#endif
