/* inputs: why a set of identities rather than a list of paths — the same
 * data reaches a run under many names (a directory and a file inside it,
 * `DIR DIR`, a symlink, a copy, an .fca built from it last week), and every
 * one of them doubles the figures silently. Device and inode catch the first
 * three; a fingerprint of the stored bytes catches copies and, recorded in
 * an .fca, survives the machine and the path the aggregate was built on.
 * The fingerprint reads at most 128 KiB a file (the first and last 64 KiB
 * and the size): flow-log files carry their ENI and timestamps in every
 * line, so two different files agreeing on all three do not occur. */
#include "inputs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fca.h"
#include "util.h"

#define FP_PART (64u << 10)

/* ---- a string → string map (open addressing; keys and values owned) ---- */

typedef struct smap {
    char **k, **v;
    size_t cap, n;
} smap;

static uint64_t str_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h ^ h >> 32;
}

static size_t smap_slot(const smap *m, const char *k)
{
    size_t i = (size_t)str_hash(k) & (m->cap - 1);
    while (m->k[i] && strcmp(m->k[i], k) != 0) i = (i + 1) & (m->cap - 1);
    return i;
}

static const char *smap_get(const smap *m, const char *k)
{
    if (!m->cap) return NULL;
    size_t i = smap_slot(m, k);
    return m->k[i] ? m->v[i] : NULL;
}

/* Adds k → v unless k is there already. */
static void smap_put(smap *m, const char *k, const char *v)
{
    if (2 * (m->n + 1) > m->cap) {
        smap old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->k = xcalloc(m->cap, sizeof *m->k);
        m->v = xcalloc(m->cap, sizeof *m->v);
        for (size_t i = 0; i < old.cap; i++)
            if (old.k[i]) {
                size_t j = smap_slot(m, old.k[i]);
                m->k[j] = old.k[i];
                m->v[j] = old.v[i];
            }
        free(old.k);
        free(old.v);
    }
    size_t i = smap_slot(m, k);
    if (m->k[i]) return;
    m->k[i] = xstrdup(k);
    m->v[i] = xstrdup(v);
    m->n++;
}

static void smap_free(smap *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        free(m->k[i]);
        free(m->v[i]);
    }
    free(m->k);
    free(m->v);
}

/* ---- the set ---- */

struct inputs {
    smap by_inode;   /* "dev:ino" → the path read under it */
    smap by_id;      /* identity → the name it was read as */
    smap covered;    /* identity → the .fca that holds it */
    smap fca_plan;   /* "dev:ino" of a preloaded .fca → "" take it, else why it is skipped */
    char **ids;      /* everything read or held by an .fca read: what a new .fca records */
    size_t n_ids, cap_ids;
    const char *arg; /* the INPUT argument being read */
    size_t arg_skips, skipped;
    char first[2048];
};

inputs *inputs_new(void)
{
    return xcalloc(1, sizeof(inputs));
}

void inputs_free(inputs *s)
{
    if (!s) return;
    smap_free(&s->by_inode);
    smap_free(&s->by_id);
    smap_free(&s->covered);
    smap_free(&s->fca_plan);
    for (size_t i = 0; i < s->n_ids; i++) free(s->ids[i]);
    free(s->ids);
    free(s);
}

static void push_id(inputs *s, const char *id)
{
    if (s->n_ids == s->cap_ids) {
        s->cap_ids = s->cap_ids ? s->cap_ids * 2 : 64;
        s->ids = xrealloc(s->ids, s->cap_ids * sizeof *s->ids);
    }
    s->ids[s->n_ids++] = xstrdup(id);
}

const char *const *inputs_ids(const inputs *s, size_t *n)
{
    *n = s->n_ids;
    return (const char *const *)s->ids;
}

size_t inputs_skipped(const inputs *s)
{
    return s->skipped;
}

/* ---- fingerprints ---- */

static uint64_t hash_final(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

/* Two hashes of p[0..n) (seeds h1, h2; multipliers m1, m2) in one loop:
 * each is a chain of dependent multiplies, so the two run side by side
 * (the fingerprint of every small file of a directory is on the planning
 * thread). The values are those of hashing twice, which .fca files
 * already record. */
static void hash_bytes2(const unsigned char *p, size_t n, uint64_t *h1, uint64_t m1, uint64_t *h2, uint64_t m2)
{
    uint64_t a = *h1, b = *h2;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        a = (a ^ w) * m1;
        b = (b ^ w) * m2;
        a ^= a >> 31;
        b ^= b >> 31;
    }
    for (; i < n; i++) {
        a = (a ^ p[i]) * m1;
        b = (b ^ p[i]) * m2;
    }
    *h1 = hash_final(a);
    *h2 = hash_final(b);
}

static ssize_t pread_full(int fd, unsigned char *buf, size_t n, off_t at)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, buf + got, n - got, at + (off_t)got);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return -1;
        if (k == 0) break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

int inputs_file_id(int fd, uint64_t size, char *out, size_t outlen)
{
    unsigned char *buf = xmalloc(2 * FP_PART);
    size_t head = size < FP_PART ? (size_t)size : FP_PART, tail = 0;
    ssize_t k = pread_full(fd, buf, head, 0);
    if (k >= 0 && size > FP_PART) {
        /* the last 64 KiB, not overlapping the first */
        uint64_t at = size - FP_PART < FP_PART ? FP_PART : size - FP_PART;
        tail = (size_t)(size - at);
        ssize_t t = pread_full(fd, buf + head, tail, (off_t)at);
        if (t < 0) k = -1;
        else tail = (size_t)t;
    }
    if (k < 0) {
        free(buf);
        return -1;
    }
    size_t n = (size_t)k + tail;
    uint64_t h1 = 0x9E3779B97F4A7C15ULL ^ size, h2 = 0xC2B2AE3D27D4EB4FULL + size;
    hash_bytes2(buf, n, &h1, 0x100000001b3ULL, &h2, 0x9E3779B97F4A7C15ULL);
    free(buf);
    snprintf(out, outlen, "file:%llu:%016llx%016llx", (unsigned long long)size, (unsigned long long)h1,
             (unsigned long long)h2);
    return 0;
}

/* ---- skips and their warning ---- */

static void warn_line(const char *msg) { fc_print_line("flowcost: warning: ", msg); }

static void skip(inputs *s, const char *name, const char *why, const char *other)
{
    if (!s->arg_skips++) snprintf(s->first, sizeof s->first, "'%.900s' (%s '%.900s')", name, why, other);
    s->skipped++;
}

void inputs_begin(inputs *s, const char *arg)
{
    s->arg = arg;
    s->arg_skips = 0;
    s->first[0] = '\0';
}

void inputs_end(inputs *s)
{
    char msg[2600];
    if (s->arg_skips == 1)
        snprintf(msg, sizeof msg, "skipped %s: each input is read once", s->first);
    else if (s->arg_skips > 1)
        snprintf(msg, sizeof msg, "skipped %zu inputs of '%.400s': each input is read once; the first: %s",
                 s->arg_skips, s->arg ? s->arg : "", s->first);
    /* not hidden by -q: the figures leave these inputs out */
    if (s->arg_skips) warn_line(msg);
    s->arg_skips = 0;
    s->arg = NULL;
}

/* ---- .fca inputs ---- */

/* Take (0), skip (1, why filled) or refuse (-1) an .fca holding ids. */
static int add_fca(inputs *s, const char *name, char **ids, size_t n, char *why,
                   size_t whylen, char *err, size_t errlen)
{
    size_t in = 0;
    const char *where = NULL, *example = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *w = smap_get(&s->covered, ids[i]);
        if (!w) w = smap_get(&s->by_id, ids[i]);
        if (w) {
            in++;
            if (!where) {
                where = w;
                example = ids[i];
            }
        }
    }
    if (n && in == n) {
        snprintf(why, whylen, "%s", where);
        return 1;
    }
    if (in)
        return fc_err(err, errlen,
                      "'%s' holds %zu of its %zu inputs a second time (already read from '%s', e.g. %s): "
                      "merging it would count them twice; aggregate the files again, or give the aggregates "
                      "that do not overlap",
                      name, in, n, where, example);
    for (size_t i = 0; i < n; i++) {
        smap_put(&s->covered, ids[i], name);
        push_id(s, ids[i]);
    }
    return 0;
}

static int load_fca_ids(const char *path, char ***ids, size_t *n, char *err, size_t errlen)
{
    char *data;
    size_t len;
    char e[FC_ERRLEN];
    if (fc_read_file(path, &data, &len, err, errlen) < 0) return -1;
    int rc = fca_inputs(data, len, ids, n, e, sizeof e);
    free(data);
    if (rc < 0) return fc_err(err, errlen, "%s: %s", path, e);
    return 0;
}

static void inode_key(const struct stat *sb, char *out, size_t n)
{
    snprintf(out, n, "%llu:%llu", (unsigned long long)sb->st_dev, (unsigned long long)sb->st_ino);
}

typedef struct pre_fca {
    const char *path;
    char key[64];
    char **ids;
    size_t n, order;
} pre_fca;

FC_COMPARATOR(cmp_pre, pre_fca, FC_DESC(n) FC_ASC(order))

int inputs_preload(inputs *s, const char *const *paths, size_t n, char *err, size_t errlen)
{
    pre_fca *v = xcalloc(n + 1, sizeof *v);
    size_t nv = 0;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        struct stat sb;
        char magic[FCA_MAGIC_LEN];
        if (strcmp(paths[i], "-") == 0 || stat(paths[i], &sb) < 0 || !S_ISREG(sb.st_mode)) continue;
        int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue; /* reading it reports the error */
        ssize_t k = pread_full(fd, (unsigned char *)magic, sizeof magic, 0);
        close(fd);
        if (k != (ssize_t)sizeof magic || !fca_is(magic, sizeof magic)) continue;
        pre_fca *p = &v[nv];
        p->path = paths[i];
        p->order = i;
        inode_key(&sb, p->key, sizeof p->key);
        bool again = false;
        for (size_t j = 0; j < nv; j++) again |= strcmp(v[j].key, p->key) == 0;
        if (again) continue; /* the same file twice: the second is skipped by inode */
        if (load_fca_ids(paths[i], &p->ids, &p->n, err, errlen) < 0) rc = -1;
        nv++;
    }
    /* the largest first, so that one holding all of another is taken and the
     * smaller one skipped, whatever their order on the command line */
    if (!rc && nv) qsort(v, nv, sizeof *v, cmp_pre);
    for (size_t i = 0; i < nv && !rc; i++) {
        char why[1024];
        int r = add_fca(s, v[i].path, v[i].ids, v[i].n, why, sizeof why, err, errlen);
        if (r < 0) rc = -1;
        else if (r == 1) smap_put(&s->fca_plan, v[i].key, why);
        else smap_put(&s->fca_plan, v[i].key, "");
    }
    for (size_t i = 0; i < nv; i++) fca_inputs_free(v[i].ids, v[i].n);
    free(v);
    return rc;
}

int inputs_claim_file(inputs *s, const char *path, char *err, size_t errlen)
{
    struct stat sb;
    if (stat(path, &sb) < 0) return 1; /* reading it reports the error */
    /* a FIFO or device is not opened here: a second open of a pipe would
     * race its writer */
    int fd = S_ISREG(sb.st_mode) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (S_ISREG(sb.st_mode) && (fd < 0 || fstat(fd, &sb) < 0)) {
        if (fd >= 0) close(fd);
        return 1;
    }
    char key[64], id[128] = "";
    inode_key(&sb, key, sizeof key);
    const char *plan = smap_get(&s->fca_plan, key);
    const char *prev = smap_get(&s->by_inode, key);
    int rc = 1;
    if (prev) {
        skip(s, path, "the same file as", prev);
        rc = 0;
    } else if (plan && *plan) {
        skip(s, path, "everything in it is already in", plan);
        rc = 0;
    } else if (fd >= 0 && sb.st_size > 0 && inputs_file_id(fd, (uint64_t)sb.st_size, id, sizeof id) == 0) {
        const char *in = smap_get(&s->covered, id), *same = smap_get(&s->by_id, id);
        char magic[FCA_MAGIC_LEN];
        if (in) {
            skip(s, path, "already in", in);
            rc = 0;
        } else if (same) {
            skip(s, path, "the same bytes as", same);
            rc = 0;
        } else if (!plan && pread_full(fd, (unsigned char *)magic, sizeof magic, 0) == (ssize_t)sizeof magic &&
                   fca_is(magic, sizeof magic)) {
            /* an .fca found inside a directory: decided when met */
            char **ids;
            size_t n;
            char why[1024];
            if (load_fca_ids(path, &ids, &n, err, errlen) < 0) {
                rc = -1;
            } else {
                int r = add_fca(s, path, ids, n, why, sizeof why, err, errlen);
                if (r < 0) rc = -1;
                else if (r == 1) {
                    skip(s, path, "everything in it is already in", why);
                    rc = 0;
                }
                fca_inputs_free(ids, n);
            }
        }
    }
    if (rc == 1) {
        smap_put(&s->by_inode, key, path);
        if (*id) {
            smap_put(&s->by_id, id, path);
            push_id(s, id);
        }
    }
    if (fd >= 0) close(fd);
    return rc;
}

bool inputs_claim_s3(inputs *s, const char *bucket, const char *key, uint64_t size)
{
    dbuf b;
    dbuf_init(&b, 0);
    dbuf_printf(&b, "s3://%s/%s", bucket, key);
    char *name = dbuf_take(&b, NULL);
    dbuf_init(&b, 0);
    dbuf_printf(&b, "%s#%llu", name, (unsigned long long)size);
    char *id = dbuf_take(&b, NULL);
    bool take = true;
    const char *in = smap_get(&s->covered, id), *same = smap_get(&s->by_id, id);
    if (in) {
        skip(s, name, "already in", in);
        take = false;
    } else if (same) {
        skip(s, name, "already read under", same);
        take = false;
    } else {
        smap_put(&s->by_id, id, s->arg ? s->arg : name);
        push_id(s, id);
    }
    free(id);
    free(name);
    return take;
}
