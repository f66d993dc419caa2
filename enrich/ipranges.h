/* ipranges: AWS ip-ranges.json into an lpm table. */
#ifndef FC_IPRANGES_H
#define FC_IPRANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lpm.h"

/* path NULL = the bundled copy (docs/ip-ranges.md). Returns a finalized
 * table the caller frees with lpm_free, or NULL with a message naming the
 * file (and line or entry) on error. */
lpm *ipranges_load(const char *path, char *err, size_t errlen);
/* The same from memory; `name` is used in messages. */
lpm *ipranges_parse(const char *text, size_t len, const char *name, char *err, size_t errlen);

/* $XDG_CACHE_HOME/flowcost/FILE, else $HOME/.cache/flowcost/FILE; false
 * when neither variable is set (no cache). */
bool ipranges_cache_file(const char *file, char *out, size_t n);

/* Create the directories above `file` (mode 0700), as a cache needs. */
int ipranges_mkdir_parent(const char *file, char *err, size_t errlen);

/* Which copy a command uses: --ip-ranges FILE, else the cache written by
 * `flowcost ipranges update`, else the bundled copy. */
typedef struct ipranges_source {
    char what[16];    /* "file", "cache" or "bundled" */
    char path[1024];  /* "" for the bundled copy */
} ipranges_source;
lpm *ipranges_load_default(const char *path, ipranges_source *src, char *err, size_t errlen);

/* createDate ("2026-11-02-18-03-11") as a unix time; -1 when unreadable. */
int64_t ipranges_created_time(const char *create_date);

/* A downloaded body that may replace the cache: valid JSON with syncToken,
 * createDate and a non-empty prefixes array whose entries all load, and a
 * plausible size. 0, or -1 with why. */
int ipranges_validate(const char *text, size_t len, const char *name, char *err, size_t errlen);

typedef struct ipranges_update_opts {
    const char *url;        /* NULL: FLOWCOST_IPRANGES_URL, else AWS's */
    const char *ca_bundle;  /* NULL: AWS_CA_BUNDLE, else the system store */
    const char *output;     /* NULL: the cache file */
    int verbose;
} ipranges_update_opts;

typedef struct ipranges_update_result {
    bool not_modified;      /* 304: the file kept as it was */
    char path[1024];        /* the file written or kept */
    char sync_token[64], create_date[64];
    size_t prefixes;
} ipranges_update_result;

/* GET the file (TLS verified; If-None-Match with the ETag kept beside the
 * output as FILE.etag), validate it and replace the output atomically. A
 * body that fails validation leaves the old file in place. */
int ipranges_update(const ipranges_update_opts *o, ipranges_update_result *res, char *err, size_t errlen);

#endif
