/* flowlog: the VPC Flow Logs text format — the field table of versions 2–8,
 * header lines, --fields (plain names or the AWS `${field}` syntax) and the
 * line parser. Parsing allocates nothing: a record holds views into the
 * caller's line buffer, numbers are overflow-checked, `-` is "absent".
 *
 * Errors: flowlog_parse_line returns -1 and writes a short reason ("expected
 * 14 fields, got 9", "bad bytes value 'x'"); the caller adds file:line. */
#ifndef FC_FLOWLOG_H
#define FC_FLOWLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "ip.h"

/* Every documented field; FLF_OPAQUE is a newer/unknown field kept as text. */
enum flowlog_field {
    FLF_OPAQUE = 0,
    /* v2 (the default format, in this order) */
    FLF_VERSION, FLF_ACCOUNT_ID, FLF_INTERFACE_ID, FLF_SRCADDR, FLF_DSTADDR, FLF_SRCPORT,
    FLF_DSTPORT, FLF_PROTOCOL, FLF_PACKETS, FLF_BYTES, FLF_START, FLF_END, FLF_ACTION,
    FLF_LOG_STATUS,
    /* v3 */
    FLF_VPC_ID, FLF_SUBNET_ID, FLF_INSTANCE_ID, FLF_TCP_FLAGS, FLF_TYPE, FLF_PKT_SRCADDR,
    FLF_PKT_DSTADDR,
    /* v4 */
    FLF_REGION, FLF_AZ_ID, FLF_SUBLOCATION_TYPE, FLF_SUBLOCATION_ID,
    /* v5 */
    FLF_PKT_SRC_AWS_SERVICE, FLF_PKT_DST_AWS_SERVICE, FLF_FLOW_DIRECTION, FLF_TRAFFIC_PATH,
    /* v7 */
    FLF_ECS_CLUSTER_ARN, FLF_ECS_CLUSTER_NAME, FLF_ECS_CONTAINER_INSTANCE_ARN,
    FLF_ECS_CONTAINER_INSTANCE_ID, FLF_ECS_CONTAINER_ID, FLF_ECS_SECOND_CONTAINER_ID,
    FLF_ECS_SERVICE_NAME, FLF_ECS_TASK_DEFINITION_ARN, FLF_ECS_TASK_ARN, FLF_ECS_TASK_ID,
    /* v8 */
    FLF_REJECT_REASON,
    /* Transit Gateway flow logs (version 6): the ids fl_rec keeps (tgw) go
     * to the aggregate's TGW table and the transit_gateway chargeback; the
     * others are known so that a TGW header is read as one and --fields
     * accepts them */
    FLF_RESOURCE_TYPE, FLF_TGW_ID, FLF_TGW_ATTACHMENT_ID, FLF_TGW_SRC_VPC_ACCOUNT_ID,
    FLF_TGW_DST_VPC_ACCOUNT_ID, FLF_TGW_SRC_VPC_ID, FLF_TGW_DST_VPC_ID, FLF_TGW_SRC_SUBNET_ID,
    FLF_TGW_DST_SUBNET_ID, FLF_TGW_SRC_ENI, FLF_TGW_DST_ENI, FLF_TGW_SRC_AZ_ID, FLF_TGW_DST_AZ_ID,
    FLF_TGW_PAIR_ATTACHMENT_ID, FLF_PACKETS_LOST_NO_ROUTE, FLF_PACKETS_LOST_BLACKHOLE,
    FLF_PACKETS_LOST_MTU_EXCEEDED, FLF_PACKETS_LOST_TTL_EXPIRED,
    FLF__COUNT
};

/* Name ("pkt-srcaddr") and the version that introduced it. */
const char *flowlog_field_name(enum flowlog_field f);
int flowlog_field_version(enum flowlog_field f);
/* FLF_OPAQUE when the name is not a known field. The underscore spelling
 * of Athena and Parquet ("interface_id") names the same field. */
enum flowlog_field flowlog_field_lookup(const char *s, size_t n);
/* The known field name closest to s[0..n) (edit distance, after '_' → '-';
 * ties go to the earlier field of the table), for "did you mean". */
const char *flowlog_field_suggest(const char *s, size_t n);

#define FLOWLOG_MAX_FIELDS 64
#define FLOWLOG_MAX_LINE 65536 /* longer lines are malformed */

/* The column layout of one input. col_of[f] = column of field f, or -1. */
typedef struct flowlog_format {
    int ncols;
    uint8_t col[FLOWLOG_MAX_FIELDS]; /* enum flowlog_field per column */
    int8_t col_of[FLF__COUNT];
    bool v2_default;                 /* exactly the 14 v2 fields in order */
    bool v2_prefix;                  /* the first 14 columns are those */
    /* Bits (1 << field) of fields whose values the caller will not read:
     * the fast parser checks them exactly as always and sets their has
     * bits, but may leave their values 0. Only numeric fields use it. */
    uint64_t lazy;
    /* the CPU has AVX2, BMI1/2 and POPCNT: the fast parser's variant for
     * them (set by the functions below; false is always correct) */
    bool avx2;
} flowlog_format;

void flowlog_format_default(flowlog_format *f); /* the v2 default format */
/* A field list separated by spaces (or commas): "version srcaddr ..." or
 * "${version} ${srcaddr} ...", hyphenated or underscore names. Unknown
 * names become opaque columns. -1 on an empty list, a duplicate field, a
 * bad name or more than 64 fields. */
int flowlog_format_parse(flowlog_format *f, const char *s, size_t n, char *err, size_t errlen);
/* The same for --fields, where a name the table does not know is a typo
 * rather than a newer field: -1 with "unknown field 'interfce-id' (did you
 * mean 'interface-id'?)". */
int flowlog_fields_parse(flowlog_format *f, const char *s, size_t n, char *err, size_t errlen);
/* True when the line is a header line: every token is a field name in
 * syntax ([a-z][a-z0-9_-]*, lower case) and at least half of them are
 * known fields, whatever the first one. Data lines never qualify: they
 * hold numbers, addresses, ACCEPT/OK, '-' or ids that are no field name.
 * Then *f is filled from it (unknown names become opaque columns); a
 * header that is not a valid field list (a field twice, over 64 fields)
 * returns true with f->ncols = 0 and a reason in err. */
bool flowlog_header(const char *line, size_t n, flowlog_format *f, char *err, size_t errlen);

/* What the first bytes of an input (after gzip decoding) look like: text
 * flow-log lines, or a delivery this reader does not take. */
enum flowlog_content {
    FLC_TEXT = 0,
    FLC_PARQUET,        /* magic "PAR1" */
    FLC_JSON_CWL,       /* a CloudWatch Logs subscription payload {"messageType": ...} */
    FLC_JSON,           /* JSON-wrapped lines (Firehose, CloudWatch export: {"message": ...}) */
    FLC_BINARY,         /* NUL or control bytes: not text */
    FLC__COUNT
};
/* Decided from the first n bytes (a few KiB are enough; fewer at the end
 * of a short input). */
enum flowlog_content flowlog_sniff(const void *p, size_t n);
/* "Parquet file (not supported yet)", ... for messages. */
const char *flowlog_content_desc(enum flowlog_content c);

typedef struct fl_view {
    const char *p;
    uint32_t n; /* 0 = absent ("-") */
} fl_view;

/* fl_rec.has bits */
#define FLR_SRC 0x0001
#define FLR_DST 0x0002
#define FLR_PKT_SRC 0x0004
#define FLR_PKT_DST 0x0008
#define FLR_PACKETS 0x0010
#define FLR_BYTES 0x0020
#define FLR_START 0x0040
#define FLR_END 0x0080
#define FLR_SRCPORT 0x0100
#define FLR_DSTPORT 0x0200
#define FLR_PROTOCOL 0x0400

/* One parsed record. Views point into the line passed to the parser. */
typedef struct fl_rec {
    unsigned has;
    ip128 src, dst, pkt_src, pkt_dst;
    uint64_t packets, bytes;
    int64_t start, end;  /* unix seconds; millisecond values are normalised */
    uint16_t srcport, dstport;
    uint8_t protocol, action, status, direction, traffic_path; /* agg.h enums */
    fl_view eni, account, vpc, subnet, instance, az_id, region, src_svc, dst_svc;
    /* Transit Gateway flow-log ids (FL_TGW_*); all absent in VPC records */
    fl_view tgw[FL_TGW__COUNT];
    /* srcaddr and dstaddr as written, set by the fast path only: an equal
     * pkt-srcaddr / pkt-dstaddr (all but NAT'd traffic) is not parsed again */
    fl_view src_text, dst_text;
} fl_rec;

/* Values at or above this are taken as milliseconds (1e11 s is year 5138). */
#define FLOWLOG_MS_THRESHOLD INT64_C(100000000000)

/* Parse one line (without its newline; a trailing CR is ignored; fields
 * separated by runs of spaces or tabs). 0, or -1 with a reason. */
int flowlog_parse_line(const flowlog_format *f, const char *line, size_t n, fl_rec *r,
                       char *err, size_t errlen);

/* The fast parser may load line[n] .. line[n + FLOWLOG_PAD - 1] (it reads
 * 8 and 16 bytes at a time); what those bytes hold does not matter. */
#define FLOWLOG_PAD 64

/* The fast path, which also finds the line's end: for the common shape of a
 * line (printable ASCII, single spaces, IPv4, numbers under 20 digits) it
 * returns the line's length n — line[n] is the first '\n', and a CR before
 * it counts in n, as in a line cut at '\n' — with the same record as
 * flowlog_parse_line(line, n); for anything else 0, and then the caller
 * finds the line's end and calls flowlog_parse_line, which accepts or
 * explains. Requires a '\n' at the end of the data (the scan stops there)
 * and FLOWLOG_PAD readable bytes from it.
 *
 * It writes only the fields of the format (each one, absent or not), so r
 * must come from flowlog_rec_clear and since then have been written only by
 * this function with this same format: one clear serves a run of lines. */
size_t flowlog_parse_fast(const flowlog_format *f, const char *line, fl_rec *r);

/* Records built from values already split into fields (Parquet columns),
 * with the line parser's rules: clear each record, give it every column
 * with flowlog_parse_values, then finish it. Value i of field id goes into
 * recs[i] as the token vals[i] would in a line (empty = absent, like "-");
 * bad[i] is set where the text path might not take that token the same
 * way (a value it rejects, or one that is not exactly one token): that row
 * must go through flowlog_parse_line as text. recs keep views into vals.
 * flowlog_rec_clear leaves every field absent (addresses zero too): also
 * the start of a run of flowlog_parse_fast lines. */
void flowlog_rec_clear(fl_rec *r);
void flowlog_rec_finish(fl_rec *r);
void flowlog_parse_values(enum flowlog_field id, const fl_view *vals, size_t n, fl_rec *recs, uint8_t *bad);

/* Fields whose text is a number (version, ports, protocol, packets,
 * bytes, start, end, tcp-flags, traffic-path): a reader with integer
 * columns gives them as numbers. */
bool flowlog_field_numeric(enum flowlog_field id);
/* Integer values of numeric field id into recs[0..n) (nul[i]: absent),
 * as their decimal text would be parsed; bad[i] set where that text would
 * be rejected (negative, over the field's range). */
void flowlog_put_numbers(enum flowlog_field id, const int64_t *v, const uint8_t *nul, size_t n, fl_rec *recs,
                         uint8_t *bad);
/* A value parsed once for many records (a dictionary entry): the field's
 * part of a record, the has bits it sets, and whether the row must go the
 * text way (flowlog_parse_values' bad). */
typedef struct fl_cell {
    union {
        ip128 ip;
        uint64_t u;
        fl_view v;
    };
    unsigned has;
    uint8_t bad;
} fl_cell;
void flowlog_cells_text(enum flowlog_field id, const fl_view *vals, size_t n, fl_cell *cells);
/* cells[idx[i]] into recs[i], bad[i] |= its bad. */
void flowlog_cells_put(enum flowlog_field id, const fl_cell *cells, const uint32_t *idx, size_t n, fl_rec *recs,
                       uint8_t *bad);

/* Overflow-checked unsigned decimal: 0, or -1 on empty/non-digit/overflow
 * of `max`. */
int flowlog_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out);

#endif
