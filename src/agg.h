/* agg: flow records grouped in an open-addressing hash table over a dense
 * array of groups (the nfdump way). The cost model, the CSV export and the
 * .fca file all read the dense array; top-N is a sort of it.
 *
 * Ownership: an agg owns its groups and its string table; pointers returned
 * by agg_groups()/agg_str() stay valid until the next mutation or agg_free().
 *
 * A group's key is every field below except the counters. Strings (ENI ids,
 * AWS service names) are interned into small integer ids; id 0 = absent ("-"). */
#ifndef FC_AGG_H
#define FC_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ip.h"

enum fl_action { FL_ACTION_NONE = 0, FL_ACCEPT = 1, FL_REJECT = 2 };
enum fl_status { FL_STATUS_NONE = 0, FL_OK = 1, FL_NODATA = 2, FL_SKIPDATA = 3 };
enum fl_dir { FL_DIR_NONE = 0, FL_INGRESS = 1, FL_EGRESS = 2 };

/* agg_group.flags: which address fields were present (not "-"). */
#define AGG_HAS_SRC 0x01
#define AGG_HAS_DST 0x02
#define AGG_HAS_PKT_SRC 0x04
#define AGG_HAS_PKT_DST 0x08

#define AGG_NO_HOUR INT32_MIN

typedef struct agg_group {
    ip128 src, dst;         /* srcaddr, dstaddr */
    ip128 pkt_src, pkt_dst; /* pkt-srcaddr, pkt-dstaddr (v3+); zero when absent */
    uint32_t eni;           /* interface-id, interned; 0 = absent */
    uint32_t src_svc;       /* pkt-src-aws-service (v5), interned; 0 = absent */
    uint32_t dst_svc;       /* pkt-dst-aws-service (v5), interned; 0 = absent */
    int32_t hour;           /* floor(start / 3600); AGG_NO_HOUR when start is absent */
    uint16_t dstport;       /* kept only for REJECT groups (security findings); else 0 */
    uint8_t protocol;       /* kept only for REJECT groups; else 0 */
    uint8_t action;         /* enum fl_action */
    uint8_t status;         /* enum fl_status */
    uint8_t direction;      /* enum fl_dir (flow-direction, v5); NONE when absent */
    uint8_t traffic_path;   /* 1..8 (v5); 0 when absent */
    uint8_t flags;          /* AGG_HAS_* */
    /* counters, not part of the key */
    uint64_t packets, bytes, records;
    int64_t min_start, max_end; /* over the group's records; 0 when absent */
} agg_group;

/* What the records reveal about their ENI (v3+ / v4+ fields), first value
 * seen wins. String ids; 0 = never seen. */
typedef struct agg_eni_meta {
    uint32_t vpc, subnet, instance, az_id, account, region;
} agg_eni_meta;

/* Transit Gateway flow-log records (issue 13): besides their group, each
 * lands in a small table keyed by the TGW ids below, which the
 * transit_gateway chargeback reads (cost_tgw.c). VPC records never do.
 * The ids a record keeps, in fl_rec.tgw and agg_tgw.id: */
enum fl_tgw_id {
    FL_TGW_ID = 0,      /* tgw-id */
    FL_TGW_ATTACH,      /* tgw-attachment-id */
    FL_TGW_PAIR,        /* tgw-pair-attachment-id */
    FL_TGW_SRC_ACCOUNT, /* tgw-src-vpc-account-id */
    FL_TGW_DST_ACCOUNT, /* tgw-dst-vpc-account-id */
    FL_TGW_SRC_VPC,     /* tgw-src-vpc-id */
    FL_TGW_DST_VPC,     /* tgw-dst-vpc-id */
    FL_TGW__COUNT
};

typedef struct agg_tgw {
    uint32_t id[FL_TGW__COUNT]; /* interned; 0 = absent */
    uint32_t region;            /* region, interned; 0 = absent */
    uint8_t direction, status;  /* enum fl_dir, enum fl_status */
    uint8_t pad[6];             /* zero */
    /* counters, not part of the key */
    uint64_t packets, bytes, records;
} agg_tgw;

typedef struct agg_stats {
    uint64_t read;      /* every data line */
    uint64_t used;      /* OK records (ACCEPT or REJECT) that passed the filters */
    uint64_t malformed; /* skipped lines */
    uint64_t nodata, skipdata;
    uint64_t rejected;  /* used records with action REJECT */
    uint64_t filtered;  /* dropped by --since/--until */
    uint64_t files;     /* inputs opened */
    uint64_t files_skipped; /* skipped by name/key timestamp outside the window */
    /* opened but not read: not a text flow log (each named in a warning),
     * in all and by kind; not kept in an .fca (the warning was given when
     * the .fca was written) */
    uint64_t files_unread, files_parquet, files_json, files_binary;
    uint64_t bytes_in;  /* input bytes after decompression */
    int64_t start, end; /* period: min start, max end over all records with them; 0 if none */
} agg_stats;

typedef struct agg agg;

agg *agg_new(void);
void agg_free(agg *a);

/* Insert or add to a group. The key fields of *g are copied; counters are
 * added (records, packets, bytes; min_start/max_end folded). eni, src_svc
 * and dst_svc in *g are ignored: pass the strings (NULL or "" = absent). */
void agg_add(agg *a, const agg_group *g, const char *eni, const char *src_svc,
             const char *dst_svc);
/* Record what an ENI's records say about it (NULL/"" fields ignored). */
void agg_note_eni(agg *a, const char *eni, const char *vpc, const char *subnet,
                  const char *instance, const char *az_id, const char *account,
                  const char *region);
/* Fold src into dst (groups, ENI metadata, stats). src is unchanged. */
void agg_merge(agg *dst, const agg *src);

const agg_group *agg_groups(const agg *a, size_t *n);
size_t agg_count(const agg *a);
const char *agg_str(const agg *a, uint32_t id); /* NULL for 0 */
uint32_t agg_str_id(const agg *a, const char *s); /* 0 if not interned */
size_t agg_str_count(const agg *a); /* ids are 1..count */
/* rank[id] = 1 + the place of string id in strcmp order (rank[0] = 0), so
 * that rows can be ordered by text with integer compares; caller frees. */
uint32_t *agg_str_ranks(const agg *a);
/* ENI metadata by interned interface-id; NULL when none recorded. */
const agg_eni_meta *agg_eni(const agg *a, uint32_t eni_id);
agg_stats *agg_stats_of(agg *a);
const agg_stats *agg_stats_get(const agg *a);

/* --- Fast path for the ingestion engine (additive; ids are this agg's) ---
 * agg_intern returns the id of s[0..n) (0 when n == 0), interning it. */
uint32_t agg_intern(agg *a, const char *s, size_t n);
/* Like agg_add, with g->eni/src_svc/dst_svc already interned in a. Key
 * bytes that are not fields (none today) must be zero: pass a memset group. */
void agg_add_group(agg *a, const agg_group *g);
/* agg_add_group for n groups at once (faster: the table lookups overlap). */
#define AGG_BATCH 64
void agg_add_batch(agg *a, const agg_group *g, size_t n);
/* agg_note_eni with interned ids (0 = not given) and an order key: for each
 * field the value with the lowest `seq` wins, so that merging per-thread
 * aggs gives "first seen in input order" whatever the scheduling. */
void agg_note_eni_ids(agg *a, uint32_t eni, const agg_eni_meta *m, uint64_t seq);
/* True when every field in `mask` (bit i = i-th field of agg_eni_meta:
 * vpc, subnet, instance, az_id, account, region) is already known for eni,
 * so the hot path can skip interning. */
bool agg_eni_known(const agg *a, uint32_t eni, unsigned mask);
/* Renumber strings in strcmp order and sort the groups by key, so that the
 * dense array and the ids are the same whatever the thread count or the
 * order in which inputs were merged. Strings that no group or ENI metadata
 * refers to are dropped. Invalidates earlier pointers/ids. */
void agg_canonicalize(agg *a);
/* agg_canonicalize on up to `threads` threads (the same result). */
void agg_canonicalize_threads(agg *a, int threads);
/* agg_canonicalize_threads without moving the groups: the strings are
 * renumbered and the groups' ids with them, and the canonical order is
 * returned instead, as the index of each place's group (the k-th group of
 * the canonical array is agg_groups()[order[k]]; agg_count entries,
 * malloc'd, the caller frees). The dense array keeps its order, so the
 * aggregate is not canonical afterwards (agg_canonicalize still sorts it).
 * For a writer that reads the groups once in that order (moving 128-byte
 * groups in place along the cycles was a serial pass of random accesses). */
uint32_t *agg_canonical_order(agg *a, int threads);
/* agg_merge(dst, src) then agg_free(src); when dst is still empty this is a
 * move (no copy), which keeps the peak memory of a threaded ingest at one
 * table per thread. */
void agg_absorb(agg *dst, agg *src);
/* agg_absorb of src[0..n) (each freed) on up to `threads` threads: each
 * thread folds the groups of its share of the hash range from every
 * source (ingest's per-thread tables after the workers join). The dense
 * array's order is then unspecified, as after any merge of per-thread
 * tables: agg_canonicalize fixes it. src[] itself may be reordered. */
void agg_absorb_all(agg *dst, agg **src, size_t n, int threads);
/* Add a TGW record (ids interned in a, pad zero); counters are added. */
void agg_add_tgw(agg *a, const agg_tgw *t);
/* The TGW table, one entry per key, in key order (string ids) after
 * agg_canonicalize; *n = 0 when there is none. */
const agg_tgw *agg_tgws(const agg *a, size_t *n);
/* Fold one record's time span into the period (0 = absent). */
void agg_stats_period(agg_stats *st, int64_t start, int64_t end);

#endif
