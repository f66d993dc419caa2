/* inputs: each input is read once (cli.md INPUT). A run keeps one
 * `inputs` set: local files by device and inode and by content fingerprint
 * (the same bytes under another name are the same input), s3:// objects by
 * bucket, key and size, and the identities an .fca input lists as already
 * inside it. An input met again is skipped and the skips are summarised in
 * one warning per INPUT argument.
 *
 * Identities (what an .fca records, see fca_write_ids):
 *   "file:SIZE:HASH"  size and a 128-bit hash of the first and last 64 KiB
 *                      of the bytes as stored (gzip stays compressed)
 *   "s3://BUCKET/KEY#SIZE"
 * Standard input and other streams have none: they are never skipped.
 *
 * Not thread-safe: planning and S3 listing call it from one thread. */
#ifndef FC_INPUTS_H
#define FC_INPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct inputs inputs;

inputs *inputs_new(void);
void inputs_free(inputs *s);

/* Before anything is read: the identities recorded in the .fca files among
 * the top-level INPUTs (other paths are ignored), so that a file given
 * before the .fca that holds it is skipped too. Of two .fca files, one whose
 * inputs are all in the other is skipped; a partial overlap cannot be
 * merged without counting twice and is an error (-1, err filled). */
int inputs_preload(inputs *s, const char *const *paths, size_t n, char *err, size_t errlen);

/* Start / end one INPUT argument; end prints one warning (even with -q:
 * the figures leave it out) when some of what it named was skipped. */
void inputs_begin(inputs *s, const char *arg);
void inputs_end(inputs *s);

/* A local file about to be read: 1 read it, 0 skip it (already read, or
 * inside an .fca given), -1 error (err filled: cannot open, or an .fca
 * that overlaps what was read). */
int inputs_claim_file(inputs *s, const char *path, char *err, size_t errlen);
/* An S3 object about to be fetched: true read it, false skip it. */
bool inputs_claim_s3(inputs *s, const char *bucket, const char *key, uint64_t size);

/* The identities of everything read, and of what the .fca inputs held:
 * what a new .fca records. Valid until the next call on s. */
const char *const *inputs_ids(const inputs *s, size_t *n);
/* Inputs skipped so far. */
size_t inputs_skipped(const inputs *s);

/* The identity of an open regular file (see above) into out. -1 on a read
 * error (errno set). */
int inputs_file_id(int fd, uint64_t size, char *out, size_t outlen);

#endif
