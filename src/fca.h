/* fca: the compact, mergeable aggregate file written by `flowcost aggregate`:
 * a versioned header, the agg's string table, groups, ENI metadata and
 * stats, and a checksum. Reading one back into an agg is the same as reading
 * its inputs again.
 *
 * Layout (all integers little-endian): "FCA\x01", u32 format version (1),
 * u64 payload length, payload, u64 checksum of the payload. The payload is
 * the string table, the groups, the ENI metadata and the stats (see fca.c). */
#ifndef FC_FCA_H
#define FC_FCA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "util.h"

#define FCA_MAGIC "FCA\x01"
#define FCA_MAGIC_LEN 4
#define FCA_VERSION 1

bool fca_is(const void *data, size_t len); /* starts with the magic */
int fca_write(const agg *a, dbuf *out, char *err, size_t errlen);
/* Merge a serialized aggregate into a. On error a is unchanged. */
int fca_read(agg *a, const void *data, size_t len, char *err, size_t errlen);
/* fca_read with the order key its ENI metadata gets (see agg_note_eni_ids);
 * ingest passes the input's position so that "first seen" is input order. */
int fca_read_seq(agg *a, const void *data, size_t len, uint64_t seq, char *err, size_t errlen);

#endif
