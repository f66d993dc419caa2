/* fca: the compact, mergeable aggregate file written by `flowcost aggregate`:
 * a versioned header, the agg's string table, groups, ENI metadata and
 * stats, and a checksum. Reading one back into an agg is the same as reading
 * its inputs again.
 *
 * Layout (all integers little-endian): "FCA\x01", u32 format version (4:
 * compact groups; versions 1 to 3, with 128-byte groups, are still read),
 * u64 payload length, payload, u64 checksum of the payload. The payload is
 * (version 2 on) the identities of the
 * inputs it was built from, then the string table, the groups, the ENI
 * metadata and the stats (see fca.c). */
#ifndef FC_FCA_H
#define FC_FCA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "util.h"

#define FCA_MAGIC "FCA\x01"
#define FCA_MAGIC_LEN 4
#define FCA_VERSION 4 /* the newest this build reads, and the one it writes */

bool fca_is(const void *data, size_t len); /* starts with the magic */
int fca_write(const agg *a, dbuf *out, char *err, size_t errlen);
/* fca_write recording the identities of the inputs the aggregate holds
 * (src/inputs.h: content fingerprints, s3:// objects), so that merging it
 * with one of them later reads that input once. ids need not be sorted. */
int fca_write_ids(const agg *a, const char *const *ids, size_t n_ids, dbuf *out, char *err,
                  size_t errlen);
/* fca_write_ids handing the file to sink in pieces, in order, as it is
 * made (no buffer of the file's size); stops calling it after it fails
 * and returns -1 then (sink fills err). */
typedef int (*fca_sink)(void *ctx, const void *data, size_t len, char *err, size_t errlen);
int fca_write_to(const agg *a, const char *const *ids, size_t n_ids, fca_sink sink, void *ctx, char *err,
                 size_t errlen);
/* fca_write_to with the groups taken in `order` (agg_canonical_order's:
 * the file is then the one agg_canonicalize and fca_write_to make); NULL
 * = the dense array's order. */
int fca_write_order(const agg *a, const uint32_t *order, const char *const *ids, size_t n_ids, fca_sink sink,
                    void *ctx, char *err, size_t errlen);
/* The input identities an aggregate file records: a malloc'd array of
 * malloc'd strings (none for a version 1 file). -1 with err when the file
 * is not a valid aggregate. */
int fca_inputs(const void *data, size_t len, char ***ids, size_t *n_ids, char *err, size_t errlen);
void fca_inputs_free(char **ids, size_t n_ids);
/* Merge a serialized aggregate into a. On error a is unchanged. */
int fca_read(agg *a, const void *data, size_t len, char *err, size_t errlen);
/* fca_read with the order key its ENI metadata gets (see agg_note_eni_ids);
 * ingest passes the input's position so that "first seen" is input order. */
int fca_read_seq(agg *a, const void *data, size_t len, uint64_t seq, char *err, size_t errlen);

#endif
