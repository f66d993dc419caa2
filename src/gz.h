/* gz: a pull-style gzip decoder over any byte source — ISA-L's igzip
 * inflate (several times faster than zlib) with zlib as the fallback
 * backend (FLOWCOST_GZIP=zlib). Handles multi-member files (`cat a.gz b.gz`,
 * what S3 delivery and parallel compressors produce) and verifies each
 * member's CRC-32 and length.
 *
 * Errors: gz_read returns -1 with "gzip data truncated at offset N" or
 * "corrupt gzip data at offset N: REASON", N being the compressed byte
 * offset; everything returned before the error is valid output. */
#ifndef FC_GZ_H
#define FC_GZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

/* The underlying source: bytes read, 0 at end, -1 on error (errno set). */
typedef ssize_t (*gz_pull_fn)(void *ctx, void *buf, size_t n);

typedef struct gz_reader gz_reader;

enum gz_backend { GZ_AUTO = 0, GZ_ISAL, GZ_ZLIB };

/* GZ_AUTO: ISA-L unless the environment says FLOWCOST_GZIP=zlib. */
gz_reader *gz_open(gz_pull_fn pull, void *ctx, enum gz_backend backend);
/* Up to n decompressed bytes; 0 at the clean end of the last member. */
ssize_t gz_read(gz_reader *z, void *buf, size_t n, char *err, size_t errlen);
/* Compressed bytes consumed so far. */
uint64_t gz_offset(const gz_reader *z);
void gz_close(gz_reader *z);

/* One compressed stream held whole in memory (a Parquet GZIP page): a
 * gzip member or a zlib stream, told apart by their first bytes. The state
 * is kept between calls; one per thread. */
typedef struct gz_mem gz_mem;
gz_mem *gz_mem_new(enum gz_backend backend);
void gz_mem_free(gz_mem *m);
/* src inflated into exactly dn bytes at dst, checksums verified: 0, else
 * -1 (not gzip or zlib, corrupt, truncated, longer or shorter than dn). */
int gz_mem_inflate(gz_mem *m, const void *src, size_t sn, void *dst, size_t dn);

bool gz_is(const void *data, size_t len); /* gzip magic 1f 8b */
/* "isa-l/2.30.0 zlib/1.2.13" */
const char *gz_lib_versions(void);
/* ISA-L and zlib for --version --json. */
void gz_lib_info(fc_lib_info out[2]);

#endif
