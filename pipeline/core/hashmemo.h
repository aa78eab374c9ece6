/* hashmemo.h: (internal) SHA-256 of files remembered for the process, keyed by what stat says, so a run hashes each input once. */
#ifndef ZF_CORE_HASHMEMO_H
#define ZF_CORE_HASHMEMO_H

/* zf_sha256_file, remembering the digest with the file's device, inode,
 * size, modification and change times. Thread-safe. */
int zf_sha256_file_memo(const char *path, char out_hex[65]);
/* 1 with out_hex set when path was hashed by zf_sha256_file_memo in this
 * process and stat still reports the same file (same device, inode, size,
 * modification and change times, to the nanosecond); 0 otherwise. */
int zf_sha256_memo_lookup(const char *path, char out_hex[65]);
/* Remember hex as the digest of path, hashed by its reader from the bytes it
 * read after stat said *before: only when stat still says the same. 1 when
 * remembered. Thread-safe. */
struct stat;
int zf_sha256_memo_put(const char *path, const struct stat *before, const char hex[65]);

#endif
