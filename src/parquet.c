/* parquet: why this shape — a flow-log file is flat (one leaf per field),
 * so the reader keeps no schema tree: leaves map to flow-log fields by
 * name, a row group's projected columns are decoded into per-column value
 * arrays (nulls as a flag), and rows are then written out as text lines for
 * the text parser. Column chunks are read whole (pread, or a view into the
 * caller's memory) because pages have no index worth using here. Every
 * size read from the file is checked against the bytes actually there
 * before it is used, and allocations grow with decoded pages rather than
 * with counts the file claims. */
#include "parquet.h"

#include <errno.h>
#include <limits.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "gz.h"
#include "util.h"

#define FOOTER_MAX (16u << 20)       /* FileMetaData bigger than this is not a flow log */
#define MAX_ROW_GROUPS (1u << 20)
#define PAGE_MAX (256u << 20)        /* one decompressed page */
#define CHUNK_MAX (1u << 30)         /* one column chunk */
#define RG_VALUES_MAX (1u << 25)     /* projected columns x rows of one row group (~40 bytes each) */
#define THRIFT_DEPTH 24
#define MAX_LEAVES 4096

enum { T_BOOLEAN, T_INT32, T_INT64, T_INT96, T_FLOAT, T_DOUBLE, T_BYTE_ARRAY, T_FLBA };
enum { C_UNCOMPRESSED, C_SNAPPY, C_GZIP, C_LZO, C_BROTLI, C_LZ4, C_ZSTD, C_LZ4_RAW };
enum { E_PLAIN = 0, E_PLAIN_DICT = 2, E_RLE = 3, E_BIT_PACKED = 4, E_DBP = 5, E_DLBA = 6, E_DBA = 7, E_RLE_DICT = 8 };
enum { PT_DATA = 0, PT_INDEX = 1, PT_DICT = 2, PT_DATA_V2 = 3 };
/* compact protocol element types */
enum { CT_STOP, CT_TRUE, CT_FALSE, CT_BYTE, CT_I16, CT_I32, CT_I64, CT_DOUBLE, CT_BINARY, CT_LIST, CT_SET, CT_MAP, CT_STRUCT,
       CT_UUID };

static const char *const codec_names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
static const char *const type_names[] = {"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
                                         "FIXED_LEN_BYTE_ARRAY"};

typedef struct pq_leaf {
    char name[64];
    int type, type_length;
    bool optional;
    int field; /* enum flowlog_field of a projected leaf, else -1 */
    /* For parquet_cols (files opened with parquet_open_*_any): how the
     * value reads as text. */
    int8_t ts_unit;     /* a timestamp in 1: ms, 2: us, 3: ns (INT64), 4: INT96; 0: not one */
    bool date, nested;  /* DATE (INT32 days); a leaf inside a group (not addressable) */
    int scale;          /* DECIMAL's, else -1 */
} pq_leaf;

typedef struct pq_chunk {
    int type, codec;
    int64_t num_values, data_off, dict_off, csize;
    bool has_meta, external, encrypted;
} pq_chunk;

typedef struct pq_rg {
    int64_t num_rows;
    pq_chunk *chunks;
    size_t nchunks;
} pq_rg;

struct parquet_file {
    const uint8_t *mem; /* NULL: read from fd */
    int fd;
    uint64_t size;
    pq_leaf *leaves;
    size_t nleaves;
    pq_rg *rgs;
    size_t nrgs;
    int64_t num_rows;
    int proj[FLOWLOG_MAX_FIELDS]; /* leaf index of format column i */
    int nproj;
    flowlog_format fmt;
    bool any; /* opened by parquet_open_*_any: no flow-log projection (parquet_cols) */
};

bool parquet_is(const void *data, size_t len)
{
    return len >= 4 && memcmp(data, "PAR1", 4) == 0;
}

/* The one varint reader (Thrift's and the encodings' ULEB128): 0, -1 when
 * the bytes end first, -2 past 64 bits. */
static int uleb(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    *v = 0; /* set on every path: callers' locals never look uninitialised */
    for (int shift = 0; shift < 64; shift += 7) {
        if (*p >= end) return -1;
        uint8_t b = *(*p)++;
        if (shift == 63 && b > 1) return -2;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -2;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ------------------------------------------------------------ thrift */

typedef struct tr {
    const uint8_t *p, *end;
    int depth;
    char *err;
    size_t errlen;
} tr;

static int tr_fail(tr *t, const char *what)
{
    return fc_err(t->err, t->errlen, "%s", what);
}

static int tr_uvarint(tr *t, uint64_t *v)
{
    int rc = uleb(&t->p, t->end, v);
    return rc == 0 ? 0 : tr_fail(t, rc == -1 ? "truncated varint" : "varint overflow");
}

static int tr_zigzag(tr *t, int64_t *v)
{
    uint64_t u;
    if (tr_uvarint(t, &u) < 0) return -1;
    *v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
    return 0;
}

static int tr_skip(tr *t, int type, bool in_list);

static int tr_binary(tr *t, const uint8_t **p, size_t *n)
{
    uint64_t len;
    if (tr_uvarint(t, &len) < 0) return -1;
    if (len > (uint64_t)(t->end - t->p)) return tr_fail(t, "string runs past the end of its data");
    *p = t->p;
    *n = (size_t)len;
    t->p += len;
    return 0;
}

static int tr_list(tr *t, int *etype, size_t *n)
{
    if (t->p >= t->end) return tr_fail(t, "truncated list header");
    uint8_t b = *t->p++;
    uint64_t size = b >> 4;
    if (size == 15 && tr_uvarint(t, &size) < 0) return -1;
    *etype = b & 15;
    if (*etype == CT_STOP || *etype > CT_UUID) return tr_fail(t, "bad list element type");
    /* every element takes at least one byte: a count beyond the bytes left is a lie */
    if (size > (uint64_t)(t->end - t->p)) return tr_fail(t, "list longer than its data");
    *n = (size_t)size;
    return 0;
}

/* The next field header: 1 and its id/type, 0 at the struct's end, -1. */
static int tr_field(tr *t, int16_t *last, int *type, int16_t *id)
{
    if (t->p >= t->end) return tr_fail(t, "truncated struct");
    uint8_t b = *t->p++;
    if (b == 0) return 0;
    *type = b & 15;
    if (*type > CT_UUID) return tr_fail(t, "bad field type");
    int delta = b >> 4;
    if (delta) {
        *id = (int16_t)(*last + delta);
    } else {
        int64_t v;
        if (tr_zigzag(t, &v) < 0) return -1;
        if (v < INT16_MIN || v > INT16_MAX) return tr_fail(t, "bad field id");
        *id = (int16_t)v;
    }
    *last = *id;
    return 1;
}

static int tr_skip_struct(tr *t)
{
    if (++t->depth > THRIFT_DEPTH) return tr_fail(t, "structures nested too deep");
    int16_t last = 0, id = 0;
    int type = 0, r;
    while ((r = tr_field(t, &last, &type, &id)) > 0)
        if (tr_skip(t, type, false) < 0) return -1;
    t->depth--;
    return r;
}

static int tr_skip(tr *t, int type, bool in_list)
{
    uint64_t u;
    switch (type) {
    case CT_TRUE:
    case CT_FALSE:
        if (!in_list) return 0; /* a field's value is in its header */
        __attribute__((fallthrough)); /* in a list a bool is one byte */
    case CT_BYTE:
        if (t->p >= t->end) return tr_fail(t, "truncated value");
        t->p++;
        return 0;
    case CT_I16:
    case CT_I32:
    case CT_I64:
        return tr_uvarint(t, &u);
    case CT_DOUBLE:
        if (t->end - t->p < 8) return tr_fail(t, "truncated value");
        t->p += 8;
        return 0;
    case CT_UUID:
        if (t->end - t->p < 16) return tr_fail(t, "truncated value");
        t->p += 16;
        return 0;
    case CT_BINARY: {
        const uint8_t *p;
        size_t n;
        return tr_binary(t, &p, &n);
    }
    case CT_LIST:
    case CT_SET: {
        int et;
        size_t n;
        if (tr_list(t, &et, &n) < 0) return -1;
        if (++t->depth > THRIFT_DEPTH) return tr_fail(t, "structures nested too deep");
        for (size_t i = 0; i < n; i++)
            if (tr_skip(t, et, true) < 0) return -1;
        t->depth--;
        return 0;
    }
    case CT_MAP: {
        if (tr_uvarint(t, &u) < 0) return -1;
        if (u == 0) return 0;
        if (t->p >= t->end) return tr_fail(t, "truncated map header");
        uint8_t kv = *t->p++;
        int kt = kv >> 4, vt = kv & 15;
        if (kt == CT_STOP || kt > CT_UUID || vt == CT_STOP || vt > CT_UUID) return tr_fail(t, "bad map types");
        if (u > (uint64_t)(t->end - t->p) / 2) return tr_fail(t, "map longer than its data");
        if (++t->depth > THRIFT_DEPTH) return tr_fail(t, "structures nested too deep");
        for (uint64_t i = 0; i < u; i++)
            if (tr_skip(t, kt, true) < 0 || tr_skip(t, vt, true) < 0) return -1;
        t->depth--;
        return 0;
    }
    case CT_STRUCT:
        return tr_skip_struct(t);
    default:
        return tr_fail(t, "bad value type");
    }
}

/* An integer field of any integer type; another type is skipped and
 * leaves *v alone (a corrupt file then fails a later check). */
static int tr_int(tr *t, int type, int64_t *v)
{
    if (type == CT_BYTE) {
        if (t->p >= t->end) return tr_fail(t, "truncated value");
        *v = (int8_t)*t->p++;
        return 0;
    }
    if (type == CT_I16 || type == CT_I32 || type == CT_I64) return tr_zigzag(t, v);
    return tr_skip(t, type, false);
}

int parquet_thrift_skip_struct(const uint8_t *p, size_t n, size_t *used, char *err, size_t errlen)
{
    tr t = {p, p + n, 0, err, errlen};
    if (tr_skip_struct(&t) < 0) return -1;
    *used = (size_t)(t.p - p);
    return 0;
}

/* A struct whose fields go to a handler; the handler reads or skips the
 * field's value. */
typedef int (*field_fn)(tr *t, void *ctx, int16_t id, int type);

static int tr_struct(tr *t, void *ctx, field_fn fn)
{
    if (++t->depth > THRIFT_DEPTH) return tr_fail(t, "structures nested too deep");
    int16_t last = 0, id = 0;
    int type = 0, r;
    while ((r = tr_field(t, &last, &type, &id)) > 0)
        if (fn(t, ctx, id, type) < 0) return -1;
    t->depth--;
    return r;
}

/* ------------------------------------------------------------ metadata */

typedef struct schema_el {
    int64_t type, type_length, repetition, num_children;
    int64_t converted, scale; /* ConvertedType, DECIMAL scale (field 7) */
    int ts_unit;              /* LogicalType TIMESTAMP's unit: 1 ms, 2 us, 3 ns */
    bool date, decimal;       /* LogicalType DATE / DECIMAL */
    const uint8_t *name;
    size_t name_len;
    bool has_name;
} schema_el;

/* LogicalType (a union): TIMESTAMP{2: unit{1 MILLIS, 2 MICROS, 3 NANOS}},
 * DATE, DECIMAL{1: scale}; the rest is not needed to print a value. */
static int on_ts_unit(tr *t, void *ctx, int16_t id, int type)
{
    schema_el *s = ctx;
    if (id >= 1 && id <= 3) s->ts_unit = id;
    return tr_skip(t, type, false);
}

static int on_ts(tr *t, void *ctx, int16_t id, int type)
{
    return id == 2 && type == CT_STRUCT ? tr_struct(t, ctx, on_ts_unit) : tr_skip(t, type, false);
}

static int on_decimal(tr *t, void *ctx, int16_t id, int type)
{
    schema_el *s = ctx;
    return id == 1 ? tr_int(t, type, &s->scale) : tr_skip(t, type, false);
}

static int on_logical(tr *t, void *ctx, int16_t id, int type)
{
    schema_el *s = ctx;
    if (type != CT_STRUCT) return tr_skip(t, type, false);
    switch (id) {
    case 5: s->decimal = true; return tr_struct(t, s, on_decimal);
    case 6: s->date = true; return tr_skip(t, type, false);
    case 8: return tr_struct(t, s, on_ts);
    default: return tr_skip(t, type, false);
    }
}

static int on_schema_el(tr *t, void *ctx, int16_t id, int type)
{
    schema_el *s = ctx;
    switch (id) {
    case 1: return tr_int(t, type, &s->type);
    case 2: return tr_int(t, type, &s->type_length);
    case 3: return tr_int(t, type, &s->repetition);
    case 5: return tr_int(t, type, &s->num_children);
    case 6: return tr_int(t, type, &s->converted);
    case 7: return tr_int(t, type, &s->scale);
    case 10: return type == CT_STRUCT ? tr_struct(t, s, on_logical) : tr_skip(t, type, false);
    case 4:
        if (type != CT_BINARY) return tr_skip(t, type, false);
        s->has_name = true;
        return tr_binary(t, &s->name, &s->name_len);
    default: return tr_skip(t, type, false);
    }
}

static int on_col_meta(tr *t, void *ctx, int16_t id, int type)
{
    pq_chunk *c = ctx;
    int64_t v = -1;
    switch (id) {
    case 1: if (tr_int(t, type, &v) < 0) return -1; c->type = (int)(v < 0 || v > T_FLBA ? -1 : v); return 0;
    case 4: if (tr_int(t, type, &v) < 0) return -1; c->codec = (int)(v < 0 || v > 100 ? 100 : v); return 0;
    case 5: return tr_int(t, type, &c->num_values);
    case 7: return tr_int(t, type, &c->csize);
    case 9: return tr_int(t, type, &c->data_off);
    case 11: return tr_int(t, type, &c->dict_off);
    default: return tr_skip(t, type, false);
    }
}

static int on_chunk(tr *t, void *ctx, int16_t id, int type)
{
    pq_chunk *c = ctx;
    switch (id) {
    case 1: c->external = true; return tr_skip(t, type, false);
    case 3:
        if (type != CT_STRUCT) return tr_skip(t, type, false);
        c->has_meta = true;
        return tr_struct(t, c, on_col_meta);
    case 8:
    case 9: c->encrypted = true; return tr_skip(t, type, false);
    default: return tr_skip(t, type, false);
    }
}

static int on_row_group(tr *t, void *ctx, int16_t id, int type)
{
    pq_rg *rg = ctx;
    if (id == 3) return tr_int(t, type, &rg->num_rows);
    if (id != 1 || type != CT_LIST || rg->chunks) return tr_skip(t, type, false);
    int et;
    size_t n;
    if (tr_list(t, &et, &n) < 0) return -1;
    if (et != CT_STRUCT) return tr_fail(t, "row group columns are not structs");
    if (n > MAX_LEAVES) return tr_fail(t, "too many columns");
    rg->chunks = xcalloc(n ? n : 1, sizeof *rg->chunks);
    rg->nchunks = n;
    for (size_t i = 0; i < n; i++) {
        pq_chunk *c = &rg->chunks[i];
        c->type = c->codec = -1;
        c->num_values = c->data_off = c->dict_off = c->csize = -1;
        if (tr_struct(t, c, on_chunk) < 0) return -1;
        /* checked here, not later: an empty struct is one byte, its slot is not */
        if (!c->has_meta && !c->encrypted) return tr_fail(t, "a column chunk without metadata");
    }
    return 0;
}

typedef struct file_meta {
    parquet_file *f;
    schema_el *schema;
    size_t nschema;
    bool has_schema, has_rgs;
} file_meta;

static int on_file_meta(tr *t, void *ctx, int16_t id, int type)
{
    file_meta *m = ctx;
    parquet_file *f = m->f;
    int et;
    size_t n;
    switch (id) {
    case 2:
        if (type != CT_LIST || m->has_schema) return tr_skip(t, type, false);
        if (tr_list(t, &et, &n) < 0) return -1;
        if (et != CT_STRUCT) return tr_fail(t, "schema elements are not structs");
        if (n > MAX_LEAVES + 1) return tr_fail(t, "too many schema elements");
        m->has_schema = true;
        m->schema = xcalloc(n ? n : 1, sizeof *m->schema);
        m->nschema = n;
        for (size_t i = 0; i < n; i++) {
            schema_el *s = &m->schema[i];
            s->type = s->type_length = s->repetition = s->converted = s->scale = -1;
            if (tr_struct(t, s, on_schema_el) < 0) return -1;
        }
        return 0;
    case 3: return tr_int(t, type, &f->num_rows);
    case 4:
        if (type != CT_LIST || m->has_rgs) return tr_skip(t, type, false);
        if (tr_list(t, &et, &n) < 0) return -1;
        if (et != CT_STRUCT) return tr_fail(t, "row groups are not structs");
        if (n > MAX_ROW_GROUPS) return tr_fail(t, "too many row groups");
        m->has_rgs = true;
        f->rgs = xcalloc(n ? n : 1, sizeof *f->rgs);
        for (size_t i = 0; i < n; i++) {
            f->rgs[i].num_rows = -1;
            f->nrgs = i + 1; /* freed by parquet_close even when this one fails */
            if (tr_struct(t, &f->rgs[i], on_row_group) < 0) return -1;
        }
        return 0;
    default: return tr_skip(t, type, false);
    }
}

void parquet_close(parquet_file *f)
{
    if (!f) return;
    for (size_t i = 0; i < f->nrgs; i++) free(f->rgs[i].chunks);
    free(f->rgs);
    free(f->leaves);
    free(f);
}

/* Which fields a run reads (the others — tcp-flags, type, sublocations,
 * ECS, reject-reason — only cost time). version is not used either, but
 * kept: with it the default layout's columns start the line and the text
 * parser takes its faster path for them (the cheapest column to decode). */
static bool field_used(int fl)
{
    switch (fl) {
    case FLF_TCP_FLAGS: case FLF_TYPE: case FLF_SUBLOCATION_TYPE:
    case FLF_SUBLOCATION_ID: case FLF_OPAQUE: case FLF_REJECT_REASON:
        return false;
    default:
        return !(fl >= FLF_ECS_CLUSTER_ARN && fl <= FLF_ECS_TASK_ID);
    }
}

/* A leaf's name (kept printable: names go into messages) and type. */
static int leaf_init(pq_leaf *l, const schema_el *s, char *err, size_t errlen)
{
    l->field = -1;
    size_t nl = s->name_len < sizeof l->name ? s->name_len : sizeof l->name - 1;
    if (s->has_name) memcpy(l->name, s->name, nl);
    for (size_t k = 0; k < nl; k++)
        if ((unsigned char)l->name[k] < 0x20 || (unsigned char)l->name[k] >= 0x7f) l->name[k] = '?';
    if (s->type < T_BOOLEAN || s->type > T_FLBA) return fc_err(err, errlen, "bad footer: column '%s' has no valid type", l->name);
    l->type = (int)s->type;
    l->type_length = (int)(s->type_length > 0 && s->type_length <= PARQUET_MAX_VALUE ? s->type_length : 0);
    l->optional = s->repetition == 1;
    return 0;
}

static int check_rgs(const parquet_file *f, char *err, size_t errlen)
{
    for (size_t g = 0; g < f->nrgs; g++) {
        const pq_rg *rg = &f->rgs[g];
        if (rg->num_rows < 0) return fc_err(err, errlen, "bad footer: row group %zu has no row count", g);
        if (rg->nchunks != f->nleaves)
            return fc_err(err, errlen, "bad footer: row group %zu has %zu columns, the schema %zu", g, rg->nchunks,
                          f->nleaves);
    }
    return 0;
}

static int setup_schema(parquet_file *f, file_meta *m, char *err, size_t errlen)
{
    if (!m->has_schema || m->nschema < 2) return fc_err(err, errlen, "bad footer: no columns in the schema");
    if (!m->has_rgs) return fc_err(err, errlen, "bad footer: no row group list");
    if (m->schema[0].num_children != (int64_t)m->nschema - 1)
        return fc_err(err, errlen, "unsupported schema: nested columns");
    f->nleaves = m->nschema - 1;
    f->leaves = xcalloc(f->nleaves, sizeof *f->leaves);
    dbuf names;
    dbuf_init(&names, 0);
    int rc = 0;
    for (size_t i = 0; i < f->nleaves && !rc; i++) {
        schema_el *s = &m->schema[i + 1];
        pq_leaf *l = &f->leaves[i];
        if (s->num_children > 0) {
            leaf_init(l, s, err, errlen);
            rc = fc_err(err, errlen, "unsupported schema: column '%s' is a group", l->name);
            break;
        }
        if ((rc = leaf_init(l, s, err, errlen)) < 0) break;
        char nm[64];
        memcpy(nm, l->name, sizeof nm);
        for (char *c = nm; *c; c++)
            if (*c == '_') *c = '-';
        enum flowlog_field fl = flowlog_field_lookup(nm, strlen(nm));
        if (!field_used((int)fl)) continue;
        if (s->repetition == 2) {
            rc = fc_err(err, errlen, "unsupported schema: column '%s' is repeated", l->name);
            break;
        }
        if (l->type == T_INT96 || l->type == T_FLOAT || l->type == T_DOUBLE) {
            rc = fc_err(err, errlen, "column '%s' has type %s, not an integer or a string", l->name,
                        type_names[l->type]);
            break;
        }
        if (l->type == T_FLBA && l->type_length <= 0) {
            rc = fc_err(err, errlen, "bad footer: column '%s' has no valid length", l->name);
            break;
        }
        bool dup = false;
        for (int k = 0; k < f->nproj; k++)
            if (f->leaves[f->proj[k]].field == (int)fl) dup = true;
        if (dup || f->nproj == FLOWLOG_MAX_FIELDS) continue; /* the first column of a name wins */
        l->field = (int)fl;
        f->proj[f->nproj++] = (int)i;
        dbuf_printf(&names, "%s%s", f->nproj > 1 ? " " : "", flowlog_field_name(fl));
    }
    if (!rc && f->nproj == 0)
        rc = fc_err(err, errlen, "no flow-log columns (such as interface_id, srcaddr, bytes)");
    if (!rc) {
        char why[192];
        if (flowlog_format_parse(&f->fmt, names.data, names.len, why, sizeof why) < 0)
            rc = fc_err(err, errlen, "columns: %s", why);
    }
    dbuf_free(&names);
    if (rc) return rc;
    return check_rgs(f, err, errlen);
}

/* Every leaf of any schema, nested ones too (their column chunks count),
 * for parquet_cols; only top-level leaves can be read. The elements are
 * the tree in preorder: `left` holds the children still to come at each
 * depth. */
static int setup_schema_any(parquet_file *f, file_meta *m, char *err, size_t errlen)
{
    enum { DEPTH = 32 };
    if (!m->has_schema || m->nschema < 2 || m->schema[0].num_children < 1)
        return fc_err(err, errlen, "bad footer: no columns in the schema");
    if (!m->has_rgs) return fc_err(err, errlen, "bad footer: no row group list");
    f->leaves = xcalloc(m->nschema, sizeof *f->leaves);
    int64_t left[DEPTH];
    int depth = 0;
    left[0] = m->schema[0].num_children;
    for (size_t i = 1; i < m->nschema; i++) {
        while (depth > 0 && left[depth] == 0) depth--;
        if (left[depth] == 0) return fc_err(err, errlen, "bad footer: %zu schema elements beyond the tree", m->nschema - i);
        left[depth]--;
        const schema_el *s = &m->schema[i];
        if (s->num_children > 0) {
            if (depth + 1 == DEPTH) return fc_err(err, errlen, "unsupported schema: groups nested too deep");
            left[++depth] = s->num_children;
            continue;
        }
        pq_leaf *l = &f->leaves[f->nleaves++];
        if (leaf_init(l, s, err, errlen) < 0) return -1;
        l->nested = depth > 0 || s->repetition == 2;
        l->ts_unit = l->type == T_INT96 ? 4 : s->ts_unit ? (int8_t)s->ts_unit
                     : s->converted == 9 ? 1 : s->converted == 10 ? 2 : 0; /* TIMESTAMP_MILLIS / _MICROS */
        l->date = s->date || s->converted == 6;
        l->scale = s->decimal || s->converted == 5 ? (int)(s->scale >= 0 && s->scale <= 38 ? s->scale : 0) : -1;
    }
    while (depth > 0 && left[depth] == 0) depth--;
    if (left[depth] != 0) return fc_err(err, errlen, "bad footer: the schema tree lacks %lld elements", (long long)left[depth]);
    return check_rgs(f, err, errlen);
}

static int parse_footer(parquet_file *f, const uint8_t *p, size_t n, char *err, size_t errlen)
{
    char why[FC_ERRLEN];
    tr t = {p, p + n, 0, why, sizeof why};
    file_meta m = {f, NULL, 0, false, false};
    f->num_rows = -1;
    int rc = tr_struct(&t, &m, on_file_meta);
    if (rc < 0) rc = fc_err(err, errlen, "bad footer: %s", why);
    else rc = f->any ? setup_schema_any(f, &m, err, errlen) : setup_schema(f, &m, err, errlen);
    free(m.schema);
    return rc;
}

static int check_tail(const uint8_t tail[8], uint64_t size, uint32_t *flen, char *err, size_t errlen)
{
    if (memcmp(tail + 4, "PARE", 4) == 0) return fc_err(err, errlen, "encrypted Parquet files are not supported");
    if (memcmp(tail + 4, "PAR1", 4) != 0) return fc_err(err, errlen, "bad footer: no PAR1 magic at the end (truncated file?)");
    uint32_t len = le32(tail);
    if (len == 0 || len > size - 12 || len > FOOTER_MAX)
        return fc_err(err, errlen, "bad footer: length %u does not fit a file of %llu bytes", len,
                      (unsigned long long)size);
    *flen = len;
    return 0;
}

static parquet_file *open_mem(const void *data, size_t len, bool any, char *err, size_t errlen)
{
    const uint8_t *d = data;
    if (len < 12 || !parquet_is(d, len)) {
        fc_err(err, errlen, "bad footer: too short for a Parquet file (%zu bytes)", len);
        return NULL;
    }
    uint32_t flen;
    if (check_tail(d + len - 8, len, &flen, err, errlen) < 0) return NULL;
    parquet_file *f = xcalloc(1, sizeof *f);
    f->mem = d;
    f->fd = -1;
    f->size = len;
    f->any = any;
    if (parse_footer(f, d + len - 8 - flen, flen, err, errlen) < 0) {
        parquet_close(f);
        return NULL;
    }
    return f;
}

static int pread_full(int fd, void *buf, size_t n, uint64_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        got += (size_t)k;
    }
    return 0;
}

static parquet_file *open_fd(int fd, bool any, char *err, size_t errlen)
{
    struct stat sb;
    if (fstat(fd, &sb) < 0) {
        fc_err(err, errlen, "cannot stat: %s", strerror(errno));
        return NULL;
    }
    uint64_t size = (uint64_t)sb.st_size;
    uint8_t tail[8], head[4];
    if (size < 12) {
        fc_err(err, errlen, "bad footer: too short for a Parquet file (%llu bytes)", (unsigned long long)size);
        return NULL;
    }
    if (pread_full(fd, head, 4, 0) < 0 || pread_full(fd, tail, 8, size - 8) < 0) {
        fc_err(err, errlen, "read error: %s", errno ? strerror(errno) : "file shrank");
        return NULL;
    }
    if (!parquet_is(head, 4)) {
        fc_err(err, errlen, "bad footer: no PAR1 magic at the start");
        return NULL;
    }
    uint32_t flen;
    if (check_tail(tail, size, &flen, err, errlen) < 0) return NULL;
    uint8_t *footer = xmalloc(flen);
    if (pread_full(fd, footer, flen, size - 8 - flen) < 0) {
        free(footer);
        fc_err(err, errlen, "read error: %s", errno ? strerror(errno) : "file shrank");
        return NULL;
    }
    parquet_file *f = xcalloc(1, sizeof *f);
    f->fd = fd;
    f->size = size;
    f->any = any;
    int rc = parse_footer(f, footer, flen, err, errlen);
    free(footer);
    if (rc < 0) {
        parquet_close(f);
        return NULL;
    }
    return f;
}

parquet_file *parquet_open_mem(const void *data, size_t len, char *err, size_t errlen)
{
    return open_mem(data, len, false, err, errlen);
}

parquet_file *parquet_open_fd(int fd, char *err, size_t errlen)
{
    return open_fd(fd, false, err, errlen);
}

parquet_file *parquet_open_mem_any(const void *data, size_t len, char *err, size_t errlen)
{
    return open_mem(data, len, true, err, errlen);
}

parquet_file *parquet_open_fd_any(int fd, char *err, size_t errlen)
{
    return open_fd(fd, true, err, errlen);
}

size_t parquet_row_groups(const parquet_file *f)
{
    return f->nrgs;
}

int64_t parquet_num_rows(const parquet_file *f)
{
    return f->num_rows;
}

const flowlog_format *parquet_format(const parquet_file *f)
{
    return &f->fmt;
}

/* ------------------------------------------------------------ encodings */

/* w bits (1..64) at bit offset `bit` of p[0..n), LSB first; the caller has
 * checked that they lie inside. */
static inline uint64_t get_bits(const uint8_t *p, size_t n, uint64_t bit, int w)
{
    size_t b = (size_t)(bit >> 3);
    unsigned s = (unsigned)(bit & 7);
    uint8_t tmp[16] = {0};
    const uint8_t *q = p + b;
    if (n - b < 9) {
        memcpy(tmp, q, n - b);
        q = tmp;
    }
    uint64_t lo;
    memcpy(&lo, q, 8);
    lo >>= s;
    if (s + (unsigned)w > 64) lo |= (uint64_t)q[8] << (64 - s);
    return w == 64 ? lo : lo & ((UINT64_C(1) << w) - 1);
}

/* get_bits for w <= 32: s + w <= 39 bits, so one 8-byte load holds them;
 * the copy is only for the last bytes of the data (the hybrid's indexes
 * are most of a dictionary page's decode). */
static inline uint32_t get_bits32(const uint8_t *p, size_t n, uint64_t bit, int w)
{
    size_t b = (size_t)(bit >> 3);
    uint64_t lo;
    if (n - b >= 8) {
        memcpy(&lo, p + b, 8);
    } else {
        uint8_t tmp[8] = {0};
        memcpy(tmp, p + b, n - b);
        memcpy(&lo, tmp, 8);
    }
    lo >>= bit & 7;
    return (uint32_t)(lo & ((UINT64_C(1) << w) - 1));
}

/* A value as the line parser would see its token (flowlog's view, so that
 * flowlog_parse_values reads the columns in place). */
typedef fl_view sview;

static inline sview sv_of(const uint8_t *p, uint32_t n)
{
    return (sview){(const char *)p, n};
}

/* The hybrid's runs into out[], or, with a dictionary, straight into the
 * dictionary's values (an index checked once per RLE run); inlined twice
 * with constant arguments. */
static inline __attribute__((always_inline)) int rle_core(const uint8_t *p, size_t n, int bw, uint32_t *out,
                                                          const sview *dict, size_t ndict, sview *vout,
                                                          size_t count, char *err, size_t errlen)
{
    if (bw < 0 || bw > 32) return fc_err(err, errlen, "bit width %d", bw);
    const uint8_t *end = p + n;
    size_t i = 0;
    size_t vbytes = ((size_t)bw + 7) / 8;
    while (i < count) {
        uint64_t h;
        if (uleb(&p, end, &h) < 0) return fc_err(err, errlen, "levels/indexes truncated (%zu of %zu values)", i, count);
        if (h & 1) {
            uint64_t groups = h >> 1;
            if (groups == 0) return fc_err(err, errlen, "empty bit-packed run");
            if (groups > (uint64_t)(SIZE_MAX / 8)) return fc_err(err, errlen, "bit-packed run too long");
            uint64_t vals = groups * 8;
            uint64_t take = vals < count - i ? vals : count - i;
            uint64_t need = (take * (uint64_t)bw + 7) / 8;
            size_t avail = (size_t)(end - p);
            if (need > avail) return fc_err(err, errlen, "bit-packed run past the end of its data");
            /* values whose 8-byte load stays inside: no check per value */
            uint64_t kfast = bw && avail >= 8 ? ((uint64_t)(avail - 7) * 8 - 1) / (uint64_t)bw + 1 : 0;
            if (kfast > take) kfast = take;
            uint64_t mask = (UINT64_C(1) << bw) - 1, bit = 0;
            for (uint64_t k = 0; k < take; k++, bit += (uint64_t)bw) {
                uint32_t v;
                if (k < kfast) {
                    uint64_t lo;
                    memcpy(&lo, p + (bit >> 3), 8);
                    v = (uint32_t)((lo >> (bit & 7)) & mask);
                } else {
                    v = bw ? get_bits32(p, avail, bit, bw) : 0;
                }
                if (dict) {
                    if (v >= ndict) return fc_err(err, errlen, "dictionary index %u of a %zu-entry dictionary", v, ndict);
                    if (vout) vout[i + k] = dict[v];
                }
                if (out) out[i + k] = v;
            }
            i += take;
            uint64_t runbytes = groups * (uint64_t)bw; /* groups of 8 values take bw bytes */
            p += runbytes < avail ? runbytes : avail;
        } else {
            uint64_t run = h >> 1;
            if ((size_t)(end - p) < vbytes) return fc_err(err, errlen, "RLE run past the end of its data");
            uint32_t v = 0;
            for (size_t k = 0; k < vbytes; k++) v |= (uint32_t)p[k] << (8 * k);
            p += vbytes;
            if (bw < 32 && v >> bw) return fc_err(err, errlen, "RLE value wider than %d bits", bw);
            if (run == 0) return fc_err(err, errlen, "empty RLE run");
            uint64_t take = run < count - i ? run : count - i;
            if (dict) {
                if (v >= ndict) return fc_err(err, errlen, "dictionary index %u of a %zu-entry dictionary", v, ndict);
                if (vout)
                    for (uint64_t k = 0; k < take; k++) vout[i + k] = dict[v];
            }
            if (out)
                for (uint64_t k = 0; k < take; k++) out[i + k] = v;
            i += take;
        }
    }
    return 0;
}

int parquet_rle_decode(const uint8_t *p, size_t n, int bw, uint32_t *out, size_t count, char *err,
                       size_t errlen)
{
    return rle_core(p, n, bw, out, NULL, 0, NULL, count, err, errlen);
}

/* Dictionary indexes into views (out) and, when ix is given, the indexes
 * too (out NULL: the indexes alone, checked against ndict). */
static int rle_dict_decode(const uint8_t *p, size_t n, int bw, const sview *dict, size_t ndict, sview *out,
                           uint32_t *ix, size_t count, char *err, size_t errlen)
{
    if (!ix) return rle_core(p, n, bw, NULL, dict, ndict, out, count, err, errlen);
    if (!out) return rle_core(p, n, bw, ix, dict, ndict, NULL, count, err, errlen);
    return rle_core(p, n, bw, ix, dict, ndict, out, count, err, errlen);
}

ssize_t parquet_dbp_decode(const uint8_t *p, size_t n, int64_t *out, size_t cap, size_t *used, char *err,
                           size_t errlen)
{
    const uint8_t *start = p, *end = p + n;
    uint64_t block, nmb, total, zz;
    if (uleb(&p, end, &block) < 0 || uleb(&p, end, &nmb) < 0 || uleb(&p, end, &total) < 0 ||
        uleb(&p, end, &zz) < 0)
        return fc_err(err, errlen, "delta header truncated");
    if (block == 0 || block % 128 || block > (1u << 20) || nmb == 0 || block % nmb || (block / nmb) % 32)
        return fc_err(err, errlen, "bad delta block size %llu / %llu miniblocks", (unsigned long long)block,
                      (unsigned long long)nmb);
    if (total > cap) return fc_err(err, errlen, "delta header announces %llu values, expected at most %zu",
                                   (unsigned long long)total, cap);
    uint64_t per_mb = block / nmb;
    uint64_t prev = (zz >> 1) ^ -(zz & 1);
    size_t got = 0;
    if (total) out[got++] = (int64_t)prev;
    while (got < total) {
        uint64_t mzz;
        if (uleb(&p, end, &mzz) < 0) return fc_err(err, errlen, "delta block truncated");
        uint64_t min_delta = (mzz >> 1) ^ -(mzz & 1);
        if ((uint64_t)(end - p) < nmb) return fc_err(err, errlen, "delta block truncated");
        const uint8_t *widths = p;
        p += nmb;
        for (uint64_t m = 0; m < nmb && got < total; m++) {
            int w = widths[m];
            if (w > 64) return fc_err(err, errlen, "delta bit width %d", w);
            uint64_t bytes = per_mb * (uint64_t)w / 8;
            size_t avail = (size_t)(end - p);
            if (bytes > avail) return fc_err(err, errlen, "delta miniblock past the end of its data");
            for (uint64_t k = 0; k < per_mb && got < total; k++) {
                uint64_t d = w ? get_bits(p, avail, k * (uint64_t)w, w) : 0;
                prev += min_delta + d; /* wraps, as the format says */
                out[got++] = (int64_t)prev;
            }
            p += bytes;
        }
    }
    *used = (size_t)(p - start);
    return (ssize_t)got;
}

/* ------------------------------------------------------------ pages */

typedef struct page_hdr {
    int64_t type, usize, csize;
    int64_t nv, enc, dl_enc;          /* v1 / dictionary */
    int64_t nv2, nnulls, nrows2, enc2, dl_len, rl_len;
    bool v2_compressed, has_v1, has_v2, has_dict;
    int64_t dict_nv, dict_enc;
} page_hdr;

static int on_dph(tr *t, void *ctx, int16_t id, int type)
{
    page_hdr *h = ctx;
    switch (id) {
    case 1: return tr_int(t, type, &h->nv);
    case 2: return tr_int(t, type, &h->enc);
    case 3: return tr_int(t, type, &h->dl_enc);
    default: return tr_skip(t, type, false);
    }
}

static int on_dict_ph(tr *t, void *ctx, int16_t id, int type)
{
    page_hdr *h = ctx;
    switch (id) {
    case 1: return tr_int(t, type, &h->dict_nv);
    case 2: return tr_int(t, type, &h->dict_enc);
    default: return tr_skip(t, type, false);
    }
}

static int on_dph2(tr *t, void *ctx, int16_t id, int type)
{
    page_hdr *h = ctx;
    switch (id) {
    case 1: return tr_int(t, type, &h->nv2);
    case 2: return tr_int(t, type, &h->nnulls);
    case 3: return tr_int(t, type, &h->nrows2);
    case 4: return tr_int(t, type, &h->enc2);
    case 5: return tr_int(t, type, &h->dl_len);
    case 6: return tr_int(t, type, &h->rl_len);
    case 7:
        if (type == CT_TRUE || type == CT_FALSE) h->v2_compressed = type == CT_TRUE;
        return tr_skip(t, type, false);
    default: return tr_skip(t, type, false);
    }
}

static int on_page_hdr(tr *t, void *ctx, int16_t id, int type)
{
    page_hdr *h = ctx;
    switch (id) {
    case 1: return tr_int(t, type, &h->type);
    case 2: return tr_int(t, type, &h->usize);
    case 3: return tr_int(t, type, &h->csize);
    case 5:
        if (type != CT_STRUCT) break;
        h->has_v1 = true;
        return tr_struct(t, h, on_dph);
    case 7:
        if (type != CT_STRUCT) break;
        h->has_dict = true;
        return tr_struct(t, h, on_dict_ph);
    case 8:
        if (type != CT_STRUCT) break;
        h->has_v2 = true;
        return tr_struct(t, h, on_dph2);
    default: break;
    }
    return tr_skip(t, type, false);
}

/* Column values of one row group. Every value is text by then (integers
 * too: see ints_to_text); a null is a view of "-". */
typedef struct colvals {
    sview *sv;
    size_t cap;
    /* A numeric field in an integer column (flowlog_field_numeric) keeps
     * its values as integers instead (iv, nul[i] = 1 for a null): records
     * take them as they are, and only a row read as text formats them. */
    bool ints;
    int64_t *iv;
    uint8_t *nul;
    /* A column whose pages all used the dictionary so far in this row
     * group keeps the indexes (ix; ndict for a null), and a string column
     * then only them: its views (sv) are made from ix when a page of
     * another encoding comes, else read through col_sv. Its entries are
     * parsed once (cells, ndict + 1 of them: the last is a null). */
    bool indexed;
    uint32_t *ix;
    fl_cell *cells;
    /* An indexed column's text lengths by entry (and the null's): a
     * record's line length from its index instead of its value. */
    uint32_t *tlen;
    /* dictionary */
    int64_t *div; /* an integer dictionary before it is text */
    sview *dsv;
    size_t ndict;
    bool has_dict;
} colvals;

struct parquet_rows {
    parquet_file *f;
    size_t rg, rg_end;
    bool loaded;
    int64_t row, nrows;
    size_t maxrow;      /* bytes of the longest row of the loaded row group */
    size_t last0, lastn; /* the rows of the last parquet_recs_read */
    colvals *cols;      /* nproj */
    uint8_t **bufs;     /* owned buffers that views point into */
    size_t nbufs, capbufs;
    gz_mem *gz;         /* GZIP pages: one inflate state per reader, made at the first */
};

static uint8_t *keep(parquet_rows *r, uint8_t *b)
{
    if (r->nbufs == r->capbufs) {
        r->capbufs = r->capbufs ? r->capbufs * 2 : 16;
        r->bufs = xrealloc(r->bufs, r->capbufs * sizeof *r->bufs);
    }
    r->bufs[r->nbufs++] = b;
    return b;
}

/* The value arrays stay for the next row group (of the same columns):
 * allocating them afresh cost page faults for every row group. */
static void release_rg(parquet_rows *r, bool all)
{
    for (size_t i = 0; i < r->nbufs; i++) free(r->bufs[i]);
    r->nbufs = 0;
    for (int c = 0; c < r->f->nproj; c++) {
        colvals *cv = &r->cols[c];
        free(cv->div);
        free(cv->dsv);
        free(cv->cells);
        free(cv->tlen);
        cv->div = NULL;
        cv->dsv = NULL;
        cv->cells = NULL;
        cv->tlen = NULL;
        cv->indexed = true;
        cv->ndict = 0;
        cv->has_dict = false;
        if (all) {
            free(cv->sv);
            free(cv->iv);
            free(cv->nul);
            free(cv->ix);
            memset(cv, 0, sizeof *cv);
        }
    }
    r->loaded = false;
}

/* Decompressed bytes of a page: src itself when uncompressed, else a
 * buffer kept until the row group is done. */
static const uint8_t *decompress(parquet_rows *r, int codec, const uint8_t *src, size_t sn, size_t dn, char *err,
                                 size_t errlen)
{
    if (codec == C_UNCOMPRESSED) {
        if (sn != dn) {
            fc_err(err, errlen, "page of %zu bytes says it holds %zu", sn, dn);
            return NULL;
        }
        return src;
    }
    if (dn > PAGE_MAX) {
        fc_err(err, errlen, "page of %zu bytes is over the %u MiB limit", dn, PAGE_MAX >> 20);
        return NULL;
    }
    if (codec == C_GZIP && dn / 1100 > sn + 64) { /* deflate cannot expand more than ~1032:1 */
        fc_err(err, errlen, "page claims %zu bytes from %zu compressed", dn, sn);
        return NULL;
    }
    if (codec == C_SNAPPY) {
        size_t ul;
        if (snappy_uncompressed_length((const char *)src, sn, &ul) != SNAPPY_OK || ul != dn) {
            fc_err(err, errlen, "corrupt snappy page");
            return NULL;
        }
    }
    if (codec == C_ZSTD) {
        unsigned long long fs = ZSTD_getFrameContentSize(src, sn);
        if (fs == ZSTD_CONTENTSIZE_ERROR || (fs != ZSTD_CONTENTSIZE_UNKNOWN && fs != dn)) {
            fc_err(err, errlen, "corrupt zstd page");
            return NULL;
        }
    }
    uint8_t *dst = keep(r, xmalloc(dn ? dn : 1));
    switch (codec) {
    case C_SNAPPY: {
        size_t ul = dn;
        if (snappy_uncompress((const char *)src, sn, (char *)dst, &ul) != SNAPPY_OK || ul != dn) {
            fc_err(err, errlen, "corrupt snappy page");
            return NULL;
        }
        return dst;
    }
    case C_ZSTD: {
        size_t got = ZSTD_decompress(dst, dn, src, sn);
        if (ZSTD_isError(got) || got != dn) {
            fc_err(err, errlen, "corrupt zstd page%s%s", ZSTD_isError(got) ? ": " : "",
                   ZSTD_isError(got) ? ZSTD_getErrorName(got) : "");
            return NULL;
        }
        return dst;
    }
    case C_GZIP:
        if (!r->gz) r->gz = gz_mem_new(GZ_AUTO);
        if (gz_mem_inflate(r->gz, src, sn, dst, dn) != 0) {
            fc_err(err, errlen, "corrupt gzip page");
            return NULL;
        }
        return dst;
    default:
        fc_err(err, errlen, "unsupported codec %s", codec >= 0 && codec <= C_LZ4_RAW ? codec_names[codec] : "?");
        return NULL;
    }
}

/* Row `row`'s value of a string column (a null is a view of "-"). */
static inline sview col_sv(const colvals *cv, size_t row)
{
    if (!cv->indexed) return cv->sv[row];
    uint32_t e = cv->ix[row];
    return e < cv->ndict ? cv->dsv[e] : (sview){"-", 1};
}

static void grow(colvals *cv, size_t need)
{
    if (need <= cv->cap) return;
    size_t nc = cv->cap ? cv->cap : 1024;
    while (nc < need) nc *= 2;
    if (cv->ints) {
        cv->iv = xrealloc(cv->iv, nc * sizeof *cv->iv);
        cv->nul = xrealloc(cv->nul, nc);
        cv->ix = xrealloc(cv->ix, nc * sizeof *cv->ix);
    } else {
        cv->sv = xrealloc(cv->sv, nc * sizeof *cv->sv);
        cv->ix = xrealloc(cv->ix, nc * sizeof *cv->ix);
    }
    cv->cap = nc;
}

/* The row writer is a large part of the time a Parquet record costs in the
 * text fallback: digits two at a time (fc_put_u64). */
static inline char *put_i64(char *o, int64_t v)
{
    uint64_t u = (uint64_t)v;
    if (v < 0) {
        *o++ = '-';
        u = (uint64_t)0 - u;
    }
    return fc_put_u64(o, u);
}

/* By bit length b of u (u | 1, so b >= 1): the digits of the least u of
 * that length, and the power of ten past which u has one more. */
static const uint8_t len_digits[65] = {1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10, 10, 10, 11, 11, 11, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 15, 15, 15, 16, 16, 16, 16, 17, 17, 17, 18, 18, 18, 19, 19, 19, 19};
static const uint64_t len_next[65] = {
    UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, 10ull,
    UINT64_MAX, UINT64_MAX, 100ull, UINT64_MAX, UINT64_MAX,
    1000ull, UINT64_MAX, UINT64_MAX, UINT64_MAX, 10000ull,
    UINT64_MAX, UINT64_MAX, 100000ull, UINT64_MAX, UINT64_MAX,
    1000000ull, UINT64_MAX, UINT64_MAX, UINT64_MAX, 10000000ull,
    UINT64_MAX, UINT64_MAX, 100000000ull, UINT64_MAX, UINT64_MAX,
    1000000000ull, UINT64_MAX, UINT64_MAX, UINT64_MAX, 10000000000ull,
    UINT64_MAX, UINT64_MAX, 100000000000ull, UINT64_MAX, UINT64_MAX,
    1000000000000ull, UINT64_MAX, UINT64_MAX, UINT64_MAX, 10000000000000ull,
    UINT64_MAX, UINT64_MAX, 100000000000000ull, UINT64_MAX, UINT64_MAX,
    1000000000000000ull, UINT64_MAX, UINT64_MAX, UINT64_MAX, 10000000000000000ull,
    UINT64_MAX, UINT64_MAX, 100000000000000000ull, UINT64_MAX, UINT64_MAX,
    1000000000000000000ull, UINT64_MAX, UINT64_MAX, UINT64_MAX, 10000000000000000000ull};

/* The length of put_i64's text of v (a null's "-" too: its value is 0). */
static inline uint32_t dec_len(int64_t v)
{
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int bits = 64 - __builtin_clzll(u | 1);
    return (uint32_t)len_digits[bits] + (u >= len_next[bits]) + (v < 0);
}

/* Integers become text when decoded (a dictionary's once per entry), so
 * that the row writer only copies bytes: most integer columns of a flow
 * log (start, end, packets, protocol) are dictionary-encoded. */
static void ints_to_text(parquet_rows *r, const int64_t *iv, size_t n, sview *out)
{
    char *t = (char *)keep(r, xmalloc(n * 21 + 1)), *o = t;
    for (size_t i = 0; i < n; i++) {
        char *e = put_i64(o, iv[i]);
        out[i] = (sview){o, (uint32_t)(e - o)};
        o = e;
    }
}

static bool int_type(int type)
{
    return type == T_INT32 || type == T_INT64 || type == T_BOOLEAN;
}

/* PLAIN values: n of them from p[0..len) into iv or sv. */
static int plain_decode(const pq_leaf *l, const uint8_t *p, size_t len, size_t n, int64_t *iv, sview *sv,
                        char *err, size_t errlen)
{
    /* FLOAT, DOUBLE, INT96: their bytes, as parquet_cols prints them */
    static const uint8_t fixed_width[T_FLBA + 1] = {[T_INT96] = 12, [T_FLOAT] = 4, [T_DOUBLE] = 8};
    size_t fw = l->type >= 0 && l->type <= T_FLBA ? fixed_width[l->type] : 0;
    if (fw) {
        if (len / fw < n) return fc_err(err, errlen, "%zu %s values past the end of the page", n, type_names[l->type]);
        for (size_t i = 0; i < n; i++) sv[i] = (sview){(const void *)(p + i * fw), (uint32_t)fw}; /* (either view type) */
        return 0;
    }
    size_t pos = 0;
    switch (l->type) {
    case T_INT32:
        if (len / 4 < n) return fc_err(err, errlen, "%zu INT32 values need %zu bytes, the page has %zu", n, n * 4, len);
        for (size_t i = 0; i < n; i++) {
            int32_t v;
            memcpy(&v, p + 4 * i, 4);
            iv[i] = v;
        }
        return 0;
    case T_INT64:
        if (len / 8 < n) return fc_err(err, errlen, "%zu INT64 values need %zu bytes, the page has %zu", n, n * 8, len);
        memcpy(iv, p, n * 8);
        return 0;
    case T_BOOLEAN:
        if ((len * 8) < n) return fc_err(err, errlen, "%zu booleans past the end of the page", n);
        for (size_t i = 0; i < n; i++) iv[i] = (p[i >> 3] >> (i & 7)) & 1;
        return 0;
    case T_FLBA: {
        size_t w = (size_t)l->type_length;
        if (len / w < n) return fc_err(err, errlen, "fixed-length values past the end of the page");
        for (size_t i = 0; i < n; i++) sv[i] = sv_of(p + i * w, (uint32_t)w);
        return 0;
    }
    case T_BYTE_ARRAY:
        for (size_t i = 0; i < n; i++) {
            if (len - pos < 4) return fc_err(err, errlen, "string %zu of %zu past the end of the page", i + 1, n);
            uint32_t k = le32(p + pos);
            pos += 4;
            if (k > len - pos) return fc_err(err, errlen, "string %zu of %zu past the end of the page", i + 1, n);
            sv[i] = sv_of(p + pos, k);
            pos += k;
        }
        return 0;
    default:
        return fc_err(err, errlen, "unsupported type %s", type_names[l->type]);
    }
}

/* The non-null values of a data page, in order (nnz of them): into ivals
 * for a column of integers (cv->ints), else into svals, and a dictionary
 * page's indexes also into ix when given (for cv->ints, ix is scratch). */
static int decode_values_raw(const pq_leaf *l, colvals *cv, int enc, const uint8_t *p, size_t len, size_t nnz,
                             int64_t *ivals, sview *svals, uint32_t *ix, char *err, size_t errlen);

static int decode_values(parquet_rows *r, const pq_leaf *l, colvals *cv, int enc, const uint8_t *p, size_t len,
                         size_t nnz, sview *svals, int64_t *ivals, uint32_t *ix, char *err, size_t errlen)
{
    if (cv->ints || !int_type(l->type) || enc == E_PLAIN_DICT || enc == E_RLE_DICT) /* dictionaries are text already */
        return decode_values_raw(l, cv, enc, p, len, nnz, ivals, svals, ix, err, errlen);
    int64_t *iv = xmalloc((nnz ? nnz : 1) * sizeof *iv);
    int rc = decode_values_raw(l, cv, enc, p, len, nnz, iv, NULL, NULL, err, errlen);
    if (rc == 0) ints_to_text(r, iv, nnz, svals);
    free(iv);
    return rc;
}

static int decode_values_raw(const pq_leaf *l, colvals *cv, int enc, const uint8_t *p, size_t len, size_t nnz,
                             int64_t *ivals, sview *svals, uint32_t *ix, char *err, size_t errlen)
{
    switch (enc) {
    case E_PLAIN:
        return plain_decode(l, p, len, nnz, ivals, svals, err, errlen);
    case E_PLAIN_DICT:
    case E_RLE_DICT: {
        if (!cv->has_dict) return fc_err(err, errlen, "dictionary-encoded page without a dictionary");
        if (nnz == 0) return 0;
        if (len < 1) return fc_err(err, errlen, "dictionary indexes missing");
        if (!cv->ints) return rle_dict_decode(p + 1, len - 1, p[0], cv->dsv, cv->ndict, svals, ix, nnz, err, errlen);
        if (rle_dict_decode(p + 1, len - 1, p[0], cv->dsv, cv->ndict, NULL, ix, nnz, err, errlen) < 0) return -1;
        for (size_t i = 0; i < nnz; i++) ivals[i] = cv->div[ix[i]];
        return 0;
    }
    case E_DBP: {
        if (l->type != T_INT32 && l->type != T_INT64)
            return fc_err(err, errlen, "DELTA_BINARY_PACKED on a %s column", type_names[l->type]);
        size_t used;
        ssize_t got = parquet_dbp_decode(p, len, ivals, nnz, &used, err, errlen);
        if (got < 0) return -1;
        if ((size_t)got != nnz) return fc_err(err, errlen, "%zd delta values for %zu non-null rows", got, nnz);
        if (l->type == T_INT32)
            for (size_t i = 0; i < nnz; i++) ivals[i] = (int32_t)(uint32_t)(uint64_t)ivals[i];
        return 0;
    }
    case E_DLBA: {
        if (l->type != T_BYTE_ARRAY) return fc_err(err, errlen, "DELTA_LENGTH_BYTE_ARRAY on a %s column", type_names[l->type]);
        int64_t *lens = xmalloc((nnz ? nnz : 1) * sizeof *lens);
        size_t used;
        ssize_t got = parquet_dbp_decode(p, len, lens, nnz, &used, err, errlen);
        int rc = got < 0 ? -1 : 0;
        if (!rc && (size_t)got != nnz) rc = fc_err(err, errlen, "%zd string lengths for %zu non-null rows", got, nnz);
        size_t pos = used;
        for (size_t i = 0; i < nnz && !rc; i++) {
            if (lens[i] < 0 || (uint64_t)lens[i] > len - pos) {
                rc = fc_err(err, errlen, "string %zu of %zu past the end of the page", i + 1, nnz);
                break;
            }
            svals[i] = sv_of(p + pos, (uint32_t)lens[i]);
            pos += (size_t)lens[i];
        }
        free(lens);
        return rc;
    }
    default:
        return fc_err(err, errlen, "unsupported encoding %d", enc);
    }
}

static int read_dict(parquet_rows *r, const pq_leaf *l, colvals *cv, const page_hdr *h, const uint8_t *data,
                     size_t len, char *err, size_t errlen)
{
    if (cv->has_dict) return fc_err(err, errlen, "a second dictionary page");
    if (h->dict_enc != E_PLAIN && h->dict_enc != E_PLAIN_DICT)
        return fc_err(err, errlen, "dictionary page encoding %lld", (long long)h->dict_enc);
    /* the least bytes an entry takes, so that no count beyond the page's bytes is allocated */
    size_t least = l->type == T_INT64 ? 8 : l->type == T_FLBA ? (size_t)l->type_length : l->type == T_BOOLEAN ? 0 : 4;
    if (h->dict_nv < 0 || (least ? (uint64_t)h->dict_nv > len / least : (uint64_t)h->dict_nv > len * 8))
        return fc_err(err, errlen, "dictionary of %lld entries in %zu bytes", (long long)h->dict_nv, len);
    size_t n = (size_t)h->dict_nv;
    cv->dsv = xmalloc((n ? n : 1) * sizeof *cv->dsv);
    if (int_type(l->type)) cv->div = xmalloc((n ? n : 1) * sizeof *cv->div);
    cv->ndict = n;
    cv->has_dict = true;
    if (plain_decode(l, data, len, n, cv->div, cv->dsv, err, errlen) < 0) return -1;
    if (cv->div) ints_to_text(r, cv->div, n, cv->dsv);
    return 0;
}

/* All pages of one column chunk into cv (rows [0, nrows)). */
static int read_chunk(parquet_rows *r, int c, char *err, size_t errlen)
{
    parquet_file *f = r->f;
    int li = f->proj[c];
    const pq_leaf *l = &f->leaves[li];
    const pq_chunk *ch = &f->rgs[r->rg].chunks[li];
    colvals *cv = &r->cols[c];
    if (ch->encrypted) return fc_err(err, errlen, "encrypted columns are not supported");
    if (ch->external) return fc_err(err, errlen, "column data in another file is not supported");
    if (!ch->has_meta) return fc_err(err, errlen, "no column metadata");
    if (ch->type != l->type) return fc_err(err, errlen, "column type differs from the schema's");
    int64_t start = ch->data_off;
    if (ch->dict_off > 0 && ch->dict_off < start) start = ch->dict_off;
    uint64_t data_end = f->size - 8; /* the footer length and magic follow; not exact, but inside the file */
    if (start < 4 || ch->csize < 0 || (uint64_t)start > data_end || (uint64_t)ch->csize > data_end - (uint64_t)start)
        return fc_err(err, errlen, "column chunk at offset %lld, %lld bytes, lies outside the file", (long long)start,
                      (long long)ch->csize);
    if (ch->csize > CHUNK_MAX) return fc_err(err, errlen, "column chunk of %lld bytes is over the limit", (long long)ch->csize);
    size_t clen = (size_t)ch->csize;
    const uint8_t *chunk;
    if (f->mem) {
        chunk = f->mem + start;
    } else {
        uint8_t *b = keep(r, xmalloc(clen ? clen : 1));
        if (pread_full(f->fd, b, clen, (uint64_t)start) < 0)
            return fc_err(err, errlen, "read error: %s", errno ? strerror(errno) : "file shrank");
        chunk = b;
    }
    size_t pos = 0;
    int64_t done = 0, nrows = r->nrows;
    uint32_t *defs = NULL, *xtmp = NULL;
    sview *stmp = NULL;
    int64_t *itmp = NULL;
    size_t tmpcap = 0;
    int rc = 0;
    while (done < nrows && !rc) {
        if (pos >= clen) {
            rc = fc_err(err, errlen, "%lld of %lld values, then the column chunk ends", (long long)done, (long long)nrows);
            break;
        }
        char why[FC_ERRLEN];
        tr t = {chunk + pos, chunk + clen, 0, why, sizeof why};
        page_hdr h;
        memset(&h, 0, sizeof h);
        h.type = h.usize = h.csize = -1;
        h.v2_compressed = true;
        if (tr_struct(&t, &h, on_page_hdr) < 0) {
            rc = fc_err(err, errlen, "bad page header at offset %llu: %s", (unsigned long long)start + pos, why);
            break;
        }
        pos = (size_t)(t.p - chunk);
        if (h.csize < 0 || h.usize < 0 || (uint64_t)h.csize > clen - pos) {
            rc = fc_err(err, errlen, "page at offset %llu: size %lld does not fit its column chunk",
                        (unsigned long long)start + pos, (long long)h.csize);
            break;
        }
        const uint8_t *pd = chunk + pos;
        size_t pn = (size_t)h.csize;
        pos += pn;
        if (h.type == PT_DICT) {
            if (!h.has_dict) {
                rc = fc_err(err, errlen, "dictionary page without its header");
                break;
            }
            const uint8_t *d = decompress(r, ch->codec, pd, pn, (size_t)h.usize, err, errlen);
            if (!d || read_dict(r, l, cv, &h, d, (size_t)h.usize, err, errlen) < 0) rc = -1;
            continue;
        }
        if (h.type != PT_DATA && h.type != PT_DATA_V2) continue; /* index pages, newer kinds */
        int64_t nv;
        int enc;
        const uint8_t *dl = NULL, *vals;
        size_t dln = 0, valn;
        if (h.type == PT_DATA) {
            if (!h.has_v1) {
                rc = fc_err(err, errlen, "data page without its header");
                break;
            }
            nv = h.nv;
            enc = (int)h.enc;
            const uint8_t *d = decompress(r, ch->codec, pd, pn, (size_t)h.usize, err, errlen);
            if (!d) {
                rc = -1;
                break;
            }
            vals = d;
            valn = (size_t)h.usize;
            if (l->optional) {
                if (h.dl_enc != E_RLE) {
                    rc = fc_err(err, errlen, "definition levels in encoding %lld", (long long)h.dl_enc);
                    break;
                }
                if (valn < 4) {
                    rc = fc_err(err, errlen, "definition levels truncated");
                    break;
                }
                uint32_t k = le32(d);
                if (k > valn - 4) {
                    rc = fc_err(err, errlen, "definition levels of %u bytes in a page of %zu", k, valn);
                    break;
                }
                dl = d + 4;
                dln = k;
                vals = d + 4 + k;
                valn -= 4 + (size_t)k;
            }
        } else {
            if (!h.has_v2) {
                rc = fc_err(err, errlen, "data page v2 without its header");
                break;
            }
            nv = h.nv2;
            enc = (int)h.enc2;
            if (h.dl_len < 0 || h.rl_len < 0 || (uint64_t)h.dl_len > pn || (uint64_t)h.rl_len > pn - (uint64_t)h.dl_len ||
                h.usize < h.dl_len + h.rl_len) {
                rc = fc_err(err, errlen, "data page v2: level sizes do not fit the page");
                break;
            }
            dl = pd + h.rl_len; /* repetition levels first: a flat column has none to use */
            dln = (size_t)h.dl_len;
            size_t off = (size_t)(h.rl_len + h.dl_len);
            size_t ulen = (size_t)h.usize - off;
            vals = h.v2_compressed ? decompress(r, ch->codec, pd + off, pn - off, ulen, err, errlen)
                                   : (ulen == pn - off ? pd + off : NULL);
            if (!vals) {
                if (!h.v2_compressed) fc_err(err, errlen, "data page v2: sizes differ");
                rc = -1;
                break;
            }
            valn = ulen;
            if (!l->optional) dl = NULL;
        }
        if (nv < 0 || nv > nrows - done) {
            rc = fc_err(err, errlen, "page of %lld values where %lld rows remain", (long long)nv, (long long)(nrows - done));
            break;
        }
        size_t n = (size_t)nv;
        if (n == 0) continue; /* nothing to decode (and cv->sv may not exist yet) */
        grow(cv, (size_t)done + n);
        if (n > tmpcap) {
            tmpcap = n;
            defs = xrealloc(defs, tmpcap * sizeof *defs);
            stmp = xrealloc(stmp, tmpcap * sizeof *stmp);
            xtmp = xrealloc(xtmp, tmpcap * sizeof *xtmp);
            itmp = xrealloc(itmp, tmpcap * sizeof *itmp);
        }
        size_t nnz = n;
        if (dl) {
            if (parquet_rle_decode(dl, dln, 1, defs, n, err, errlen) < 0) {
                rc = -1;
                break;
            }
            uint32_t z = 0; /* a 32-bit sum vectorises; n is at most RG_VALUES_MAX */
            for (size_t i = 0; i < n; i++) z += defs[i];
            nnz = z;
        }
        /* without nulls the values go straight to their rows */
        bool dense = nnz == n, dict = enc == E_PLAIN_DICT || enc == E_RLE_DICT;
        size_t at = (size_t)done;
        if (!dict && cv->indexed) { /* the views of the rows so far, from their indexes */
            if (!cv->ints)
                for (size_t i = 0; i < at; i++) cv->sv[i] = col_sv(cv, i);
            cv->indexed = false;
        }
        if (cv->ints) {
            uint32_t *xdst = cv->indexed && dense ? cv->ix + at : xtmp; /* (scratch otherwise) */
            if (decode_values(r, l, cv, enc, vals, valn, nnz, NULL, dense ? cv->iv + at : itmp, xdst, err, errlen) < 0) {
                rc = -1;
                break;
            }
            if (dense) {
                memset(cv->nul + at, 0, n);
            } else {
                size_t k = 0;
                for (size_t i = 0; i < n; i++) {
                    bool has = defs[i];
                    cv->iv[at + i] = has ? itmp[k] : 0;
                    cv->nul[at + i] = !has;
                    if (cv->indexed) cv->ix[at + i] = has ? xtmp[k] : (uint32_t)cv->ndict; /* the null's "-" */
                    k += has;
                }
            }
        } else {
            bool ixd = cv->indexed; /* the indexes alone, else the views alone */
            uint32_t *xdst = ixd ? (dense ? cv->ix + at : xtmp) : NULL;
            sview *sdst = ixd ? NULL : dense ? cv->sv + at : stmp;
            if (decode_values(r, l, cv, enc, vals, valn, nnz, sdst, NULL, xdst, err, errlen) < 0) {
                rc = -1;
                break;
            }
            if (!dense && ixd) {
                size_t k = 0;
                for (size_t i = 0; i < n; i++) {
                    bool has = defs[i];
                    cv->ix[at + i] = has ? xtmp[k] : (uint32_t)cv->ndict; /* the null cell */
                    k += has;
                }
            } else if (!dense) {
                size_t k = 0;
                for (size_t i = 0; i < n; i++) {
                    bool has = defs[i];
                    cv->sv[at + i] = has ? stmp[k] : (sview){"-", 1};
                    k += has;
                }
            }
        }
        done += nv;
    }
    free(defs);
    free(stmp);
    free(xtmp);
    free(itmp);
    return rc;
}

static int load_rg(parquet_rows *r, char *err, size_t errlen)
{
    parquet_file *f = r->f;
    pq_rg *rg = &f->rgs[r->rg];
    r->nrows = rg->num_rows;
    r->row = 0;
    r->loaded = true;
    if ((uint64_t)rg->num_rows > RG_VALUES_MAX / (uint64_t)f->nproj)
        return fc_err(err, errlen, "row group %zu: %lld rows x %d columns is over the limit of %u values", r->rg,
                      (long long)rg->num_rows, f->nproj, RG_VALUES_MAX);
    if (rg->num_rows == 0) return 0;
    r->maxrow = 1;
    for (int c = 0; c < f->nproj; c++) {
        char why[FC_ERRLEN];
        if (read_chunk(r, c, why, sizeof why) < 0)
            return fc_err(err, errlen, "column %s, row group %zu: %s", f->leaves[f->proj[c]].name, r->rg, why);
        const colvals *cv = &r->cols[c];
        uint32_t longest = cv->ints ? 20 : 1; /* an int64's digits and sign, at most */
        if (cv->ints) {
        } else if (cv->indexed && cv->has_dict) { /* every value is an entry or a null */
            for (size_t i = 0; i < cv->ndict; i++)
                if (cv->dsv[i].n > longest) longest = cv->dsv[i].n;
        } else {
            for (int64_t i = 0; i < r->nrows; i++)
                if (cv->sv[i].n > longest) longest = cv->sv[i].n;
        }
        if (longest > PARQUET_MAX_VALUE)
            return fc_err(err, errlen, "column %s, row group %zu: a value of %u bytes", f->leaves[f->proj[c]].name,
                          r->rg, longest);
        r->maxrow += 1 + longest;
    }
    return 0;
}

/* ------------------------------------------------------------ columns by name */

struct parquet_cols {
    parquet_rows *r;
    char *text; /* the current row's values, each NUL-terminated */
    size_t cap;
    size_t *off;
};

int parquet_column(const parquet_file *f, const char *name)
{
    for (size_t i = 0; i < f->nleaves; i++)
        if (!f->leaves[i].nested && !strcmp(f->leaves[i].name, name)) return (int)i;
    return -1;
}

size_t parquet_columns(const parquet_file *f)
{
    return f->nleaves;
}

const char *parquet_column_name(const parquet_file *f, size_t i)
{
    return i < f->nleaves && !f->leaves[i].nested ? f->leaves[i].name : NULL;
}

parquet_cols *parquet_cols_open(parquet_file *f, const int *cols, size_t n, char *err, size_t errlen)
{
    if (!f->any) {
        fc_err(err, errlen, "the file was opened for flow-log rows, not for columns");
        return NULL;
    }
    if (n == 0 || n > FLOWLOG_MAX_FIELDS) {
        fc_err(err, errlen, "%zu columns asked for (1 to %d)", n, FLOWLOG_MAX_FIELDS);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (cols[i] < 0 || (size_t)cols[i] >= f->nleaves || f->leaves[cols[i]].nested) {
            fc_err(err, errlen, "column %d is not a top-level column", cols[i]);
            return NULL;
        }
        const pq_leaf *l = &f->leaves[cols[i]];
        if (l->type == T_FLBA && l->type_length <= 0) {
            fc_err(err, errlen, "bad footer: column '%s' has no valid length", l->name);
            return NULL;
        }
        f->proj[i] = cols[i];
    }
    f->nproj = (int)n;
    /* the row reader's state, built here rather than by parquet_rows_open:
     * every column is decoded to views (no flow-log field decides) */
    parquet_cols *c = xcalloc(1, sizeof *c);
    c->r = xcalloc(1, sizeof *c->r);
    c->r->f = f;
    c->r->rg_end = f->nrgs;
    c->r->cols = xcalloc(n, sizeof *c->r->cols);
    c->off = xcalloc(n, sizeof *c->off);
    return c;
}

void parquet_cols_close(parquet_cols *c)
{
    if (!c) return;
    parquet_rows_close(c->r);
    free(c->text);
    free(c->off);
    free(c);
}

/* Unix seconds and nanoseconds as RFC 3339 ("…:SS.fffZ", the fraction only
 * when there is one, trailing zeros cut). */
static size_t put_time(char *o, int64_t sec, int64_t ns)
{
    if (ns < 0) {
        sec--;
        ns += 1000000000;
    }
    char t[40];
    fc_format_time(sec, t, sizeof t);
    size_t k = strlen(t);
    if (ns && k && t[k - 1] == 'Z') {
        char fr[16];
        int m = snprintf(fr, sizeof fr, ".%09lld", (long long)ns);
        while (m > 1 && fr[m - 1] == '0') m--;
        memcpy(t + k - 1, fr, (size_t)m);
        t[k - 1 + (size_t)m] = 'Z';
        k += (size_t)m;
    }
    memcpy(o, t, k);
    return k;
}

/* An unscaled decimal as text with `scale` digits after the point. */
static size_t put_decimal(char *o, __int128 v, int scale)
{
    char d[48];
    int n = 0;
    bool neg = v < 0;
    unsigned __int128 u = neg ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    do {
        d[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u || n <= scale);
    size_t k = 0;
    if (neg) o[k++] = '-';
    while (n > 0) {
        o[k++] = d[--n];
        if (n == scale && scale > 0) o[k++] = '.';
    }
    return k;
}

/* One value as text at o (room: v.n + 64); *null for a null. The row
 * reader gives integers as decimal text, FLOAT/DOUBLE/INT96 as their
 * bytes, strings as they are, and a null as "-" (so a one-byte "-" in an
 * optional string column reads as a null too). */
static size_t put_value(const pq_leaf *l, sview v, char *o, bool *null)
{
    const char *p = (const char *)v.p;
    *null = v.n == 1 && p[0] == '-' && l->optional;
    if (*null || v.n == 0) return 0;
    switch (l->type) {
    case T_FLOAT: {
        float x;
        memcpy(&x, p, 4);
        return (size_t)snprintf(o, 64, "%.9g", (double)x);
    }
    case T_DOUBLE: {
        double x;
        memcpy(&x, p, 8);
        return (size_t)snprintf(o, 64, "%.17g", x); /* reads back as the same double */
    }
    case T_INT96: { /* nanoseconds of the day, then the Julian day */
        int64_t ns;
        int32_t jd;
        memcpy(&ns, p, 8);
        memcpy(&jd, p + 8, 4);
        if (ns < 0 || ns >= INT64_C(86400000000000)) return 0;
        return put_time(o, ((int64_t)jd - 2440588) * 86400 + ns / 1000000000, ns % 1000000000);
    }
    case T_INT32:
    case T_INT64: {
        if (l->ts_unit == 0 && !l->date && l->scale < 0) break;
        char num[24];
        memcpy(num, p, v.n < sizeof num - 1 ? v.n : sizeof num - 1);
        num[v.n < sizeof num - 1 ? v.n : sizeof num - 1] = 0;
        int64_t x = strtoll(num, NULL, 10);
        if (l->scale >= 0) return put_decimal(o, x, l->scale);
        if (l->date) {
            if (x < -1000000 || x > 1000000) break; /* outside years 0..4700: as the number */
            put_time(o, x * 86400, 0);
            return 10; /* "YYYY-MM-DD" of "YYYY-MM-DDT00:00:00Z" */
        }
        static const int64_t per_sec[] = {1, 1000, 1000000, 1000000000};
        int64_t q = per_sec[l->ts_unit], sec = x / q, frac = x % q;
        if (sec < INT64_C(-62135596800) || sec > INT64_C(253402300799)) break; /* not a year 1..9999 */
        return put_time(o, sec, frac * (1000000000 / q));
    }
    case T_FLBA:
    case T_BYTE_ARRAY: {
        if (l->scale < 0 || v.n > 16) break;
        __int128 x = (signed char)p[0]; /* big-endian two's complement */
        for (uint32_t i = 1; i < v.n; i++) x = x * 256 + (unsigned char)p[i];
        return put_decimal(o, x, l->scale);
    }
    default: break;
    }
    memcpy(o, p, v.n);
    return v.n;
}

/* The next row group with rows left loaded (r->row < r->nrows), or 0 at
 * the end; -1 with a reason. */
static int next_rows(parquet_rows *r, char *err, size_t errlen)
{
    for (;;) {
        if (r->loaded && r->row >= r->nrows) {
            release_rg(r, false);
            r->rg++;
        }
        if (r->rg >= r->rg_end) return 0;
        if (!r->loaded && load_rg(r, err, errlen) < 0) return -1;
        if (r->row < r->nrows) return 1;
    }
}

int parquet_cols_next(parquet_cols *c, const char **vals, size_t *lens, char *err, size_t errlen)
{
    parquet_rows *r = c->r;
    const parquet_file *f = r->f;
    int more = next_rows(r, err, errlen);
    if (more <= 0) return more;
    size_t row = (size_t)r->row++, need = 0;
    for (int k = 0; k < f->nproj; k++) need += col_sv(&r->cols[k], row).n + 65;
    if (need > c->cap) {
        c->cap = need * 2;
        c->text = xrealloc(c->text, c->cap);
    }
    size_t w = 0;
    bool null[FLOWLOG_MAX_FIELDS];
    for (int k = 0; k < f->nproj; k++) {
        c->off[k] = w;
        w += put_value(&f->leaves[f->proj[k]], col_sv(&r->cols[k], row), c->text + w, &null[k]);
        lens[k] = w - c->off[k];
        c->text[w++] = '\0';
    }
    for (int k = 0; k < f->nproj; k++) vals[k] = null[k] ? NULL : c->text + c->off[k];
    return 1;
}

/* ------------------------------------------------------------ flow-log rows */

parquet_rows *parquet_rows_open(parquet_file *f, size_t rg0, size_t rg1)
{
    parquet_rows *r = xcalloc(1, sizeof *r);
    r->f = f;
    r->rg = rg0;
    r->rg_end = rg1 < f->nrgs ? rg1 : f->nrgs;
    r->cols = xcalloc((size_t)f->nproj, sizeof *r->cols);
    for (int c = 0; c < f->nproj; c++) {
        r->cols[c].ints = int_type(f->leaves[f->proj[c]].type) && flowlog_field_numeric((enum flowlog_field)f->fmt.col[c]);
        r->cols[c].indexed = true;
    }
    return r;
}

void parquet_rows_close(parquet_rows *r)
{
    if (!r) return;
    release_rg(r, true);
    gz_mem_free(r->gz);
    free(r->cols);
    free(r->bufs);
    free(r);
}

/* IDs and addresses are short: fixed-size copies the compiler inlines
 * instead of a memcpy call each (which was a tenth of the time). */
static inline void copy_small(char *o, const char *s, uint32_t k)
{
    while (k >= 8) {
        memcpy(o, s, 8);
        o += 8;
        s += 8;
        k -= 8;
    }
    if (k & 4) {
        memcpy(o, s, 4);
        o += 4;
        s += 4;
    }
    if (k & 2) {
        memcpy(o, s, 2);
        o += 2;
        s += 2;
    }
    if (k & 1) *o = *s;
}

/* Row `row` of the loaded row group as a text line, at o; returns its end. */
static char *write_row(const parquet_rows *r, size_t row, char *o)
{
    for (int c = 0; c < r->f->nproj; c++) {
        const colvals *cv = &r->cols[c];
        if (cv->ints) {
            if (cv->nul[row]) *o++ = '-';
            else o = put_i64(o, cv->iv[row]);
            *o++ = ' ';
            continue;
        }
        sview v = col_sv(cv, row); /* a null is a view of "-" */
        if (v.n == 0) {
            *o++ = '-'; /* an empty string is no value */
        } else {
            copy_small(o, v.p, v.n);
            o += v.n;
        }
        *o++ = ' ';
    }
    o[-1] = '\n';
    return o;
}


ssize_t parquet_rows_read(parquet_rows *r, char *buf, size_t n, char *err, size_t errlen)
{
    size_t w = 0;
    for (;;) {
        int more = next_rows(r, err, errlen);
        if (more <= 0) return more < 0 ? -1 : (ssize_t)w;
        if (r->maxrow > n) return fc_err(err, errlen, "a row of %zu bytes is longer than the buffer", r->maxrow);
        char *o = buf + w;
        for (; r->row < r->nrows; r->row++) {
            if (r->maxrow > n - (size_t)(o - buf)) return (ssize_t)(o - buf);
            o = write_row(r, (size_t)r->row, o);
        }
        w = (size_t)(o - buf);
    }
}

ssize_t parquet_recs_read(parquet_rows *r, fl_rec *recs, uint8_t *bad, uint32_t *len, size_t n, size_t linemax,
                          char *err, size_t errlen)
{
    int more = next_rows(r, err, errlen);
    if (more <= 0) return more;
    /* the text reader's limit, so that both fail alike */
    if (r->maxrow > linemax) return fc_err(err, errlen, "a row of %zu bytes is longer than the buffer", r->maxrow);
    size_t k = (size_t)(r->nrows - r->row);
    if (k > n) k = n;
    size_t row0 = (size_t)r->row;
    uint32_t ncols = (uint32_t)r->f->nproj;
    for (size_t i = 0; i < k; i++) {
        flowlog_rec_clear(&recs[i]);
        bad[i] = 0;
        len[i] = ncols; /* the separators and the newline */
    }
    for (int c = 0; c < r->f->nproj; c++) {
        colvals *cv = &r->cols[c];
        enum flowlog_field id = (enum flowlog_field)r->f->fmt.col[c];
        bool byix = cv->indexed && cv->has_dict;
        if (byix && !cv->tlen) { /* the entries' lengths as write_row puts them, and the null's "-" */
            cv->tlen = xmalloc((cv->ndict + 1) * sizeof *cv->tlen);
            for (size_t e = 0; e < cv->ndict; e++) cv->tlen[e] = cv->dsv[e].n ? cv->dsv[e].n : 1;
            cv->tlen[cv->ndict] = 1;
        }
        if (cv->ints) {
            const int64_t *v = cv->iv + row0;
            const uint8_t *nul = cv->nul + row0;
            flowlog_put_numbers(id, v, nul, k, recs, bad);
            if (!byix)
                for (size_t i = 0; i < k; i++) len[i] += dec_len(v[i]); /* a null is 0 here, and "-" */
        } else if (byix) {
            if (!cv->cells) { /* the entries parsed once, and a null */
                cv->cells = xmalloc((cv->ndict + 1) * sizeof *cv->cells);
                flowlog_cells_text(id, cv->dsv, cv->ndict, cv->cells);
                flowlog_cells_text(id, &(sview){"-", 1}, 1, cv->cells + cv->ndict);
            }
            flowlog_cells_put(id, cv->cells, cv->ix + row0, k, recs, bad);
        } else {
            const sview *v = cv->sv + row0;
            flowlog_parse_values(id, v, k, recs, bad);
            for (size_t i = 0; i < k; i++) len[i] += v[i].n ? v[i].n : 1;
        }
        if (byix) {
            const uint32_t *ix = cv->ix + row0;
            for (size_t i = 0; i < k; i++) len[i] += cv->tlen[ix[i]];
        }
    }
    for (size_t i = 0; i < k; i++) {
        flowlog_rec_finish(&recs[i]);
        if (len[i] - 1 > FLOWLOG_MAX_LINE) bad[i] = 1; /* too long a line for the text path */
    }
    r->row += (int64_t)k;
    r->last0 = row0;
    r->lastn = k;
    return (ssize_t)k;
}

size_t parquet_row_text(const parquet_rows *r, size_t i, char *buf)
{
    return (size_t)(write_row(r, r->last0 + i, buf) - buf);
}

void parquet_recs_unread(parquet_rows *r, size_t i)
{
    r->row = (int64_t)(r->last0 + i);
}
