/* ingest: read → parse → aggregate. Opens every kind of INPUT (plain,
 * gzip or Parquet file by magic bytes, directory tree, "-" for stdin, .fca
 * aggregate), parses each file's header line (or --fields / the v2
 * default), filters by --since/--until, and adds the records to an agg.
 * Parallel across files, within large plain files and across a Parquet
 * file's row groups; the result is identical for any thread count. */
#ifndef FC_INGEST_H
#define FC_INGEST_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "agg.h"
#include "inputs.h"

/* Return codes besides 0 / -1 (runtime error): malformed input with strict. */
#define INGEST_MALFORMED (-3)

typedef struct ingest_opts {
    const char *fields;      /* --fields for headerless input; NULL = v2 default */
    bool fields_from_aws;    /* fields is a flow log's LogFormat: names this build does not
                                know are newer fields (opaque columns), not typos */
    int64_t since, until;    /* 0 = unbounded; keep records with since <= start < until */
    int threads;             /* 0 = number of cores */
    bool strict;             /* malformed record → INGEST_MALFORMED */
    bool quiet;              /* no progress; warnings about lost data still print */
    int verbose;
    /* Called with one line per skipped-records summary or warning (no
     * newline); NULL prints "flowcost: warning: MSG" to stderr. */
    void (*warn)(void *ctx, const char *msg);
    void *warn_ctx;
    /* Plain files larger than this are split at newlines into ranges of
     * about this size, read in parallel; 0 = the default (16 MiB threshold,
     * 32 MiB ranges). Tests set it small to exercise the splitting. */
    size_t chunk_bytes;
    /* Only the five keys of `aggregate --csv` (interface-id, srcaddr,
     * dstaddr, action, log-status) will be read from the result: the other
     * key parts (hour, pkt-*addr, services, direction, path, REJECT port)
     * are left zero so that groups collapse to those five. Fewer, denser
     * groups make the table cheaper; sums are unchanged. Ports, protocol,
     * end (and start, without since/until) are then checked but not
     * converted, no ENI metadata is kept, and the stats period stays 0. */
    bool csv_keys_only;
    /* The caller canonicalizes the result itself (agg_canonicalize): ingest
     * leaves it as the threads merged it, so that the caller can take what
     * it needs first (aggregate's CSV rows, made while the .fca is). */
    bool no_canonical;
    /* Each input read once (src/inputs.h): files already read, or inside
     * an .fca given, are skipped with a warning. NULL: read everything. */
    inputs *seen;
    /* Progress for a terminal: bytes read so far (after decompression),
     * added by the workers per read (relaxed atomics); NULL = not counted. */
    _Atomic uint64_t *progress_bytes;
} ingest_opts;

void ingest_opts_default(ingest_opts *o);
/* The threads a run with --threads requested uses: requested, or the
 * number of cores when it is 0. */
int ingest_nthreads(int requested);

/* Every INPUT path (files, directories, "-", .fca). s3:// URLs are not
 * handled here (see enrich/s3.h). */
int ingest_paths(agg *a, const char *const *paths, size_t n, const ingest_opts *o,
                 char *err, size_t errlen);

/* A pull stream (an S3 object body, a pipe): returns bytes read, 0 at end,
 * -1 on error (with a message in the reader's own context). Content is
 * plain text, gzip, Parquet (buffered whole, up to 1 GiB) or .fca, detected
 * by magic bytes. `name` is used in
 * messages ("s3://b/k:12: ..."). */
typedef ssize_t (*ingest_read_fn)(void *ctx, void *buf, size_t n);
int ingest_stream(agg *a, const char *name, ingest_read_fn rd, void *ctx,
                  const ingest_opts *o, char *err, size_t errlen);

/* True when a file/key name carries a timestamp (S3 delivery layout
 * ..._YYYYMMDDTHHMMZ_... or .../YYYY/MM/DD/...) that lies wholly outside
 * [since, until), so it can be skipped without opening it. */
bool ingest_name_outside(const char *name, int64_t since, int64_t until);

/* "isa-l/2.30.0 zlib/1.2.13" for --version. */
const char *ingest_lib_versions(void);

#endif
