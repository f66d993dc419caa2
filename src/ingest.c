/* ingest: why this shape — reading is the hot path of every command, so the
 * inputs are first turned into a list of work items (a gzip file, a stream,
 * an .fca, or a newline-aligned byte range of a large plain file), then a
 * few threads take items in order, each parsing into its own agg with no
 * locking, and the per-thread aggs are merged and put in canonical order at
 * the end. Everything that must not depend on scheduling (line numbers of
 * malformed records, warnings, ENI metadata "first seen", group order) is
 * decided from per-item results after the join, in input order. */
#include "ingest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <emmintrin.h>
#include <immintrin.h>

#include "fca.h"
#include "flowlog.h"
#include "gz.h"
#include "parquet.h"
#include "jsonwrap.h"
#include "util.h"

#define READ_BUF (4u << 20)           /* per worker */
/* Bytes a pull asks for, so that they are parsed while still in the
 * core's L2 (a 4 MB read could have the kernel's copy evict its own start
 * before the parser reached it). Measured -3 to -4% CPU on a plain file with
 * one thread on one machine and no difference on another (performance.md
 * §15); kept because it costs nothing. */
#define READ_CHUNK (256u << 10)
#define CHUNK_MIN (16u << 20)          /* plain files above this are split */
#define CHUNK_SIZE (32u << 20)
#define SNIFF_LEN (FLOWLOG_MAX_LINE + 2)
#define SEQ_SHIFT 40                   /* ENI-metadata order key: item << 40 | line */
#define SNIFF_MIN 4096                 /* bytes a stream's content is judged by */

const char *ingest_lib_versions(void)
{
    return gz_lib_versions();
}

void ingest_opts_default(ingest_opts *o)
{
    memset(o, 0, sizeof *o);
}

/* ---------------------------------------------------------------- names */

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
    return v;
}

/* days since 1970-01-01 of a civil date (Howard Hinnant's algorithm) */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool valid_date(int y, int m, int d)
{
    return y >= 1970 && y < 3000 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* The time span [*lo, *hi) a name's timestamp stands for; false if none. */
static bool name_span(const char *name, int64_t *lo, int64_t *hi)
{
    /* 1) S3 object name: ..._YYYYMMDDTHHMMZ_... (the delivery time) */
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    for (const char *p = base; *p; p++) {
        if (p[0] != '_' || strlen(p) < 15) continue;
        if (digits(p + 1, 8) && p[9] == 'T' && digits(p + 10, 4) && p[14] == 'Z') {
            int y = num(p + 1, 4), m = num(p + 5, 2), d = num(p + 7, 2);
            int hh = num(p + 10, 2), mm = num(p + 12, 2);
            if (!valid_date(y, m, d) || hh > 23 || mm > 59) continue;
            *lo = days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60;
            *hi = *lo + 60;
            return true;
        }
    }
    /* 2) .../YYYY/MM/DD[/HH]/... or Hive style year=YYYY/month=MM/day=DD[/hour=HH] */
    int y = -1, m = -1, d = -1, h = -1;
    const char *p = name;
    int comp[4] = {-1, -1, -1, -1}, nc = 0; /* run of numeric components */
    while (*p) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *v = p;
        size_t vl = len;
        const char *eq = memchr(p, '=', len);
        if (eq) {
            size_t kl = (size_t)(eq - p);
            v = eq + 1;
            vl = len - kl - 1;
            if (vl >= 1 && vl <= 4 && digits(v, (int)vl)) {
                int x = num(v, (int)vl);
                if (kl == 4 && !memcmp(p, "year", 4)) y = x;
                else if (kl == 5 && !memcmp(p, "month", 5)) m = x;
                else if (kl == 3 && !memcmp(p, "day", 3)) d = x;
                else if (kl == 4 && !memcmp(p, "hour", 4)) h = x;
            }
            nc = 0;
        } else if (e && ((len == 4 && nc == 0) || (len == 2 && nc > 0 && nc < 4)) && digits(v, (int)vl)) {
            comp[nc++] = num(v, (int)vl);
            if (nc >= 3 && y < 0) {
                /* keep the first YYYY/MM/DD run; an HH directory may follow */
            }
        } else {
            if (nc >= 3) break;
            nc = 0;
        }
        if (!e) break;
        p = e + 1;
    }
    if (y < 0 && nc >= 3) {
        y = comp[0];
        m = comp[1];
        d = comp[2];
        h = nc >= 4 ? comp[3] : -1;
    }
    if (y < 0 || m < 0 || d < 0 || !valid_date(y, m, d)) return false;
    *lo = days_from_civil(y, m, d) * 86400;
    *hi = *lo + 86400;
    if (h >= 0 && h <= 23) {
        *lo += h * 3600;
        *hi = *lo + 3600;
    }
    return true;
}

/* A file delivered at time T holds records that started before T (plus
 * clock skew), and delivery is best effort, so they may be well before T:
 * slack on both sides keeps the skip safe. */
#define NAME_SLACK_BEFORE (15 * 60)
#define NAME_SLACK_AFTER (6 * 3600)

bool ingest_name_outside(const char *name, int64_t since, int64_t until)
{
    int64_t lo, hi;
    if ((!since && !until) || !name_span(name, &lo, &hi)) return false;
    if (since && hi + NAME_SLACK_BEFORE <= since) return true;
    if (until && lo - NAME_SLACK_AFTER >= until) return true;
    return false;
}

/* ---------------------------------------------------------------- items */

enum item_kind { IT_RANGE, IT_GZIP, IT_STREAM, IT_FCA, IT_PARQUET };

typedef struct item {
    enum item_kind kind;
    int file;              /* index into files[] */
    off_t off, end;        /* IT_RANGE: [off, end) of the file, whole lines;
                              IT_PARQUET: row groups [off, end) */
    bool at_start;         /* the range starts at offset 0 (header check) */
} item;

typedef struct file_info {
    char *path;
    flowlog_format fmt;    /* from the sniffed header (IT_RANGE files) */
    int first_item, nitems;
    uint8_t unread;        /* enum flowlog_content: plain file that is no text flow log */
} file_info;

/* Messages of an item; most items have none, so a finished item keeps a
 * heap copy only when it has one (a million small files must not cost a
 * kilobyte each). While an item runs, they live in its worker. */
typedef struct item_msgs {
    char bad_reason[192];
    char err[FC_ERRLEN];
    char warn[FC_ERRLEN + 64]; /* non-fatal: corrupt gzip in lenient mode */
} item_msgs;

typedef struct item_res {
    uint64_t lines, read, malformed, bytes_in;
    uint64_t bad_line;     /* first malformed line, relative to the item */
    uint64_t rc_line;
    int rc;                /* 0, -1 fatal, INGEST_MALFORMED (strict) */
    bool rel_err;          /* m->err names an item-relative line in rc_line */
    /* a range that ends with another layout than the file's first header
     * (a header further down): the ranges after it began with the wrong one */
    bool layout_moved;
    uint8_t unread;        /* enum flowlog_content: the stream is no text flow log */
    item_msgs *m;
} item_res;

typedef struct job {
    const ingest_opts *o;
    flowlog_format fields_fmt; /* --fields or the v2 default */
    file_info *files;
    size_t nfiles;
    item *items;
    item_res *res;
    size_t nitems;
    size_t next;           /* the next item to take (under mu) */
    /* One stream (a gzip file, stdin) is read by one worker, the producer,
     * into blocks of whole lines that idle workers parse (pipe_lines);
     * everything below is under mu. */
    bool pipe;             /* more than one worker: streams may be pipelined */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct pblock *qhead, *qtail, *freel;
    size_t qlen, nbufs, maxbufs;
    size_t block;          /* bytes a block is filled to */
    int drained;           /* workers that found no item left */
    int producers;         /* streams being read into blocks */
    bool avx2;             /* next_header's width (fc_simd_avx2) */
} job;

/* Per-worker state. */
#define ENI_CACHE_MIN_BITS 12
typedef struct eni_ent {
    uint64_t k[3];
    uint32_t n, id; /* n = 0: empty */
} eni_ent;

typedef struct worker {
    job *j;
    agg *a;
    char *buf;
    size_t idx;            /* current item */
    uint64_t seq;          /* ENI-metadata order key of the item (or block), line 0 */
    item_res *r;
    bool drained;
    flowlog_format fmt;
    unsigned fmt_gen;      /* set_format calls: a layout change */
    bool first_line;
    unsigned meta_mask;
    bool tgw;              /* the format has Transit Gateway id columns */
    item_msgs msgs;        /* the running item's messages */
    agg_group batch[AGG_BATCH]; /* records waiting for agg_add_batch */
    size_t nbatch;
    uint8_t *known;        /* by ENI id: metadata fields already recorded */
    size_t nknown;
    /* interface-ids already interned by this worker (ids never change
     * within the worker's agg): the bench data has ~2,000 ENIs in random
     * order, and agg_intern's generic path (variable-length copies and
     * compares, a 24-byte hash) cost ~10% of the CPU time */
    eni_ent *eni_cache;    /* open addressing, at most half full; grows */
    unsigned eni_bits;
    size_t eni_cached;
    /* the per-record figures of agg_stats, kept here and folded into the
     * agg's by flush_batch: by [status][action] (both < 4), and the period */
    uint64_t cnt[4][4];
    uint64_t nread;
    int64_t pstart, pend; /* pstart INT64_MAX: none yet */
} worker;

/* The key of an id of 8..24 bytes, read with loads that stay inside it:
 * bytes [0,8), [8,16) (when n >= 16) and [n-8,n) cover [0,n), so for equal
 * lengths equal keys mean equal strings. */
static inline void eni_key(const char *p, uint32_t n, uint64_t k[3])
{
    memcpy(&k[0], p, 8);
    k[1] = 0;
    if (n >= 16) memcpy(&k[1], p + 8, 8);
    memcpy(&k[2], p + n - 8, 8);
}

static inline size_t eni_slot(const uint64_t k[3], unsigned bits)
{
    /* the hex tail varies most */
    return (size_t)(((k[2] ^ k[1]) * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
}

/* Doubles the cache, so that it holds every ENI the worker has seen (tens
 * of thousands in big accounts) in O(ENIs) memory. */
static void eni_grow(worker *w)
{
    unsigned bits = w->eni_bits ? w->eni_bits + 1 : ENI_CACHE_MIN_BITS;
    size_t cap = (size_t)1 << bits, old = w->eni_bits ? (size_t)1 << w->eni_bits : 0;
    eni_ent *t = xzeroed(cap, sizeof *t);
    for (size_t i = 0; i < old; i++) {
        const eni_ent *e = &w->eni_cache[i];
        if (!e->n) continue;
        size_t j = eni_slot(e->k, bits);
        while (t[j].n) j = (j + 1) & (cap - 1);
        t[j] = *e;
    }
    free(w->eni_cache);
    w->eni_cache = t;
    w->eni_bits = bits;
}

static inline uint32_t intern_eni(worker *w, const char *p, uint32_t n)
{
    if (n < 8 || n > 24) return agg_intern(w->a, p, n);
    if (!w->eni_cache) eni_grow(w);
    uint64_t k[3];
    eni_key(p, n, k);
    size_t mask = ((size_t)1 << w->eni_bits) - 1;
    for (size_t i = eni_slot(k, w->eni_bits);; i = (i + 1) & mask) {
        eni_ent *e = &w->eni_cache[i];
        if (e->n == n && e->k[2] == k[2] && e->k[0] == k[0] && e->k[1] == k[1]) return e->id;
        if (e->n == 0) {
            uint32_t id = agg_intern(w->a, p, n);
            memcpy(e->k, k, sizeof k);
            e->n = n;
            e->id = id;
            if (++w->eni_cached > mask / 2) eni_grow(w);
            return id;
        }
    }
}

static void flush_batch(worker *w)
{
    agg_add_batch(w->a, w->batch, w->nbatch);
    w->nbatch = 0;
    agg_stats *st = agg_stats_of(w->a);
    uint64_t (*c)[4] = w->cnt;
    st->read += w->nread;
    for (int a = 0; a < 4; a++) {
        st->used += c[FL_STATUS_NONE][a] + c[FL_OK][a];
        st->nodata += c[FL_NODATA][a];
        st->skipdata += c[FL_SKIPDATA][a];
    }
    st->rejected += c[FL_STATUS_NONE][FL_REJECT] + c[FL_OK][FL_REJECT];
    agg_stats_period(st, w->pstart == INT64_MAX ? 0 : w->pstart, w->pend);
    memset(w->cnt, 0, sizeof w->cnt);
    w->nread = 0;
    w->pstart = INT64_MAX;
    w->pend = 0;
}

/* The order key of what the worker reads next. `known` holds only while
 * the keys grow: a worker that goes back to an earlier item's blocks
 * forgets it. */
static void set_seq(worker *w, uint64_t seq)
{
    if (seq < w->seq && w->nknown) memset(w->known, 0, w->nknown);
    w->seq = seq;
}

static void set_format(worker *w, const flowlog_format *f)
{
    const ingest_opts *o = w->j->o;
    w->fmt = *f;
    w->fmt_gen++;
    static const enum flowlog_field mf[6] = {FLF_VPC_ID, FLF_SUBNET_ID, FLF_INSTANCE_ID,
                                              FLF_AZ_ID, FLF_ACCOUNT_ID, FLF_REGION};
    w->meta_mask = 0;
    static const enum flowlog_field tf[FL_TGW__COUNT] = {
        FLF_TGW_ID, FLF_TGW_ATTACHMENT_ID, FLF_TGW_PAIR_ATTACHMENT_ID, FLF_TGW_SRC_VPC_ACCOUNT_ID,
        FLF_TGW_DST_VPC_ACCOUNT_ID, FLF_TGW_SRC_VPC_ID, FLF_TGW_DST_VPC_ID};
    w->tgw = false;
    for (int i = 0; i < FL_TGW__COUNT && !o->csv_keys_only; i++) w->tgw |= f->col_of[tf[i]] >= 0;
    if (o->csv_keys_only) {
        /* add_record reads neither these values nor the ENI metadata then;
         * start stays when it decides --since/--until */
        w->fmt.lazy = 1ull << FLF_SRCPORT | 1ull << FLF_DSTPORT | 1ull << FLF_PROTOCOL | 1ull << FLF_END;
        if (!o->since && !o->until) w->fmt.lazy |= 1ull << FLF_START;
        return;
    }
    for (int i = 0; i < 6; i++)
        if (f->col_of[mf[i]] >= 0) w->meta_mask |= 1u << i;
}

/* A Transit Gateway record also goes to the TGW table (agg.h). */
static void add_tgw(worker *w, const fl_rec *r)
{
    agg_tgw t;
    memset(&t, 0, sizeof t);
    bool any = false;
    for (int i = 0; i < FL_TGW__COUNT; i++) {
        t.id[i] = agg_intern(w->a, r->tgw[i].p, r->tgw[i].n);
        any |= t.id[i] != 0;
    }
    if (!any) return;
    t.region = agg_intern(w->a, r->region.p, r->region.n);
    t.direction = r->direction;
    t.status = r->status;
    t.packets = r->packets;
    t.bytes = r->bytes;
    t.records = 1;
    agg_add_tgw(w->a, &t);
}

static void add_record(worker *w, const fl_rec *r)
{
    const ingest_opts *o = w->j->o;
    if ((o->since || o->until) && (r->has & FLR_START) &&
        ((o->since && r->start < o->since) || (o->until && r->start >= o->until))) {
        agg_stats_of(w->a)->filtered++;
        return;
    }
    w->cnt[r->status & 3][r->action & 3]++;
    int64_t s = (r->has & FLR_START) ? r->start : 0, e = (r->has & FLR_END) ? r->end : 0;
    if (s && s < w->pstart) w->pstart = s;
    if (e > w->pend) w->pend = e;

    /* written in place in the batch; every byte of the struct is assigned
     * (it has no padding), so no memset is needed */
    agg_group *gp = &w->batch[w->nbatch];
    gp->src = r->src;
    gp->dst = r->dst;
    gp->eni = r->eni.n ? intern_eni(w, r->eni.p, r->eni.n) : 0;
    gp->action = r->action;
    gp->status = r->status;
    gp->packets = r->packets;
    gp->bytes = r->bytes;
    gp->records = 1;
    gp->min_start = s;
    gp->max_end = e;
    _Static_assert(FLR_SRC == AGG_HAS_SRC && FLR_DST == AGG_HAS_DST && FLR_PKT_SRC == AGG_HAS_PKT_SRC &&
                       FLR_PKT_DST == AGG_HAS_PKT_DST,
                   "the has bits are the group's flags");
    if (o->csv_keys_only) { /* the CSV's key only */
        memset(&gp->pkt_src, 0, sizeof gp->pkt_src);
        memset(&gp->pkt_dst, 0, sizeof gp->pkt_dst);
        gp->src_svc = gp->dst_svc = 0;
        gp->hour = AGG_NO_HOUR;
        gp->dstport = 0;
        gp->protocol = 0;
        gp->direction = FL_DIR_NONE;
        gp->traffic_path = 0;
        gp->flags = (uint8_t)(r->has & (FLR_SRC | FLR_DST));
    } else {
        gp->pkt_src = r->pkt_src;
        gp->pkt_dst = r->pkt_dst;
        gp->src_svc = r->src_svc.n ? agg_intern(w->a, r->src_svc.p, r->src_svc.n) : 0;
        gp->dst_svc = r->dst_svc.n ? agg_intern(w->a, r->dst_svc.p, r->dst_svc.n) : 0;
        gp->hour = (r->has & FLR_START) ? (int32_t)(r->start / 3600) : AGG_NO_HOUR;
        bool rej = r->action == FL_REJECT;
        gp->dstport = rej ? r->dstport : 0;
        gp->protocol = rej ? r->protocol : 0;
        gp->direction = r->direction;
        gp->traffic_path = r->traffic_path;
        gp->flags = (uint8_t)(r->has & (FLR_SRC | FLR_DST | FLR_PKT_SRC | FLR_PKT_DST));
    }
    uint32_t eni = gp->eni;
    if (++w->nbatch == AGG_BATCH) flush_batch(w);
    if (w->tgw) add_tgw(w, r);

    /* a record has only its layout's fields, so mask is within meta_mask:
     * once the ENI has them all, no record of it adds anything */
    if (w->meta_mask && eni && (eni >= w->nknown || (w->known[eni] & w->meta_mask) != w->meta_mask)) {
        unsigned mask = (r->vpc.n ? 1u : 0) | (r->subnet.n ? 2u : 0) | (r->instance.n ? 4u : 0) |
                        (r->az_id.n ? 8u : 0) | (r->account.n ? 16u : 0) | (r->region.n ? 32u : 0);
        if (mask && (eni >= w->nknown || (w->known[eni] & mask) != mask)) {
            agg_eni_meta m = {
                agg_intern(w->a, r->vpc.p, r->vpc.n),      agg_intern(w->a, r->subnet.p, r->subnet.n),
                agg_intern(w->a, r->instance.p, r->instance.n), agg_intern(w->a, r->az_id.p, r->az_id.n),
                agg_intern(w->a, r->account.p, r->account.n), agg_intern(w->a, r->region.p, r->region.n),
            };
            agg_note_eni_ids(w->a, eni, &m, w->seq | w->r->lines);
            /* within one worker records come in input order (set_seq
             * forgets this when they do not), so a field once recorded
             * is never displaced by this worker's later records */
            if (eni >= w->nknown) {
                size_t nn = w->nknown ? w->nknown : 256;
                while (nn <= eni) nn *= 2;
                w->known = xrealloc(w->known, nn);
                memset(w->known + w->nknown, 0, nn - w->nknown);
                w->nknown = nn;
            }
            w->known[eni] |= (uint8_t)mask;
        }
    }
}

static bool blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') return false;
    return true;
}

static void malformed(worker *w, const char *reason)
{
    item_res *r = w->r;
    r->read++;
    r->malformed++;
    agg_stats_of(w->a)->malformed++;
    if (!r->bad_line) {
        r->bad_line = r->lines;
        snprintf(r->m->bad_reason, sizeof r->m->bad_reason, "%s", reason);
    }
    if (w->j->o->strict && !r->rc) {
        r->rc = INGEST_MALFORMED;
        r->rel_err = true;
        r->rc_line = r->lines;
        snprintf(r->m->err, sizeof r->m->err, "%s", reason);
    }
}

/* One line without its newline. Returns -1 to stop the item. */
static int handle_line(worker *w, const char *p, size_t n)
{
    item_res *r = w->r;
    r->lines++;
    bool first = w->first_line;
    w->first_line = false;
    if (n == 0 || (n < 4 && blank(p, n))) return 0;
    char reason[192];
    fl_rec rec;
    if (first) {
        flowlog_format f;
        if (flowlog_header(p, n, &f, reason, sizeof reason)) {
            if (f.ncols == 0) goto bad_header;
            set_format(w, &f);
            return 0;
        }
    }
    if (flowlog_parse_line(&w->fmt, p, n, &rec, reason, sizeof reason) == 0) {
        r->read++;
        w->nread++;
        add_record(w, &rec);
        return 0;
    }
    if (blank(p, n)) return 0;
    /* A header in the middle: concatenated files (cat a.log.gz b.log.gz). */
    if (n <= FLOWLOG_MAX_LINE) {
        flowlog_format f;
        char why[192];
        if (flowlog_header(p, n, &f, why, sizeof why)) {
            if (f.ncols == 0) {
                snprintf(reason, sizeof reason, "%s", why);
                goto bad_header;
            }
            set_format(w, &f);
            return 0;
        }
    }
    agg_stats_of(w->a)->read++;
    malformed(w, reason);
    return w->j->o->strict ? -1 : 0;
bad_header:
    r->rc = -1;
    r->rel_err = true;
    r->rc_line = r->lines;
    snprintf(r->m->err, sizeof r->m->err, "bad header line: %s", reason);
    return -1;
}

/* The record's ENI in the worker's cache, before add_record needs it: with
 * tens of thousands of ENIs the cache is megabytes, and beside a group
 * table of millions it is not in the caches (a miss a record: 13% of the
 * CPU at 3.2M groups and 40,000 ENIs). Inlined: GCC deletes a call to a
 * function whose only effect is a prefetch. */
static inline __attribute__((always_inline)) void eni_prefetch(const worker *w, const fl_rec *r)
{
    uint32_t n = (uint32_t)r->eni.n;
    if (n < 8 || n > 24 || !w->eni_cache) return;
    uint64_t k[3];
    eni_key(r->eni.p, n, k);
    __builtin_prefetch(&w->eni_cache[eni_slot(k, w->eni_bits)]);
}

/* A record the fast parser took (a data line by construction). */
static inline void fast_record(worker *w, const fl_rec *rec)
{
    w->r->lines++;
    w->r->read++;
    w->nread++;
    add_record(w, rec);
}

typedef ssize_t (*pull_fn)(void *ctx, void *buf, size_t n, char *err, size_t errlen);

/* The complete lines of buf[0, len) (all of it at eof); *pos = where the
 * unfinished last line starts. buf must have FLOWLOG_PAD bytes after len. */
static int scan_buf(worker *w, char *buf, size_t len, bool eof, bool *skipping, size_t *ppos)
{
    size_t pos = 0;
    buf[len] = '\n'; /* stops the fast parser; the buffer has FLOWLOG_PAD bytes after it */
    /* Records are added REC_AHEAD - 1 lines after they are parsed, so that
     * their ENI's cache slot is prefetched meanwhile; their views point
     * into buf, so the pending ones are added before anything else
     * happens to buf, the format or the line count (the slow path). */
    enum { REC_AHEAD = 4 };
    fl_rec rec[REC_AHEAD];
    unsigned first = 0, npend = 0;
    unsigned gen = w->fmt_gen - 1;
    for (;;) {
        /* The common line: parsed in the same pass that finds its end.
         * Ending at buf[len] means the line may go on in the next read. */
        if (!*skipping && !w->first_line) {
            if (gen != w->fmt_gen) { /* the fast parser writes the format's fields only */
                for (int i = 0; i < REC_AHEAD; i++) flowlog_rec_clear(&rec[i]);
                gen = w->fmt_gen;
            }
            fl_rec *cur = &rec[(first + npend) % REC_AHEAD];
            size_t ll = flowlog_parse_fast(&w->fmt, buf + pos, cur);
            if (ll && (pos + ll < len || eof)) {
                eni_prefetch(w, cur);
                if (++npend == REC_AHEAD) {
                    fast_record(w, &rec[first]);
                    first = (first + 1) % REC_AHEAD;
                    npend--;
                }
                pos += ll + 1;
                if (pos > len) pos = len; /* a last line without its newline */
                continue;
            }
        }
        for (; npend; npend--, first = (first + 1) % REC_AHEAD) fast_record(w, &rec[first]);
        char *nl = memchr(buf + pos, '\n', len - pos);
        if (!nl) break;
        size_t ll = (size_t)(nl - (buf + pos));
        if (*skipping) {
            *skipping = false; /* the over-long line was counted when detected */
        } else if (handle_line(w, buf + pos, ll) < 0) {
            *ppos = pos;
            return -1;
        }
        pos += ll + 1;
    }
    *ppos = pos;
    return 0;
}

static int scan_json(worker *w, pull_fn pull, void *ctx, const char *pre, size_t pre_len, bool eof, bool failed,
                     enum flowlog_content c, bool piped);
static int pipe_lines(worker *w, pull_fn pull, void *ctx, const char *pre, size_t pre_len, bool sniff_first);

/* Split a pulled byte stream into lines. Lines over FLOWLOG_MAX_LINE are
 * malformed and skipped up to their newline, with bounded memory. */
static int scan_lines(worker *w, pull_fn pull, void *ctx, const char *pre, size_t pre_len, bool sniff)
{
    item_res *r = w->r;
    char *buf = w->buf;
    size_t len = 0;
    bool skipping = false;
    if (pre_len) {
        memcpy(buf, pre, pre_len);
        len = pre_len;
        r->bytes_in += pre_len;
    }
    bool eof = false, failed = false;
    for (;;) {
        if (!eof && len < READ_BUF) {
            size_t want = READ_BUF - len < READ_CHUNK ? READ_BUF - len : READ_CHUNK;
            ssize_t got = pull(ctx, buf + len, want, r->m->err, sizeof r->m->err);
            if (got < 0 && (!sniff || len == 0)) {
                r->rc = -1;
                return -1;
            }
            if (got < 0) {
                /* damage within the bytes held back for the sniff: the
                 * complete lines before it still count, as they would have
                 * had they been scanned already */
                while (len && buf[len - 1] != '\n') len--;
                failed = true;
                got = 0;
            }
            if (got == 0) eof = true;
            len += (size_t)got;
            r->bytes_in += (size_t)got;
            if (w->j->o->progress_bytes) atomic_fetch_add_explicit(w->j->o->progress_bytes, (uint64_t)got, memory_order_relaxed);
        }
        if (sniff) {
            /* a stream's content (after gzip) is judged once, by its first
             * SNIFF_MIN bytes: Parquet or JSON is one verdict, not a count
             * of malformed lines */
            if (!eof && len < SNIFF_MIN) continue;
            sniff = false;
            enum flowlog_content c = flowlog_sniff(buf, len);
            if (c == FLC_JSON || c == FLC_JSON_CWL) return scan_json(w, pull, ctx, buf, len, eof, failed, c, false);
            if (c != FLC_TEXT) {
                r->unread = (uint8_t)c;
                return 0;
            }
        }
        size_t pos;
        if (scan_buf(w, buf, len, eof, &skipping, &pos) < 0) return -1;
        size_t rest = len - pos;
        if (eof) {
            if (failed) {
                r->rc = -1;
                return -1;
            }
            if (rest && !skipping && handle_line(w, buf + pos, rest) < 0) return -1;
            return 0;
        }
        if (rest > FLOWLOG_MAX_LINE) {
            if (!skipping) {
                r->lines++;
                agg_stats_of(w->a)->read++;
                char reason[64];
                snprintf(reason, sizeof reason, "line longer than %d bytes", FLOWLOG_MAX_LINE);
                malformed(w, reason);
                if (w->j->o->strict) return -1;
                skipping = true;
            }
            len = 0;
            continue;
        }
        memmove(buf, buf + pos, rest);
        len = rest;
    }
}

/* JSON-wrapped deliveries: the messages, one line each, pulled through
 * jsonwrap from the decoded stream, so that headers, the fast parser and
 * every count work as for text. Held in memory: one top-level object at a
 * time (bounded by JSONWRAP_MAX_VALUE) and its messages. */
#define JSON_PULL_MIN (64u << 10)

typedef struct json_src {
    pull_fn pull;
    void *ctx;
    char *in;              /* decoded bytes not yet consumed: in[in_pos..in_len) */
    size_t in_pos, in_len, in_cap;
    dbuf out;              /* the messages of the last object, as lines */
    size_t out_pos;
    uint64_t consumed;     /* bytes of the decoded stream before in[in_pos] */
    uint64_t raw;          /* bytes pulled from below */
    uint64_t with_lines;   /* top-level values that gave at least one line */
    bool eof, bad;
} json_src;

static ssize_t pull_json(void *ctx, void *buf, size_t n, char *err, size_t errlen)
{
    json_src *s = ctx;
    while (s->out_pos == s->out.len) {
        dbuf_reset(&s->out);
        s->out_pos = 0;
        size_t used = 0, avail = s->in_len - s->in_pos;
        char why[160] = "";
        int rc = jsonwrap_next(avail ? s->in + s->in_pos : NULL, avail, s->eof, &s->out, &used, why, sizeof why);
        if (rc < 0) {
            s->bad = true;
            return fc_err(err, errlen, "bad JSON-wrapped input at byte %llu: %s",
                          (unsigned long long)(s->consumed + used), why);
        }
        s->in_pos += used;
        s->consumed += used;
        if (rc == 1) {
            if (s->out.len) s->with_lines++;
            continue;
        }
        if (s->eof) return 0;
        /* more of the object: pull at least as much as is held, so that
         * rescanning a large object from its start stays linear overall */
        if (s->in_pos) {
            memmove(s->in, s->in + s->in_pos, s->in_len - s->in_pos);
            s->in_len -= s->in_pos;
            s->in_pos = 0;
        }
        size_t want = s->in_len > JSON_PULL_MIN ? s->in_len : JSON_PULL_MIN;
        if (s->in_cap - s->in_len < want) {
            s->in_cap = s->in_len + want;
            s->in = xrealloc(s->in, s->in_cap);
        }
        ssize_t got = s->pull(s->ctx, s->in + s->in_len, want, err, errlen);
        if (got < 0) return -1;
        if (got == 0) s->eof = true;
        s->in_len += (size_t)got;
        s->raw += (uint64_t)got;
    }
    size_t k = s->out.len - s->out_pos;
    if (k > n) k = n;
    memcpy(buf, s->out.data + s->out_pos, k);
    s->out_pos += k;
    return (ssize_t)k;
}

/* The stream turned out to be JSON (c, the sniff's verdict) after
 * pre[0..pre_len) of it was read (eof: that was all; failed: the read after
 * it failed, its reason in the item's err). */
/* piped: the unwrapped lines go to the pipelined reader's blocks, which
 * the other workers parse (this thread unwraps), instead of being parsed
 * here. */
static int scan_json(worker *w, pull_fn pull, void *ctx, const char *pre, size_t pre_len, bool eof, bool failed,
                     enum flowlog_content c, bool piped)
{
    item_res *r = w->r;
    json_src js = {.pull = pull, .ctx = ctx, .eof = eof || failed};
    js.in_cap = pre_len > JSON_PULL_MIN ? pre_len : JSON_PULL_MIN;
    js.in = xmalloc(js.in_cap);
    memcpy(js.in, pre, pre_len);
    js.in_len = pre_len;
    dbuf_init(&js.out, 0);
    uint64_t counted = r->bytes_in; /* pre is in it already */
    int rc = piped ? pipe_lines(w, pull_json, &js, NULL, 0, false) : scan_lines(w, pull_json, &js, NULL, 0, false);
    r->bytes_in = counted + js.raw;
    if (rc == 0 && failed) {
        r->rc = -1;
        rc = -1;
    }
    /* JSON that holds no flow-log message at all (a config file, only
     * CloudWatch health checks) gets the one verdict line of a file that
     * is no flow log, rather than passing silently as an empty log */
    if (rc == 0 && js.with_lines == 0 && !js.bad) r->unread = (uint8_t)c;
    if (rc < 0 && js.bad && r->rc == -1 && !r->rel_err) {
        if (w->j->o->strict) {
            r->rc = INGEST_MALFORMED;
        } else {
            /* as for damaged gzip: the records before the damage count */
            snprintf(r->m->warn, sizeof r->m->warn, "%s; records before it are counted", r->m->err);
            r->rc = 0;
            r->m->err[0] = '\0';
            rc = 0;
        }
    }
    free(js.in);
    dbuf_free(&js.out);
    return rc;
}

typedef struct range_src {
    int fd;
    off_t pos, end;
} range_src;

static ssize_t pull_range(void *ctx, void *buf, size_t n, char *err, size_t errlen)
{
    range_src *s = ctx;
    if (s->pos >= s->end) return 0;
    if ((off_t)n > s->end - s->pos) n = (size_t)(s->end - s->pos);
    ssize_t got;
    do got = pread(s->fd, buf, n, s->pos);
    while (got < 0 && errno == EINTR);
    if (got < 0) return fc_err(err, errlen, "read error: %s", fc_strerror(errno, (char[96]){0}, 96));
    s->pos += got;
    if (got == 0) s->end = s->pos; /* file shrank */
    return got;
}

typedef struct fd_src {
    int fd;
    ingest_read_fn rd; /* when not a fd */
    void *rd_ctx;
} fd_src;

static ssize_t raw_fd(void *ctx, void *buf, size_t n)
{
    fd_src *s = ctx;
    if (s->rd) return s->rd(s->rd_ctx, buf, n);
    ssize_t got;
    do got = read(s->fd, buf, n);
    while (got < 0 && errno == EINTR);
    return got;
}

/* A source whose first bytes were already read for sniffing. */
typedef struct pre_src {
    const char *pre;
    size_t pre_len, pre_pos;
    fd_src *src;
} pre_src;

static ssize_t pull_pre_raw(void *ctx, void *buf, size_t n)
{
    pre_src *s = ctx;
    if (s->pre_pos < s->pre_len) {
        size_t k = s->pre_len - s->pre_pos;
        if (k > n) k = n;
        memcpy(buf, s->pre + s->pre_pos, k);
        s->pre_pos += k;
        return (ssize_t)k;
    }
    return raw_fd(s->src, buf, n);
}

static ssize_t pull_plain(void *ctx, void *buf, size_t n, char *err, size_t errlen)
{
    ssize_t got = raw_fd(ctx, buf, n);
    if (got < 0) return fc_err(err, errlen, "read error: %s", fc_strerror(errno, (char[96]){0}, 96));
    return got;
}

static ssize_t pull_gz(void *ctx, void *buf, size_t n, char *err, size_t errlen)
{
    return gz_read(ctx, buf, n, err, errlen);
}

/* Read up to n bytes (less only at end). */
static ssize_t read_full(fd_src *s, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = raw_fd(s, buf + got, n - got);
        if (k < 0) return -1;
        if (k == 0) break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

/* Parquet: rows come out as text lines of the projected columns, in the
 * file's own field order, and go through the text path (see parquet.h);
 * row N of the file is "line" N in messages, and the stats' bytes_in
 * ("after decompression") counts those lines. A stream (an S3 object) is
 * buffered whole, up to PARQUET_STREAM_MAX, since the footer is at the end. */
#define PARQUET_STREAM_MAX ((size_t)1 << 30)

static ssize_t pull_parquet(void *ctx, void *buf, size_t n, char *err, size_t errlen)
{
    return parquet_rows_read(ctx, buf, n, err, errlen);
}

/* Rows as records straight from the columns (parquet_recs_read); a row
 * the reader flags goes through handle_line as the text it would have
 * been, line by line. Should such a row change the layout (a header-like
 * row), the rest is read as text, as before. */
#define PQ_BATCH 128

static int parquet_records(worker *w, parquet_rows *rows)
{
    item_res *r = w->r;
    fl_rec *recs = xmalloc(PQ_BATCH * sizeof *recs);
    uint8_t bad[PQ_BATCH];
    uint32_t len[PQ_BATCH];
    int rc = 0;
    bool as_text = false;
    while (!rc && !as_text) {
        ssize_t k = parquet_recs_read(rows, recs, bad, len, PQ_BATCH, READ_BUF, r->m->err, sizeof r->m->err);
        if (k <= 0) {
            if (k < 0) rc = r->rc = -1;
            break;
        }
        uint64_t bytes = 0;
        for (size_t i = 0; i < (size_t)k; i++) {
            bytes += len[i];
            if (!bad[i]) {
                fast_record(w, &recs[i]);
                continue;
            }
            unsigned gen = w->fmt_gen;
            size_t n = parquet_row_text(rows, i, w->buf);
            for (size_t pos = 0; pos < n && !rc;) {
                const char *nl = memchr(w->buf + pos, '\n', n - pos); /* the row ends with one */
                size_t ll = (size_t)(nl - (w->buf + pos));
                if (handle_line(w, w->buf + pos, ll) < 0) rc = -1;
                pos += ll + 1;
            }
            if (rc) break;
            if (w->fmt_gen != gen) {
                parquet_recs_unread(rows, i + 1);
                as_text = true;
                break;
            }
        }
        r->bytes_in += bytes;
        if (w->j->o->progress_bytes) atomic_fetch_add_explicit(w->j->o->progress_bytes, bytes, memory_order_relaxed);
    }
    free(recs);
    if (as_text) rc = scan_lines(w, pull_parquet, rows, NULL, 0, false); /* the reader decided it is Parquet */
    return rc;
}

static int run_parquet(worker *w, int fd, const void *mem, size_t len, size_t rg0, size_t rg1)
{
    item_res *r = w->r;
    parquet_file *pf = mem ? parquet_open_mem(mem, len, r->m->err, sizeof r->m->err)
                           : parquet_open_fd(fd, r->m->err, sizeof r->m->err);
    if (!pf) {
        r->rc = -1;
        return -1;
    }
    set_format(w, parquet_format(pf));
    w->first_line = false;
    parquet_rows *rows = parquet_rows_open(pf, rg0, rg1);
    int rc = parquet_records(w, rows);
    parquet_rows_close(rows);
    parquet_close(pf);
    return rc;
}

static int run_parquet_stream(worker *w, fd_src *src, const char *sniff, size_t k)
{
    item_res *r = w->r;
    dbuf d;
    dbuf_init(&d, PARQUET_STREAM_MAX);
    dbuf_append(&d, sniff, k);
    char *tmp = xmalloc(1 << 20);
    int rc = 0;
    for (;;) {
        ssize_t g = raw_fd(src, tmp, 1 << 20);
        if (g < 0) {
            rc = fc_err(r->m->err, sizeof r->m->err, "read error: %s", strerror(errno));
            break;
        }
        if (g == 0) break;
        if (dbuf_append(&d, tmp, (size_t)g) < 0) {
            rc = fc_err(r->m->err, sizeof r->m->err, "a Parquet object over %zu MiB is not read from a stream",
                        PARQUET_STREAM_MAX >> 20);
            break;
        }
    }
    free(tmp);
    if (rc < 0) r->rc = -1;
    else rc = run_parquet(w, -1, d.data, d.len, 0, SIZE_MAX);
    dbuf_free(&d);
    return rc;
}


/* ---------------------------------------------------------------- pipeline
 *
 * One gzip stream inflates at about the speed one thread parses it, so a
 * single big stream (one gzip file, `zcat ... | flowcost -`) would keep one
 * core busy and leave the others idle. Its reader, the producer, cuts the
 * decoded bytes into blocks of whole lines; while other workers have no
 * item left, it hands blocks to them, else it parses them itself, so with
 * many files nothing changes. Each block is parsed with the layout in force
 * at its first line, which the producer tracks: only lines that could be a
 * header (first byte a lower-case letter or a blank) are looked at, with
 * the same test as handle_line. Per-block results (line counts, the first
 * malformed line, errors) are put together in block order at the end, and
 * ENI metadata carries item << 40 | block << 20 | line as its order key, so
 * the result is the serial one for any thread count. */

#define BLOCK_BYTES (1u << 20)
#define BLOCK_SHIFT 20            /* lines in a block < 2^20: a block holds <= 1 MiB */
#define BLOCK_MAXNO ((1u << (SEQ_SHIFT - BLOCK_SHIFT)) - 1)
/* a buffer holds a whole line of FLOWLOG_MAX_LINE bytes beside a block */
#define BLOCK_CAP (BLOCK_BYTES > 2 * (FLOWLOG_MAX_LINE + 1) ? BLOCK_BYTES : 2 * (FLOWLOG_MAX_LINE + 1))

typedef struct pipe_item {
    item_res *res;         /* by block number */
    size_t cap;
    uint32_t outstanding;  /* handed out, not yet parsed */
} pipe_item;

typedef struct pblock {
    struct pblock *next;
    pipe_item *pi;
    size_t item;
    uint32_t no;
    bool overlong;         /* no data: a line over FLOWLOG_MAX_LINE, skipped */
    bool first;            /* the block starts with the stream's first line */
    size_t len;
    flowlog_format fmt;    /* the layout at the block's first line */
    char data[];           /* BLOCK_CAP + 1 + FLOWLOG_PAD */
} pblock;

/* under mu */
static pblock *block_get(job *j)
{
    pblock *b = j->freel;
    if (b) {
        j->freel = b->next;
        return b;
    }
    j->nbufs++;
    /* zeroed: the parser and the header scan read whole vectors past a
     * block's data into its padding, bytes they then mask off; defined
     * bytes keep valgrind's memcheck quiet about them */
    return xcalloc(1, sizeof *b + BLOCK_CAP + 1 + FLOWLOG_PAD);
}

/* under mu */
static void block_put(job *j, pblock *b)
{
    b->next = j->freel;
    j->freel = b;
}

/* Parse one block; called and returns with mu held. */
static void consume_block(worker *w, pblock *b)
{
    job *j = w->j;
    pthread_mutex_unlock(&j->mu);
    item_res br;
    memset(&br, 0, sizeof br);
    w->msgs.bad_reason[0] = w->msgs.err[0] = w->msgs.warn[0] = '\0';
    br.m = &w->msgs;
    w->r = &br;
    w->idx = b->item;
    set_seq(w, (uint64_t)b->item << SEQ_SHIFT | (uint64_t)(b->no < BLOCK_MAXNO ? b->no : BLOCK_MAXNO) << BLOCK_SHIFT);
    set_format(w, &b->fmt);
    w->first_line = b->first;
    if (b->overlong) {
        br.lines++;
        agg_stats_of(w->a)->read++;
        char reason[64];
        snprintf(reason, sizeof reason, "line longer than %d bytes", FLOWLOG_MAX_LINE);
        malformed(w, reason);
    } else {
        bool skipping = false;
        size_t pos;
        scan_buf(w, b->data, b->len, true, &skipping, &pos);
        if (pos < b->len && !br.rc) handle_line(w, b->data + pos, b->len - pos); /* the stream's last line, no newline */
    }
    flush_batch(w);
    if (br.rc || br.bad_line) {
        br.m = xmalloc(sizeof *br.m);
        memcpy(br.m, &w->msgs, sizeof *br.m);
    } else {
        br.m = NULL;
    }
    pthread_mutex_lock(&j->mu);
    b->pi->res[b->no] = br;
    b->pi->outstanding--;
    block_put(j, b);
    pthread_cond_broadcast(&j->cv);
}

static bool is_blank_or_lower(char c)
{
    return (c >= 'a' && c <= 'z') || c == ' ' || c == '\t' || c == '\r';
}

/* The first position after a '\n' whose byte could begin a header (lower
 * case, space, tab, CR), or n. On one gzip stream this scan runs on the
 * inflating thread, which bounds the wall time: 32 bytes a step where the CPU
 * has AVX2, else 16. Reads up to 32 bytes past n: blocks have FLOWLOG_PAD (64)
 * after them. */
__attribute__((target("avx2"))) static size_t next_header_avx2(const char *p, size_t i, size_t n)
{
    const __m256i nlv = _mm256_set1_epi8('\n'), a = _mm256_set1_epi8('a'), z25 = _mm256_set1_epi8(25);
    const __m256i sp = _mm256_set1_epi8(' '), tab = _mm256_set1_epi8('\t'), cr = _mm256_set1_epi8('\r');
    for (; i < n; i += 32) {
        __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
        __m256i nl = _mm256_cmpeq_epi8(v0, nlv);
        if (_mm256_testz_si256(nl, nl)) continue;
        __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + i + 1));
        __m256i d = _mm256_sub_epi8(v1, a);
        __m256i lower = _mm256_cmpeq_epi8(_mm256_min_epu8(d, z25), d);
        __m256i c = _mm256_or_si256(_mm256_or_si256(lower, _mm256_cmpeq_epi8(v1, sp)),
                                    _mm256_or_si256(_mm256_cmpeq_epi8(v1, tab), _mm256_cmpeq_epi8(v1, cr)));
        unsigned m = (unsigned)_mm256_movemask_epi8(_mm256_and_si256(nl, c));
        if (m) return i + (size_t)__builtin_ctz(m) + 1;
    }
    return n;
}

static size_t next_header(const char *p, size_t i, size_t n, bool avx2)
{
    if (avx2) return next_header_avx2(p, i, n);
    const __m128i nlv = _mm_set1_epi8('\n'), a = _mm_set1_epi8('a'), z25 = _mm_set1_epi8(25);
    const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'), cr = _mm_set1_epi8('\r');
    for (; i < n; i += 16) {
        __m128i v0 = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i v1 = _mm_loadu_si128((const __m128i *)(p + i + 1));
        __m128i d = _mm_sub_epi8(v1, a);
        __m128i lower = _mm_cmpeq_epi8(_mm_min_epu8(d, z25), d);
        __m128i c = _mm_or_si128(_mm_or_si128(lower, _mm_cmpeq_epi8(v1, sp)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v1, tab), _mm_cmpeq_epi8(v1, cr)));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(v0, nlv), c));
        if (m) return i + (size_t)__builtin_ctz(m) + 1;
    }
    return n;
}

/* The layout after the lines of p[0, n) (whole lines), as handle_line
 * would leave it: a header-shaped line that does not parse as data. */
static void track_headers(const char *p, size_t n, flowlog_format *cur, bool *first, bool avx2)
{
    size_t pos = 0;
    while (pos < n) {
        if (*first || is_blank_or_lower(p[pos])) {
            const char *nl = memchr(p + pos, '\n', n - pos);
            size_t ll = nl ? (size_t)(nl - (p + pos)) : n - pos;
            bool was_first = *first;
            *first = false;
            flowlog_format f;
            char why[192];
            if (ll && !(ll < 4 && blank(p + pos, ll)) && ll <= FLOWLOG_MAX_LINE &&
                flowlog_header(p + pos, ll, &f, why, sizeof why) && f.ncols) {
                fl_rec rec;
                if (was_first || flowlog_parse_line(cur, p + pos, ll, &rec, why, sizeof why) < 0) *cur = f;
            }
            pos += ll + 1;
            continue;
        }
        pos = next_header(p, pos, n, avx2);
    }
}

/* Push b to the idle workers, or parse it here; then b is spare. Called
 * without mu. */
static void dispatch(worker *w, pipe_item *pi, pblock **bp)
{
    job *j = w->j;
    pblock *b = *bp;
    pthread_mutex_lock(&j->mu);
    if (pi->cap <= b->no) {
        pi->cap = pi->cap ? pi->cap * 2 : 64;
        pi->res = xrealloc(pi->res, pi->cap * sizeof *pi->res);
    }
    pi->outstanding++;
    if (j->drained > 0 && j->qlen < 2 * (size_t)j->drained && (j->freel || j->nbufs < j->maxbufs)) {
        b->next = NULL;
        if (j->qtail) j->qtail->next = b;
        else j->qhead = b;
        j->qtail = b;
        j->qlen++;
        pthread_cond_broadcast(&j->cv);
    } else {
        consume_block(w, b); /* puts b on the free list */
    }
    *bp = block_get(j);
    pthread_mutex_unlock(&j->mu);
}

/* under mu: the next queued block, or NULL */
static pblock *queue_pop(job *j)
{
    pblock *b = j->qhead;
    if (b) {
        j->qhead = b->next;
        if (!j->qhead) j->qtail = NULL;
        j->qlen--;
    }
    return b;
}

/* The pipelined scan_lines of a stream (see above). */
static int pipe_lines(worker *w, pull_fn pull, void *ctx, const char *pre, size_t pre_len, bool sniff_first)
{
    job *j = w->j;
    item_res *r = w->r;
    size_t idx = w->idx;
    pipe_item pi;
    memset(&pi, 0, sizeof pi);
    char perr[FC_ERRLEN];
    perr[0] = '\0';
    pthread_mutex_lock(&j->mu);
    j->producers++;
    pblock *b = block_get(j), *spare = block_get(j);
    pthread_mutex_unlock(&j->mu);

    size_t target = j->block < SNIFF_MIN ? SNIFF_MIN : j->block, len = 0;
    if (pre_len) {
        memcpy(b->data, pre, pre_len);
        len = pre_len;
        r->bytes_in += pre_len;
    }
    flowlog_format cur = j->fields_fmt;
    bool first = true, sniff = sniff_first, eof = false, failed = false, skipping = false, json = false;
    int json_rc = 0;
    uint32_t no = 0;
    for (;;) {
        size_t want = target;
        for (;;) {
            while (!eof && len < want) {
                ssize_t got = pull(ctx, b->data + len, BLOCK_CAP - len, perr, sizeof perr);
                if (got < 0) {
                    /* what came before the error counts: the complete lines */
                    while (len && b->data[len - 1] != '\n') len--;
                    failed = true;
                    eof = true;
                    break;
                }
                if (got == 0) eof = true;
                len += (size_t)got;
                r->bytes_in += (size_t)got;
                if (j->o->progress_bytes) atomic_fetch_add_explicit(j->o->progress_bytes, (uint64_t)got, memory_order_relaxed);
            }
            if (sniff) {
                /* judged once, by the first SNIFF_MIN bytes, as scan_lines does */
                sniff = false;
                enum flowlog_content c = flowlog_sniff(b->data, len);
                if (c == FLC_JSON || c == FLC_JSON_CWL) {
                    /* JSON-wrapped lines are unwrapped on this thread
                     * (scan_json copies what was read) into blocks of
                     * their own that the other workers parse */
                    json = true;
                    json_rc = scan_json(w, pull, ctx, b->data, len, eof, failed, c, true);
                    failed = false;
                    len = 0;
                    goto done;
                }
                if (c != FLC_TEXT) {
                    r->unread = (uint8_t)c;
                    failed = false;
                    len = 0;
                    goto done;
                }
            }
            if (skipping) {
                char *nl = memchr(b->data, '\n', len);
                if (!nl) {
                    len = 0;
                    if (eof) break;
                    continue;
                }
                size_t k = (size_t)(nl - b->data) + 1;
                memmove(b->data, b->data + k, len - k);
                len -= k;
                skipping = false;
            }
            if (eof || memchr(b->data, '\n', len)) break;
            if (len > FLOWLOG_MAX_LINE) {
                /* an over-long line: counted as one malformed line */
                b->overlong = true;
                b->first = first;
                b->no = no++;
                b->item = idx;
                b->pi = &pi;
                b->len = 0;
                b->fmt = cur;
                dispatch(w, &pi, &b);
                skipping = true;
                len = 0;
                continue;
            }
            want = len + 1; /* a line not complete yet */
        }
        if (len == 0 && eof) break;
        size_t cut = len;
        if (!eof) {
            const char *nl = b->data + len;
            while (nl[-1] != '\n') nl--;
            cut = (size_t)(nl - b->data);
        }
        b->overlong = false;
        b->first = first;
        b->no = no++;
        b->item = idx;
        b->pi = &pi;
        b->len = cut;
        b->fmt = cur;
        track_headers(b->data, cut, &cur, &first, j->avx2);
        memcpy(spare->data, b->data + cut, len - cut);
        len -= cut;
        pblock *t = b;
        b = spare;
        spare = t;
        dispatch(w, &pi, &spare);
        if (eof && len == 0) break;
    }
done:
    pthread_mutex_lock(&j->mu);
    block_put(j, b);
    block_put(j, spare);
    while (pi.outstanding) {
        pblock *q = queue_pop(j);
        if (q) consume_block(w, q);
        else pthread_cond_wait(&j->cv, &j->mu);
    }
    j->producers--;
    pthread_cond_broadcast(&j->cv);
    pthread_mutex_unlock(&j->mu);
    if (json) return json_rc; /* no blocks: scan_json filled the item's result itself */

    /* the blocks' results in order, as one item's */
    w->r = r;
    w->idx = idx;
    w->msgs.bad_reason[0] = w->msgs.err[0] = w->msgs.warn[0] = '\0';
    r->m = &w->msgs;
    uint64_t base = 0;
    for (uint32_t k = 0; k < no; k++) {
        item_res *br = &pi.res[k];
        if (!r->rc && br->rc) {
            r->rc = br->rc;
            r->rel_err = br->rel_err;
            r->rc_line = base + br->rc_line;
            snprintf(r->m->err, sizeof r->m->err, "%s", br->m->err);
        }
        if (!r->bad_line && br->bad_line) {
            r->bad_line = base + br->bad_line;
            snprintf(r->m->bad_reason, sizeof r->m->bad_reason, "%s", br->m->bad_reason);
        }
        r->lines += br->lines;
        r->read += br->read;
        r->malformed += br->malformed;
        base += br->lines;
        free(br->m);
    }
    free(pi.res);
    if (r->rc) return -1;
    if (failed) {
        r->rc = -1;
        snprintf(r->m->err, sizeof r->m->err, "%s", perr);
        return -1;
    }
    return 0;
}

/* A stream: sniff gzip / .fca / Parquet / plain, then decode and scan. */
static int run_stream(worker *w, fd_src *src, bool gz_known)
{
    item_res *r = w->r;
    char sniff[4];
    ssize_t k = read_full(src, sniff, sizeof sniff);
    if (k < 0) {
        r->rc = -1;
        snprintf(r->m->err, sizeof r->m->err, "read error: %s", fc_strerror(errno, (char[96]){0}, 96));
        return -1;
    }
    pre_src ps = {sniff, (size_t)k, 0, src};
    if (gz_known || gz_is(sniff, (size_t)k)) {
        gz_reader *z = gz_open(pull_pre_raw, &ps, GZ_AUTO);
        int rc = w->j->pipe ? pipe_lines(w, pull_gz, z, NULL, 0, true) : scan_lines(w, pull_gz, z, NULL, 0, true);
        gz_close(z);
        if (rc < 0 && r->rc == -1 && !w->j->o->strict && !r->rel_err &&
            (strstr(r->m->err, "gzip") != NULL)) {
            /* lenient: records before the damage count; say where it broke */
            snprintf(r->m->warn, sizeof r->m->warn, "%s; records before it are counted", r->m->err);
            r->rc = 0;
            r->m->err[0] = '\0';
            return 0;
        }
        if (rc < 0 && r->rc == -1 && w->j->o->strict && strstr(r->m->err, "gzip")) r->rc = INGEST_MALFORMED;
        return rc;
    }
    if (parquet_is(sniff, (size_t)k)) return run_parquet_stream(w, src, sniff, (size_t)k);
    if (fca_is(sniff, (size_t)k)) {
        dbuf d;
        dbuf_init(&d, 0);
        dbuf_append(&d, sniff, (size_t)k);
        char tmp[65536];
        for (;;) {
            ssize_t g = raw_fd(src, tmp, sizeof tmp);
            if (g < 0) {
                dbuf_free(&d);
                r->rc = -1;
                snprintf(r->m->err, sizeof r->m->err, "read error: %s", fc_strerror(errno, (char[96]){0}, 96));
                return -1;
            }
            if (g == 0) break;
            dbuf_append(&d, tmp, (size_t)g);
        }
        int rc = fca_read_seq(w->a, d.data, d.len, (uint64_t)w->idx << SEQ_SHIFT, r->m->err, sizeof r->m->err);
        dbuf_free(&d);
        if (rc < 0) r->rc = -1;
        return rc;
    }
    if (w->j->pipe) return pipe_lines(w, pull_plain, src, sniff, (size_t)k, true);
    return scan_lines(w, pull_plain, src, sniff, (size_t)k, true);
}

static void run_item_body(worker *w, size_t idx)
{
    job *j = w->j;
    item *it = &j->items[idx];
    file_info *f = &j->files[it->file];
    item_res *r = &j->res[idx];
    w->idx = idx;
    w->r = r;
    set_seq(w, (uint64_t)idx << SEQ_SHIFT);
    w->first_line = true;
    set_format(w, it->kind == IT_RANGE ? &f->fmt : &j->fields_fmt);
    w->first_line = it->kind != IT_RANGE || it->at_start;

    bool is_stdin = strcmp(f->path, "-") == 0;
    int fd = is_stdin ? 0 : open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        r->rc = -1;
        snprintf(r->m->err, sizeof r->m->err, "cannot open: %s", fc_strerror(errno, (char[96]){0}, 96));
        return;
    }
    if (it->kind == IT_RANGE) {
#ifdef POSIX_FADV_SEQUENTIAL
        posix_fadvise(fd, it->off, it->end - it->off, POSIX_FADV_SEQUENTIAL);
#endif
        range_src rs = {fd, it->off, it->end};
        scan_lines(w, pull_range, &rs, NULL, 0, false); /* plan_file judged its first bytes */
        r->layout_moved = w->fmt.ncols != f->fmt.ncols || memcmp(w->fmt.col, f->fmt.col, (size_t)f->fmt.ncols) != 0;
    } else if (it->kind == IT_PARQUET) {
        run_parquet(w, fd, NULL, 0, (size_t)it->off, (size_t)it->end);
    } else {
        fd_src src = {fd, NULL, NULL};
        run_stream(w, &src, it->kind == IT_GZIP);
    }
    flush_batch(w);
    if (!is_stdin) close(fd);
}

static void run_item(worker *w, size_t idx)
{
    item_res *r = &w->j->res[idx];
    w->msgs.bad_reason[0] = w->msgs.err[0] = w->msgs.warn[0] = '\0';
    r->m = &w->msgs;
    run_item_body(w, idx);
    if (r->rc || r->bad_line || w->msgs.warn[0]) {
        r->m = xmalloc(sizeof *r->m);
        memcpy(r->m, &w->msgs, sizeof *r->m);
    } else {
        r->m = NULL;
    }
}

static worker *worker_new(job *j, agg *a)
{
    worker *w = xcalloc(1, sizeof *w);
    w->j = j;
    w->a = a;
    w->buf = xcalloc(1, READ_BUF + 1 + FLOWLOG_PAD); /* a sentinel, then the fast parser's padding */
    w->pstart = INT64_MAX;
    return w;
}

static void worker_free(worker *w)
{
    free(w->buf);
    free(w->known);
    free(w->eni_cache);
    free(w);
}

typedef struct thread_arg {
    job *j;
    agg *a;
} thread_arg;

static void *worker_main(void *p)
{
    thread_arg *ta = p;
    worker *w = worker_new(ta->j, ta->a);
    job *j = ta->j;
    pthread_mutex_lock(&j->mu);
    for (;;) {
        /* blocks of a pipelined stream first: their producer waits for them */
        pblock *b = queue_pop(j);
        if (b) {
            consume_block(w, b);
            continue;
        }
        if (j->next < j->nitems) {
            size_t idx = j->next++;
            pthread_mutex_unlock(&j->mu);
            run_item(w, idx);
            pthread_mutex_lock(&j->mu);
            continue;
        }
        if (!w->drained) {
            w->drained = true;
            j->drained++;
        }
        if (!j->producers) break;
        pthread_cond_wait(&j->cv, &j->mu);
    }
    pthread_mutex_unlock(&j->mu);
    worker_free(w);
    return NULL;
}

/* ---------------------------------------------------------------- planning */

typedef struct plan {
    file_info *files;
    size_t nfiles, capfiles;
    item *items;
    size_t nitems, capitems;
} plan;

static item *new_item(plan *p, int file, enum item_kind kind)
{
    GROW(p->items, p->nitems, p->capitems);
    item *it = &p->items[p->nitems++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->file = file;
    return it;
}

static int new_file(plan *p, const char *path)
{
    GROW(p->files, p->nfiles, p->capfiles);
    file_info *f = &p->files[p->nfiles];
    memset(f, 0, sizeof *f);
    f->path = xstrdup(path);
    f->first_item = (int)p->nitems;
    return (int)p->nfiles++;
}

/* Find the first line start at or after `at` (at > 0). */
static off_t next_line_start(int fd, off_t at, off_t size)
{
    char buf[65536];
    off_t pos = at - 1;
    while (pos < size) {
        ssize_t got = pread(fd, buf, sizeof buf, pos);
        if (got <= 0) return size;
        char *nl = memchr(buf, '\n', (size_t)got);
        if (nl) return pos + (nl - buf) + 1;
        pos += got;
    }
    return size;
}

static int plan_file(plan *p, const char *path, const ingest_opts *o, const flowlog_format *deffmt,
                     int nthreads, agg_stats *st, char *err, size_t errlen)
{
    if (strcmp(path, "-") == 0) {
        int fi = new_file(p, path);
        new_item(p, fi, IT_STREAM);
        p->files[fi].nitems = 1;
        st->files++;
        return 0;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fc_err(err, errlen, "cannot open '%s': %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) < 0) {
        int e = errno;
        close(fd);
        return fc_err(err, errlen, "cannot stat '%s': %s", path, strerror(e));
    }
    st->files++;
    int fi = new_file(p, path);
    file_info *f = &p->files[fi];
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        new_item(p, fi, IT_STREAM);
        f->nitems = 1;
        return 0;
    }
    char *head = xmalloc(SNIFF_LEN);
    ssize_t k = pread(fd, head, SNIFF_LEN, 0);
    if (k < 0) {
        int e = errno;
        free(head);
        close(fd);
        return fc_err(err, errlen, "cannot read '%s': %s", path, strerror(e));
    }
    if (gz_is(head, (size_t)k)) {
        new_item(p, fi, IT_GZIP);
    } else if (fca_is(head, (size_t)k)) {
        new_item(p, fi, IT_FCA);
    } else if (parquet_is(head, (size_t)k)) {
        /* row groups split across the threads; each item reads the footer again */
        parquet_file *pf = parquet_open_fd(fd, err, errlen);
        if (!pf) {
            char why[FC_ERRLEN];
            snprintf(why, sizeof why, "%s", err);
            free(head);
            close(fd);
            return fc_err(err, errlen, "%s: %s", path, why);
        }
        size_t nrg = parquet_row_groups(pf), per = (nrg + (size_t)nthreads * 2 - 1) / ((size_t)nthreads * 2);
        parquet_close(pf);
        if (per == 0) per = 1;
        size_t g = 0;
        do {
            item *it = new_item(p, fi, IT_PARQUET);
            it->off = (off_t)g;
            it->end = (off_t)(g + per < nrg ? g + per : nrg);
            g += per;
        } while (g < nrg);
    } else if (flowlog_sniff(head, (size_t)k) == FLC_JSON || flowlog_sniff(head, (size_t)k) == FLC_JSON_CWL) {
        new_item(p, fi, IT_STREAM); /* one pass: its lines are no byte ranges of the file */
    } else if (flowlog_sniff(head, (size_t)k) != FLC_TEXT) {
        f->unread = (uint8_t)flowlog_sniff(head, (size_t)k); /* named after the run, in input order */
    } else {
        f->fmt = *deffmt;
        char *nl = memchr(head, '\n', (size_t)k);
        size_t l1 = nl ? (size_t)(nl - head) : (size_t)k;
        flowlog_format hf;
        char why[192];
        if (l1 <= FLOWLOG_MAX_LINE && flowlog_header(head, l1, &hf, why, sizeof why) && hf.ncols)
            f->fmt = hf; /* a bad header is reported by the worker of the first range */
        off_t size = sb.st_size;
        off_t cmin = o->chunk_bytes ? (off_t)o->chunk_bytes : (off_t)CHUNK_MIN;
        off_t csize = o->chunk_bytes ? (off_t)o->chunk_bytes : (off_t)CHUNK_SIZE;
        int n = 1;
        if (size > cmin && nthreads > 1) {
            off_t want = (size + csize - 1) / csize;
            n = want > 4096 ? 4096 : (int)want;
            if (n < nthreads) n = nthreads;
        }
        /* The threads take ranges in turn, so one may finish its last range
         * while the other is still in one: idle for half a range on average
         * (~30 ms of 32 MiB). A big file ends in 2 ranges per thread of a
         * quarter of the size, which cuts that wait to a quarter. */
        off_t body = size;
        int nbody = n, ntail = 0;
        if (nthreads > 1 && size > 4 * csize && n + 2 * nthreads <= 4096) {
            ntail = 2 * nthreads;
            body = size - (off_t)ntail * (csize / 4);
            nbody = (int)((body + csize - 1) / csize);
            if (nbody + ntail > 4096) nbody = 4096 - ntail;
            n = nbody + ntail;
        }
        off_t prev = 0;
        for (int c = 0; c < n; c++) {
            off_t at = c < nbody ? body / nbody * (c + 1) : body + (size - body) / ntail * (c + 1 - nbody);
            off_t end = c == n - 1 ? size : next_line_start(fd, at, size);
            if (end <= prev && c != n - 1) continue;
            item *it = new_item(p, fi, IT_RANGE);
            it->off = prev;
            it->end = end;
            it->at_start = prev == 0;
            prev = end;
            if (prev >= size) break;
        }
        if (size == 0) {
            item *it = new_item(p, fi, IT_RANGE);
            it->at_start = true;
        }
    }
    free(head);
    close(fd);
    p->files[fi].nitems = (int)p->nitems - p->files[fi].first_item;
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int plan_path(plan *p, const char *path, const ingest_opts *o, const flowlog_format *deffmt,
                     int nthreads, agg_stats *st, int depth, char *err, size_t errlen)
{
    struct stat sb;
    if (strcmp(path, "-") != 0) {
        if (stat(path, &sb) < 0) return fc_err(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        if (S_ISDIR(sb.st_mode)) {
            if (depth > 64) return fc_err(err, errlen, "'%s': directories nested too deep", path);
            DIR *d = opendir(path);
            if (!d) return fc_err(err, errlen, "cannot open directory '%s': %s", path, strerror(errno));
            char **names = NULL;
            size_t n = 0, cap = 0;
            struct dirent *de;
            while ((de = readdir(d))) {
                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
                if (n == cap) {
                    cap = cap ? cap * 2 : 32;
                    names = xrealloc(names, cap * sizeof *names);
                }
                size_t pl = strlen(path);
                bool slash = pl && path[pl - 1] == '/';
                dbuf b;
                dbuf_init(&b, 0);
                dbuf_printf(&b, "%s%s%s", path, slash ? "" : "/", de->d_name);
                names[n++] = dbuf_take(&b, NULL);
            }
            closedir(d);
            if (n) qsort(names, n, sizeof *names, cmp_name); /* an empty directory: names is NULL */
            int rc = 0;
            for (size_t i = 0; i < n; i++) {
                if (!rc) {
                    struct stat ls;
                    /* don't follow directory symlinks (loops); files are fine */
                    if (lstat(names[i], &ls) == 0 && S_ISLNK(ls.st_mode) && stat(names[i], &ls) == 0 &&
                        S_ISDIR(ls.st_mode)) {
                        free(names[i]);
                        continue;
                    }
                    if (lstat(names[i], &ls) == 0 && !S_ISDIR(ls.st_mode) && !S_ISREG(ls.st_mode) &&
                        !S_ISLNK(ls.st_mode)) {
                        free(names[i]);
                        continue; /* sockets, fifos inside a tree: not inputs */
                    }
                    rc = plan_path(p, names[i], o, deffmt, nthreads, st, depth + 1, err, errlen);
                }
                free(names[i]);
            }
            free(names);
            return rc;
        }
        if ((o->since || o->until) && ingest_name_outside(path, o->since, o->until)) {
            st->files_skipped++;
            return 0;
        }
        if (o->seen) {
            int take = inputs_claim_file(o->seen, path, err, errlen);
            if (take <= 0) return take;
        }
    }
    return plan_file(p, path, o, deffmt, nthreads, st, err, errlen);
}

int ingest_nthreads(int requested)
{
    if (requested > 0) return requested;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static void emit_warn(const ingest_opts *o, const char *msg)
{
    /* every warning here is about records lost or not read: -q does not
     * hide them (a cron job's log must show data loss) */
    if (o->warn) o->warn(o->warn_ctx, msg);
    else fc_print_line("flowcost: warning: ", msg); /* S3 readers warn from several threads */
}

/* An input that is no text flow log: one line naming it and what it looks
 * like, counted by kind; with --strict an error. */
static int unread_input(const ingest_opts *o, agg_stats *st, const char *name, enum flowlog_content c, char *err,
                        size_t errlen)
{
    if (o->strict) {
        fc_err(err, errlen, "'%s' is not a text flow log: %s", name, flowlog_content_desc(c));
        return INGEST_MALFORMED;
    }
    st->files_unread++;
    if (c == FLC_PARQUET) st->files_parquet++;
    else if (c == FLC_JSON || c == FLC_JSON_CWL) st->files_json++;
    else st->files_binary++;
    char msg[FC_ERRLEN + 160];
    snprintf(msg, sizeof msg, "skipped '%s': %s", name, flowlog_content_desc(c));
    emit_warn(o, msg);
    return 0;
}

/* Ranges of a plain file start with the layout of its first line's header.
 * A header further down that changes it (concatenated deliveries of two
 * formats) makes the ranges after it wrong; such a file, rare, is read
 * again as one item, where handle_line follows every header in order.
 * Finding those headers up front would cost a scan of every large file. */
static bool collapse_moved(plan *p, const item_res *res)
{
    bool any = false;
    uint8_t *moved = xcalloc(p->nfiles + 1, 1);
    for (size_t fi = 0; fi < p->nfiles; fi++) {
        const file_info *f = &p->files[fi];
        for (int k = 0; k + 1 < f->nitems; k++)
            if (p->items[f->first_item + k].kind == IT_RANGE && res[f->first_item + k].layout_moved)
                moved[fi] = 1;
        any |= moved[fi] != 0;
    }
    if (any) {
        size_t n = 0;
        for (size_t fi = 0; fi < p->nfiles; fi++) {
            file_info *f = &p->files[fi];
            int first = f->first_item, cnt = f->nitems;
            f->first_item = (int)n;
            if (moved[fi]) {
                item one = p->items[first];
                one.end = p->items[first + cnt - 1].end;
                p->items[n++] = one;
                f->nitems = 1;
            } else {
                memmove(&p->items[n], &p->items[first], (size_t)cnt * sizeof *p->items);
                n += (size_t)cnt;
            }
        }
        p->nitems = n;
    }
    free(moved);
    return any;
}

static int execute(agg *a, plan *p, const ingest_opts *o, const flowlog_format *deffmt,
                   agg_stats *pst, char *err, size_t errlen)
{
    job j;
    agg **aggs;
    int nt;
    for (int pass = 0;; pass++) {
        memset(&j, 0, sizeof j);
        j.o = o;
        j.fields_fmt = *deffmt;
        j.files = p->files;
        j.nfiles = p->nfiles;
        j.items = p->items;
        j.nitems = p->nitems;
        j.res = xcalloc(p->nitems + 1, sizeof *j.res);
        nt = ingest_nthreads(o->threads);
        /* a stream is worth more threads than items: they parse its blocks */
        bool streams = false;
        for (size_t i = 0; i < p->nitems; i++) streams |= p->items[i].kind == IT_GZIP || p->items[i].kind == IT_STREAM;
        if ((size_t)nt > p->nitems && !streams) nt = (int)p->nitems;
        if (nt < 1) nt = 1;
        j.pipe = nt > 1;
        j.avx2 = fc_simd_avx2();
        j.block = o->chunk_bytes && o->chunk_bytes < BLOCK_BYTES ? o->chunk_bytes : BLOCK_BYTES;
        j.maxbufs = 3 * (size_t)nt + 2;
        pthread_mutex_init(&j.mu, NULL);
        pthread_cond_init(&j.cv, NULL);
        aggs = xcalloc((size_t)nt, sizeof *aggs);
        thread_arg *ta = xcalloc((size_t)nt, sizeof *ta);
        pthread_t *th = xcalloc((size_t)nt, sizeof *th);
        int started = 0;
        for (int t = 0; t < nt; t++) {
            aggs[t] = agg_new();
            ta[t].j = &j;
            ta[t].a = aggs[t];
        }
        for (int t = 1; t < nt; t++) {
            if (pthread_create(&th[t], NULL, worker_main, &ta[t]) != 0) break;
            started = t;
        }
        worker_main(&ta[0]);
        for (int t = 1; t <= started; t++) pthread_join(th[t], NULL);
        free(ta);
        free(th);
        while (j.freel) {
            pblock *b = j.freel;
            j.freel = b->next;
            free(b);
        }
        pthread_mutex_destroy(&j.mu);
        pthread_cond_destroy(&j.cv);
        if (pass > 0 || !collapse_moved(p, j.res)) break;
        for (int t = 0; t < nt; t++) agg_free(aggs[t]);
        for (size_t i = 0; i < j.nitems; i++) free(j.res[i].m);
        free(j.res);
        free(aggs);
    }

    /* on every thread: one after another, the merge was a second serial pass */
    agg_absorb_all(a, aggs, (size_t)nt, nt);
    agg_stats *st = agg_stats_of(a);
    st->files += pst->files;
    st->files_skipped += pst->files_skipped;

    /* Results in input order: warnings, and the first fatal error. */
    int rc = 0;
    for (size_t fi = 0; fi < p->nfiles && !rc; fi++) {
        file_info *f = &p->files[fi];
        const char *name = strcmp(f->path, "-") == 0 ? "<stdin>" : f->path;
        uint64_t base = 0, read = 0, malformed = 0, bad_line = 0;
        const char *bad_reason = NULL;
        enum flowlog_content unread = (enum flowlog_content)f->unread;
        for (int k = 0; k < f->nitems; k++) {
            item_res *r = &j.res[f->first_item + k];
            if (r->rc) {
                if (r->rel_err) fc_err(err, errlen, "%s:%llu: %s", name, (unsigned long long)(base + r->rc_line), r->m->err);
                else fc_err(err, errlen, "%s: %s", name, r->m->err);
                rc = r->rc;
                break;
            }
            if (r->unread) unread = (enum flowlog_content)r->unread;
            if (r->m && r->m->warn[0]) {
                char msg[FC_ERRLEN + 160];
                snprintf(msg, sizeof msg, "%s: %s", name, r->m->warn);
                emit_warn(o, msg);
            }
            if (r->bad_line && !bad_line) {
                bad_line = base + r->bad_line;
                bad_reason = r->m->bad_reason;
            }
            read += r->read;
            malformed += r->malformed;
            st->bytes_in += r->bytes_in;
            base += r->lines;
        }
        if (!rc && malformed) {
            char a1[32], a2[32], msg[FC_ERRLEN + 256];
            fc_format_count(malformed, a1, sizeof a1);
            fc_format_count(read, a2, sizeof a2);
            snprintf(msg, sizeof msg, "skipped %s of %s records in %s; first at line %llu: %s", a1, a2,
                     name, (unsigned long long)bad_line, bad_reason ? bad_reason : "malformed");
            emit_warn(o, msg);
        }
        if (!rc && unread != FLC_TEXT) rc = unread_input(o, st, name, unread, err, errlen);
    }
    for (size_t i = 0; i < p->nitems; i++) free(j.res[i].m);
    free(j.res);
    free(aggs);
    return rc;
}

static int make_fields_format(const ingest_opts *o, flowlog_format *f, char *err, size_t errlen)
{
    if (!o->fields) {
        flowlog_format_default(f);
        return 0;
    }
    char why[192];
    if (o->fields_from_aws ? flowlog_format_parse(f, o->fields, strlen(o->fields), why, sizeof why)
                           : flowlog_fields_parse(f, o->fields, strlen(o->fields), why, sizeof why))
        return fc_err(err, errlen, "%s: %s", o->fields_from_aws ? "LogFormat" : "--fields", why);
    return 0;
}

static void plan_free(plan *p)
{
    for (size_t i = 0; i < p->nfiles; i++) free(p->files[i].path);
    free(p->files);
    free(p->items);
}

int ingest_paths(agg *a, const char *const *paths, size_t n, const ingest_opts *o, char *err, size_t errlen)
{
    flowlog_format deffmt;
    if (make_fields_format(o, &deffmt, err, errlen) < 0) return -1;
    int nt = ingest_nthreads(o->threads);
    plan p;
    memset(&p, 0, sizeof p);
    agg_stats pst;
    memset(&pst, 0, sizeof pst);
    for (size_t i = 0; i < n; i++) {
        if (o->seen) inputs_begin(o->seen, paths[i]);
        int rc = plan_path(&p, paths[i], o, &deffmt, nt, &pst, 0, err, errlen);
        if (o->seen) inputs_end(o->seen);
        if (rc < 0) {
            plan_free(&p);
            return -1;
        }
    }
    int rc = execute(a, &p, o, &deffmt, &pst, err, errlen);
    plan_free(&p);
    /* the same agg for any --threads; a CSV of the five keys sorts itself */
    if (!o->csv_keys_only && !o->no_canonical) agg_canonicalize_threads(a, nt);
    return rc;
}

int ingest_stream(agg *a, const char *name, ingest_read_fn rd, void *ctx, const ingest_opts *o, char *err,
                  size_t errlen)
{
    flowlog_format deffmt;
    if (make_fields_format(o, &deffmt, err, errlen) < 0) return -1;
    job j;
    memset(&j, 0, sizeof j);
    j.o = o;
    j.fields_fmt = deffmt;
    j.avx2 = fc_simd_avx2();
    file_info fi;
    memset(&fi, 0, sizeof fi);
    fi.path = (char *)name;
    fi.nitems = 1;
    item it = {IT_STREAM, 0, 0, 0, true};
    item_res res;
    memset(&res, 0, sizeof res);
    item_msgs scratch;
    memset(&scratch, 0, sizeof scratch);
    res.m = &scratch;
    j.files = &fi;
    j.nfiles = 1;
    j.items = &it;
    j.res = &res;
    j.nitems = 1;

    agg *local = agg_new();
    worker *w = worker_new(&j, local);
    w->idx = 0;
    w->r = &res;
    set_format(w, &deffmt);
    w->first_line = true;
    fd_src src = {-1, rd, ctx};
    run_stream(w, &src, false);
    flush_batch(w);
    worker_free(w);

    agg_absorb(a, local);
    agg_stats *st = agg_stats_of(a);
    st->files++;
    st->bytes_in += res.bytes_in;
    int rc = 0;
    if (res.rc) {
        if (res.rel_err) fc_err(err, errlen, "%s:%llu: %s", name, (unsigned long long)res.rc_line, res.m->err);
        else fc_err(err, errlen, "%s: %s", name, res.m->err);
        rc = res.rc;
    } else if (res.unread) {
        rc = unread_input(o, st, name, (enum flowlog_content)res.unread, err, errlen);
    } else {
        if (res.m->warn[0]) {
            char msg[FC_ERRLEN + 160];
            snprintf(msg, sizeof msg, "%s: %s", name, res.m->warn);
            emit_warn(o, msg);
        }
        if (res.malformed) {
            char a1[32], a2[32], msg[FC_ERRLEN + 256];
            fc_format_count(res.malformed, a1, sizeof a1);
            fc_format_count(res.read, a2, sizeof a2);
            snprintf(msg, sizeof msg, "skipped %s of %s records in %s; first at line %llu: %s", a1, a2, name,
                     (unsigned long long)res.bad_line, res.m->bad_reason);
            emit_warn(o, msg);
        }
    }
    agg_canonicalize(a);
    return rc;
}
