/* flowlog: why a hand-written parser — the ingestion hot path reads hundreds
 * of millions of lines, so a line is split once into views, numbers and
 * IPv4 addresses are parsed by hand with overflow checks, and nothing is
 * allocated. The field table is the one of the AWS documentation ("Flow log
 * records", available fields, versions 2–8); see docs/ingest.md. */
#include "flowlog.h"

#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "agg.h"
#include "util.h"

static const struct {
    const char *name;
    int version;
} fields[FLF__COUNT] = {
    [FLF_OPAQUE] = {"", 0},
    [FLF_VERSION] = {"version", 2},
    [FLF_ACCOUNT_ID] = {"account-id", 2},
    [FLF_INTERFACE_ID] = {"interface-id", 2},
    [FLF_SRCADDR] = {"srcaddr", 2},
    [FLF_DSTADDR] = {"dstaddr", 2},
    [FLF_SRCPORT] = {"srcport", 2},
    [FLF_DSTPORT] = {"dstport", 2},
    [FLF_PROTOCOL] = {"protocol", 2},
    [FLF_PACKETS] = {"packets", 2},
    [FLF_BYTES] = {"bytes", 2},
    [FLF_START] = {"start", 2},
    [FLF_END] = {"end", 2},
    [FLF_ACTION] = {"action", 2},
    [FLF_LOG_STATUS] = {"log-status", 2},
    [FLF_VPC_ID] = {"vpc-id", 3},
    [FLF_SUBNET_ID] = {"subnet-id", 3},
    [FLF_INSTANCE_ID] = {"instance-id", 3},
    [FLF_TCP_FLAGS] = {"tcp-flags", 3},
    [FLF_TYPE] = {"type", 3},
    [FLF_PKT_SRCADDR] = {"pkt-srcaddr", 3},
    [FLF_PKT_DSTADDR] = {"pkt-dstaddr", 3},
    [FLF_REGION] = {"region", 4},
    [FLF_AZ_ID] = {"az-id", 4},
    [FLF_SUBLOCATION_TYPE] = {"sublocation-type", 4},
    [FLF_SUBLOCATION_ID] = {"sublocation-id", 4},
    [FLF_PKT_SRC_AWS_SERVICE] = {"pkt-src-aws-service", 5},
    [FLF_PKT_DST_AWS_SERVICE] = {"pkt-dst-aws-service", 5},
    [FLF_FLOW_DIRECTION] = {"flow-direction", 5},
    [FLF_TRAFFIC_PATH] = {"traffic-path", 5},
    [FLF_ECS_CLUSTER_ARN] = {"ecs-cluster-arn", 7},
    [FLF_ECS_CLUSTER_NAME] = {"ecs-cluster-name", 7},
    [FLF_ECS_CONTAINER_INSTANCE_ARN] = {"ecs-container-instance-arn", 7},
    [FLF_ECS_CONTAINER_INSTANCE_ID] = {"ecs-container-instance-id", 7},
    [FLF_ECS_CONTAINER_ID] = {"ecs-container-id", 7},
    [FLF_ECS_SECOND_CONTAINER_ID] = {"ecs-second-container-id", 7},
    [FLF_ECS_SERVICE_NAME] = {"ecs-service-name", 7},
    [FLF_ECS_TASK_DEFINITION_ARN] = {"ecs-task-definition-arn", 7},
    [FLF_ECS_TASK_ARN] = {"ecs-task-arn", 7},
    [FLF_ECS_TASK_ID] = {"ecs-task-id", 7},
    [FLF_REJECT_REASON] = {"reject-reason", 8},
    [FLF_RESOURCE_TYPE] = {"resource-type", 6},
    [FLF_TGW_ID] = {"tgw-id", 6},
    [FLF_TGW_ATTACHMENT_ID] = {"tgw-attachment-id", 6},
    [FLF_TGW_SRC_VPC_ACCOUNT_ID] = {"tgw-src-vpc-account-id", 6},
    [FLF_TGW_DST_VPC_ACCOUNT_ID] = {"tgw-dst-vpc-account-id", 6},
    [FLF_TGW_SRC_VPC_ID] = {"tgw-src-vpc-id", 6},
    [FLF_TGW_DST_VPC_ID] = {"tgw-dst-vpc-id", 6},
    [FLF_TGW_SRC_SUBNET_ID] = {"tgw-src-subnet-id", 6},
    [FLF_TGW_DST_SUBNET_ID] = {"tgw-dst-subnet-id", 6},
    [FLF_TGW_SRC_ENI] = {"tgw-src-eni", 6},
    [FLF_TGW_DST_ENI] = {"tgw-dst-eni", 6},
    [FLF_TGW_SRC_AZ_ID] = {"tgw-src-az-id", 6},
    [FLF_TGW_DST_AZ_ID] = {"tgw-dst-az-id", 6},
    [FLF_TGW_PAIR_ATTACHMENT_ID] = {"tgw-pair-attachment-id", 6},
    [FLF_PACKETS_LOST_NO_ROUTE] = {"packets-lost-no-route", 6},
    [FLF_PACKETS_LOST_BLACKHOLE] = {"packets-lost-blackhole", 6},
    [FLF_PACKETS_LOST_MTU_EXCEEDED] = {"packets-lost-mtu-exceeded", 6},
    [FLF_PACKETS_LOST_TTL_EXPIRED] = {"packets-lost-ttl-expired", 6},
};

/* Longer than any field name: such a token is no field. */
#define NAME_MAX_LEN 40

const char *flowlog_field_name(enum flowlog_field f)
{
    return (unsigned)f < FLF__COUNT ? fields[f].name : "";
}

int flowlog_field_version(enum flowlog_field f)
{
    return (unsigned)f < FLF__COUNT ? fields[f].version : 0;
}

/* The hyphenated spelling of a name ("interface_id" → "interface-id");
 * false when it is too long to be a field. */
static bool hyphenate(const char *s, size_t n, char *out)
{
    if (n > NAME_MAX_LEN) return false;
    for (size_t i = 0; i < n; i++) out[i] = s[i] == '_' ? '-' : s[i];
    return true;
}

enum flowlog_field flowlog_field_lookup(const char *s, size_t n)
{
    char h[NAME_MAX_LEN];
    if (!hyphenate(s, n, h)) return FLF_OPAQUE;
    for (int i = 1; i < FLF__COUNT; i++)
        if (strlen(fields[i].name) == n && memcmp(fields[i].name, h, n) == 0)
            return (enum flowlog_field)i;
    return FLF_OPAQUE;
}

/* Levenshtein distance, one row at a time (names are short). */
static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
    size_t row[NAME_MAX_LEN + 1];
    for (size_t j = 0; j <= nb; j++) row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

const char *flowlog_field_suggest(const char *s, size_t n)
{
    char h[NAME_MAX_LEN];
    if (n > NAME_MAX_LEN) n = NAME_MAX_LEN; /* the first 40 bytes say enough */
    hyphenate(s, n, h);
    size_t best = (size_t)-1;
    const char *name = fields[1].name;
    for (int i = 1; i < FLF__COUNT; i++) {
        size_t d = edit_distance(h, n, fields[i].name, strlen(fields[i].name));
        if (d < best) {
            best = d;
            name = fields[i].name;
        }
    }
    return name;
}


static void format_finish(flowlog_format *f)
{
    f->avx2 = fc_simd_avx2();
    f->v2_prefix = f->ncols >= 14;
    for (int i = 0; i < 14 && f->v2_prefix; i++)
        if (f->col[i] != FLF_VERSION + i) f->v2_prefix = false;
    f->v2_default = f->v2_prefix && f->ncols == 14;
}

void flowlog_format_default(flowlog_format *f)
{
    memset(f, 0, sizeof *f);
    memset(f->col_of, -1, sizeof f->col_of);
    for (int i = 0; i < 14; i++) {
        f->col[i] = (uint8_t)(FLF_VERSION + i);
        f->col_of[FLF_VERSION + i] = (int8_t)i;
    }
    f->ncols = 14;
    f->v2_default = f->v2_prefix = true;
    f->avx2 = fc_simd_avx2();
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

/* Printable excerpt of a bad value for messages. */
static void excerpt(const char *s, size_t n, char *buf, size_t len)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 5 < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i == 24) {
            memcpy(buf + k, "...", 3);
            k += 3;
            break;
        }
        if (c >= 0x20 && c < 0x7f) {
            buf[k++] = (char)c;
        } else {
            snprintf(buf + k, len - k, "\\x%02x", c);
            k += 4;
        }
    }
    buf[k] = '\0';
}

static int add_col(flowlog_format *f, const char *name, size_t n, bool strict, char *err, size_t errlen)
{
    char ex[128];
    if (n == 0) return fc_err(err, errlen, "empty field name");
    for (size_t i = 0; i < n; i++) {
        if (!name_char(name[i])) {
            excerpt(name, n, ex, sizeof ex);
            return fc_err(err, errlen, "bad field name '%s'", ex);
        }
    }
    if (f->ncols >= FLOWLOG_MAX_FIELDS)
        return fc_err(err, errlen, "more than %d fields", FLOWLOG_MAX_FIELDS);
    enum flowlog_field id = flowlog_field_lookup(name, n);
    if (id == FLF_OPAQUE && strict) {
        excerpt(name, n, ex, sizeof ex);
        return fc_err(err, errlen, "unknown field '%s' (did you mean '%s'?)", ex, flowlog_field_suggest(name, n));
    }
    if (id != FLF_OPAQUE) {
        if (f->col_of[id] >= 0) return fc_err(err, errlen, "field '%s' appears twice", fields[id].name);
        f->col_of[id] = (int8_t)f->ncols;
    }
    f->col[f->ncols++] = (uint8_t)id;
    return 0;
}

static int format_parse(flowlog_format *f, const char *s, size_t n, bool strict, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    memset(f->col_of, -1, sizeof f->col_of);
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && s[j] != ' ' && s[j] != '\t' && s[j] != ',' && s[j] != '\r' && s[j] != '\n') j++;
        const char *name = s + i;
        size_t len = j - i;
        if (len >= 3 && name[0] == '$' && name[1] == '{') {
            if (name[len - 1] != '}') {
                char ex[128];
                excerpt(name, len, ex, sizeof ex);
                return fc_err(err, errlen, "bad field '%s': missing '}'", ex);
            }
            name += 2;
            len -= 3;
        }
        if (add_col(f, name, len, strict, err, errlen) < 0) return -1;
        i = j;
    }
    if (f->ncols == 0) return fc_err(err, errlen, "empty field list");
    format_finish(f);
    return 0;
}

int flowlog_format_parse(flowlog_format *f, const char *s, size_t n, char *err, size_t errlen)
{
    return format_parse(f, s, n, false, err, errlen);
}

int flowlog_fields_parse(flowlog_format *f, const char *s, size_t n, char *err, size_t errlen)
{
    return format_parse(f, s, n, true, err, errlen);
}

bool flowlog_header(const char *line, size_t n, flowlog_format *f, char *err, size_t errlen)
{
    /* Runs on the first line and on lines that failed as data, never per
     * record; a data line is usually rejected at its first byte (a digit). */
    int ntok = 0, nknown = 0;
    size_t i = 0;
    for (;;) {
        while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) i++;
        if (i == n) break;
        size_t j = i;
        if (line[j] < 'a' || line[j] > 'z') return false;
        for (j++; j < n && line[j] != ' ' && line[j] != '\t' && line[j] != '\r'; j++) {
            char c = line[j];
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
        }
        ntok++;
        if (flowlog_field_lookup(line + i, j - i) != FLF_OPAQUE) nknown++;
        i = j;
    }
    /* "at least half known": a custom format's values that happen to be
     * lower-case words (ids, cluster names) are not all field names */
    if (nknown == 0 || 2 * nknown < ntok) return false;
    if (flowlog_format_parse(f, line, n, err, errlen) < 0) f->ncols = 0;
    return true;
}

static const char *const content_desc[FLC__COUNT] = {
    [FLC_TEXT] = "text",
    [FLC_PARQUET] = "Parquet file (not supported yet)",
    [FLC_JSON_CWL] = "CloudWatch Logs subscription payload without flow-log records",
    [FLC_JSON] = "JSON without flow-log records (no \"message\" of a Firehose or CloudWatch Logs delivery)",
    [FLC_BINARY] = "binary data, not a text flow log",
};

const char *flowlog_content_desc(enum flowlog_content c)
{
    return (unsigned)c < FLC__COUNT ? content_desc[c] : "";
}

enum flowlog_content flowlog_sniff(const void *data, size_t n)
{
    const unsigned char *p = data;
    if (n >= 4 && memcmp(p, "PAR1", 4) == 0) return FLC_PARQUET;
    size_t i = 0;
    if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) i = 3; /* a UTF-8 byte order mark */
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) i++;
    if (i < n && (p[i] == '{' || p[i] == '[')) {
        /* no flow-log line starts with a brace; the subscription payload
         * names its messageType near the start */
        size_t k = n - i < 512 ? n - i : 512;
        for (size_t j = i; j + 13 <= i + k; j++)
            if (memcmp(p + j, "\"messageType\"", 13) == 0) return FLC_JSON_CWL;
        return FLC_JSON;
    }
    /* Binary: a tenth or more of the first 4 KiB are NUL or control bytes
     * other than tab, CR and LF (a text log with one bad byte stays text,
     * and its line is reported as malformed). */
    size_t m = n < 4096 ? n : 4096, ctl = 0;
    for (size_t j = 0; j < m; j++) {
        unsigned char c = p[j];
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) ctl++;
    }
    if (m && ctl * 10 >= m) return FLC_BINARY;
    return FLC_TEXT;
}

/* Up to 19 digits cannot overflow 64 bits, so only 20-digit numbers pay
 * for the overflow check. */
static inline int parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    if (n == 0 || n > 20) return -1;
    uint64_t v = 0;
    size_t k = n < 20 ? n : 19;
    for (size_t i = 0; i < k; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9) return -1;
        v = v * 10 + d;
    }
    if (n == 20) {
        unsigned d = (unsigned)(unsigned char)s[19] - '0';
        if (d > 9 || v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    if (v > max) return -1;
    *out = v;
    return 0;
}

int flowlog_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    return parse_u64(s, n, max, out);
}

/* Dotted quad by hand (the common case), unrolled per octet; anything else
 * (IPv6) goes to ip_parse. */
static inline int parse_addr(const char *s, size_t n, ip128 *out)
{
    if (n >= 7 && n <= 15) {
        uint32_t v = 0;
        size_t i = 0;
        int oct;
        for (oct = 0; oct < 4; oct++) {
            unsigned d = (unsigned)(unsigned char)s[i] - '0', x;
            if (d > 9) break;
            x = d;
            i++;
            if (i < n && (d = (unsigned)(unsigned char)s[i] - '0') <= 9) {
                x = x * 10 + d;
                i++;
                if (i < n && (d = (unsigned)(unsigned char)s[i] - '0') <= 9) {
                    x = x * 10 + d;
                    i++;
                }
            }
            if (x > 255) break;
            v = v << 8 | x;
            if (oct < 3) {
                if (i >= n - 1 || s[i] != '.') break;
                i++;
            }
        }
        if (oct == 4 && i == n) {
            *out = ip_from_v4(v);
            return 0;
        }
    }
    if (memchr(s, ':', n) == NULL) return -1;
    return ip_parse(s, n, out);
}

static bool is_dash(const char *p, uint32_t n)
{
    return n == 1 && p[0] == '-';
}

/* AWS identifiers and service names are printable ASCII without spaces. */
static inline bool printable(const char *p, uint32_t n)
{
    uint32_t i = 0;
#ifdef __SSE2__
    /* signed bytes: 0x21..0x7e are exactly those > 0x20 and < 0x7f */
    const __m128i lo = _mm_set1_epi8(0x20), hi = _mm_set1_epi8(0x7f);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i ok = _mm_and_si128(_mm_cmpgt_epi8(v, lo), _mm_cmplt_epi8(v, hi));
        if (_mm_movemask_epi8(ok) != 0xffff) return false;
    }
#endif
    /* 8 bytes at a time: no byte >= 0x80, none >= 0x7f (adding 1 reaches
     * 0x80), none < 0x21 (the classic "has byte less than" test). The last
     * word may overlap bytes already checked. */
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    if (n - i >= 8) {
        for (;;) {
            uint64_t w;
            memcpy(&w, p + (i + 8 <= n ? i : n - 8), 8);
            if ((w | (w + ones) | ((w - 0x21 * ones) & ~w)) & high) return false;
            if (i + 8 >= n) return true;
            i += 8;
        }
    }
    for (; i < n; i++)
        if ((unsigned char)p[i] <= 0x20 || (unsigned char)p[i] >= 0x7f) return false;
    return true;
}

static int bad(char *err, size_t errlen, const char *what, const char *p, uint32_t n)
{
    char ex[128];
    excerpt(p, n, ex, sizeof ex);
    return fc_err(err, errlen, "bad %s '%s'", what, ex);
}

static int64_t norm_time(uint64_t v)
{
    return (int64_t)(v >= (uint64_t)FLOWLOG_MS_THRESHOLD ? v / 1000 : v);
}

/* Where a record keeps an identifier field's view (0: not an identifier). */
static const uint16_t view_at[FLF__COUNT] = {
    [FLF_INTERFACE_ID] = offsetof(fl_rec, eni),
    [FLF_ACCOUNT_ID] = offsetof(fl_rec, account),
    [FLF_VPC_ID] = offsetof(fl_rec, vpc),
    [FLF_SUBNET_ID] = offsetof(fl_rec, subnet),
    [FLF_INSTANCE_ID] = offsetof(fl_rec, instance),
    [FLF_AZ_ID] = offsetof(fl_rec, az_id),
    [FLF_REGION] = offsetof(fl_rec, region),
    [FLF_PKT_SRC_AWS_SERVICE] = offsetof(fl_rec, src_svc),
    [FLF_PKT_DST_AWS_SERVICE] = offsetof(fl_rec, dst_svc),
    [FLF_TGW_ID] = offsetof(fl_rec, tgw[FL_TGW_ID]),
    [FLF_TGW_ATTACHMENT_ID] = offsetof(fl_rec, tgw[FL_TGW_ATTACH]),
    [FLF_TGW_PAIR_ATTACHMENT_ID] = offsetof(fl_rec, tgw[FL_TGW_PAIR]),
    [FLF_TGW_SRC_VPC_ACCOUNT_ID] = offsetof(fl_rec, tgw[FL_TGW_SRC_ACCOUNT]),
    [FLF_TGW_DST_VPC_ACCOUNT_ID] = offsetof(fl_rec, tgw[FL_TGW_DST_ACCOUNT]),
    [FLF_TGW_SRC_VPC_ID] = offsetof(fl_rec, tgw[FL_TGW_SRC_VPC]),
    [FLF_TGW_DST_VPC_ID] = offsetof(fl_rec, tgw[FL_TGW_DST_VPC]),
};

/* The record's view of an identifier field; NULL for the other fields. */
static inline __attribute__((always_inline)) fl_view *rec_view(fl_rec *r, enum flowlog_field id)
{
    return view_at[id] ? (fl_view *)(void *)((char *)r + view_at[id]) : NULL;
}

/* One field into the record; -1 with a reason. Inlined with a constant id
 * for the default layout, so that the switch disappears there. */
static inline __attribute__((always_inline)) int parse_field(fl_rec *r, enum flowlog_field id, const char *p,
                                                             uint32_t len, char *err, size_t errlen)
{
    bool dash = is_dash(p, len);
    uint64_t v;
    ip128 *ip = NULL;
    unsigned bit = 0;
    fl_view *view = NULL;
    switch (id) {
    case FLF_SRCADDR: ip = &r->src; bit = FLR_SRC; goto addr;
    case FLF_DSTADDR: ip = &r->dst; bit = FLR_DST; goto addr;
    case FLF_PKT_SRCADDR: ip = &r->pkt_src; bit = FLR_PKT_SRC; goto addr;
    case FLF_PKT_DSTADDR: ip = &r->pkt_dst; bit = FLR_PKT_DST;
    addr:
        if (dash) break;
        if (parse_addr(p, len, ip) < 0) return bad(err, errlen, fields[id].name, p, len);
        r->has |= bit;
        break;
    case FLF_PACKETS:
    case FLF_BYTES:
        if (dash) break;
        if (parse_u64(p, len, UINT64_MAX, &v) < 0)
            return bad(err, errlen, id == FLF_BYTES ? "bytes value" : "packets value", p, len);
        if (id == FLF_BYTES) {
            r->bytes = v;
            r->has |= FLR_BYTES;
        } else {
            r->packets = v;
            r->has |= FLR_PACKETS;
        }
        break;
    case FLF_START:
    case FLF_END:
        if (dash) break;
        /* INT64_MAX keeps the value representable as a signed time */
        if (parse_u64(p, len, INT64_MAX, &v) < 0)
            return bad(err, errlen, id == FLF_START ? "start time" : "end time", p, len);
        if (id == FLF_START) {
            r->start = norm_time(v);
            r->has |= FLR_START;
        } else {
            r->end = norm_time(v);
            r->has |= FLR_END;
        }
        break;
    case FLF_SRCPORT:
    case FLF_DSTPORT:
        if (dash) break;
        if (parse_u64(p, len, 65535, &v) < 0) return bad(err, errlen, "port", p, len);
        if (id == FLF_SRCPORT) {
            r->srcport = (uint16_t)v;
            r->has |= FLR_SRCPORT;
        } else {
            r->dstport = (uint16_t)v;
            r->has |= FLR_DSTPORT;
        }
        break;
    case FLF_PROTOCOL:
        if (dash) break;
        if (parse_u64(p, len, 255, &v) < 0) return bad(err, errlen, "protocol", p, len);
        r->protocol = (uint8_t)v;
        r->has |= FLR_PROTOCOL;
        break;
    case FLF_VERSION:
    case FLF_TCP_FLAGS:
        if (dash) break;
        if (parse_u64(p, len, UINT32_MAX, &v) < 0)
            return bad(err, errlen, fields[id].name, p, len);
        break;
    case FLF_ACTION:
        if (dash) break;
        if (len == 6 && memcmp(p, "ACCEPT", 6) == 0) r->action = FL_ACCEPT;
        else if (len == 6 && memcmp(p, "REJECT", 6) == 0) r->action = FL_REJECT;
        else return bad(err, errlen, "action", p, len);
        break;
    case FLF_LOG_STATUS:
        if (dash) break;
        if (len == 2 && memcmp(p, "OK", 2) == 0) r->status = FL_OK;
        else if (len == 6 && memcmp(p, "NODATA", 6) == 0) r->status = FL_NODATA;
        else if (len == 8 && memcmp(p, "SKIPDATA", 8) == 0) r->status = FL_SKIPDATA;
        else return bad(err, errlen, "log-status", p, len);
        break;
    case FLF_FLOW_DIRECTION:
        if (dash) break;
        if (len == 7 && memcmp(p, "ingress", 7) == 0) r->direction = FL_INGRESS;
        else if (len == 6 && memcmp(p, "egress", 6) == 0) r->direction = FL_EGRESS;
        else return bad(err, errlen, "flow-direction", p, len);
        break;
    case FLF_TRAFFIC_PATH:
        if (dash) break;
        if (len != 1 || p[0] < '1' || p[0] > '8') return bad(err, errlen, "traffic-path", p, len);
        r->traffic_path = (uint8_t)(p[0] - '0');
        break;
    default:
        /* identifiers; opaque and unused fields are kept out of the aggregate */
        view = rec_view(r, id);
        if (!view || dash) break;
        if (!printable(p, len)) return bad(err, errlen, fields[id].name, p, len);
        view->p = p;
        view->n = len;
        break;
    }
    return 0;
}

/* Token boundaries of a line: where "separator or not" flips. 16 bytes at a
 * time with SSE2 (a byte loop mispredicts at every field edge); NUL bytes
 * are detected in the same pass. Returns the token count (tokens beyond
 * `max` are counted, not stored) or -1 on a NUL byte. */
static int tokenize(const char *s, size_t n, const char **tp, uint32_t *tn, int max)
{
    int nt = 0;
    bool in = false;
    size_t start = 0, i = 0;
#define EMIT_BOUNDARY(pos)                                     \
    do {                                                       \
        if (!in) {                                             \
            start = (pos);                                     \
            in = true;                                         \
        } else {                                               \
            if (nt < max) {                                    \
                tp[nt] = s + start;                            \
                tn[nt] = (uint32_t)((pos) - start);            \
            }                                                  \
            nt++;                                              \
            in = false;                                        \
        }                                                      \
    } while (0)
#ifdef __SSE2__
    const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'), zero = _mm_setzero_si128();
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero))) return -1;
        unsigned sep = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, tab)));
        unsigned prev = (sep << 1 | (in ? 0u : 1u)) & 0xffffu; /* separator-ness of the byte before */
        unsigned flips = sep ^ prev;
        while (flips) {
            unsigned j = (unsigned)__builtin_ctz(flips);
            flips &= flips - 1;
            EMIT_BOUNDARY(i + j);
        }
    }
#endif
    for (; i < n; i++) {
        char c = s[i];
        if (c == '\0') return -1;
        bool sep = c == ' ' || c == '\t';
        if (sep == in) EMIT_BOUNDARY(i);
    }
    if (in) EMIT_BOUNDARY(n);
#undef EMIT_BOUNDARY
    return nt;
}

/* only what a record may leave unset; addresses are zeroed by rec_finish
 * if absent */
static void rec_clear(fl_rec *r)
{
    r->has = 0;
    r->packets = r->bytes = 0;
    r->start = r->end = 0;
    r->srcport = r->dstport = 0;
    r->protocol = r->action = r->status = r->direction = r->traffic_path = 0;
    r->eni.n = r->account.n = r->vpc.n = r->subnet.n = r->instance.n = 0;
    r->az_id.n = r->region.n = r->src_svc.n = r->dst_svc.n = 0;
    r->eni.p = r->account.p = r->vpc.p = r->subnet.p = r->instance.p = NULL;
    r->az_id.p = r->region.p = r->src_svc.p = r->dst_svc.p = NULL;
    r->src_text.n = r->dst_text.n = 0;
    r->src_text.p = r->dst_text.p = NULL;
    /* absent is n = 0 (nothing reads p then): a VPC record pays for the
     * stores only */
    for (int i = 0; i < FL_TGW__COUNT; i++) r->tgw[i].n = 0;
}

static void rec_finish(fl_rec *r)
{
    if (!(r->has & FLR_SRC)) memset(&r->src, 0, sizeof r->src);
    if (!(r->has & FLR_DST)) memset(&r->dst, 0, sizeof r->dst);
    if (!(r->has & FLR_PKT_SRC)) memset(&r->pkt_src, 0, sizeof r->pkt_src);
    if (!(r->has & FLR_PKT_DST)) memset(&r->pkt_dst, 0, sizeof r->pkt_dst);
}

int flowlog_parse_line(const flowlog_format *f, const char *line, size_t n, fl_rec *r, char *err,
                       size_t errlen)
{
    if (n > FLOWLOG_MAX_LINE)
        return fc_err(err, errlen, "line longer than %d bytes", FLOWLOG_MAX_LINE);
    if (n && line[n - 1] == '\r') n--;

    const char *tp[FLOWLOG_MAX_FIELDS];
    uint32_t tn[FLOWLOG_MAX_FIELDS];
    int nt = tokenize(line, n, tp, tn, FLOWLOG_MAX_FIELDS);
    if (nt < 0) return fc_err(err, errlen, "NUL byte in line");
    if (nt != f->ncols) return fc_err(err, errlen, "expected %d fields, got %d", f->ncols, nt);

    rec_clear(r);
    if (f->v2_default) {
        /* the default format: fixed order, no per-field dispatch */
        if (parse_field(r, FLF_VERSION, tp[0], tn[0], err, errlen) < 0 ||
            parse_field(r, FLF_ACCOUNT_ID, tp[1], tn[1], err, errlen) < 0 ||
            parse_field(r, FLF_INTERFACE_ID, tp[2], tn[2], err, errlen) < 0 ||
            parse_field(r, FLF_SRCADDR, tp[3], tn[3], err, errlen) < 0 ||
            parse_field(r, FLF_DSTADDR, tp[4], tn[4], err, errlen) < 0 ||
            parse_field(r, FLF_SRCPORT, tp[5], tn[5], err, errlen) < 0 ||
            parse_field(r, FLF_DSTPORT, tp[6], tn[6], err, errlen) < 0 ||
            parse_field(r, FLF_PROTOCOL, tp[7], tn[7], err, errlen) < 0 ||
            parse_field(r, FLF_PACKETS, tp[8], tn[8], err, errlen) < 0 ||
            parse_field(r, FLF_BYTES, tp[9], tn[9], err, errlen) < 0 ||
            parse_field(r, FLF_START, tp[10], tn[10], err, errlen) < 0 ||
            parse_field(r, FLF_END, tp[11], tn[11], err, errlen) < 0 ||
            parse_field(r, FLF_ACTION, tp[12], tn[12], err, errlen) < 0 ||
            parse_field(r, FLF_LOG_STATUS, tp[13], tn[13], err, errlen) < 0)
            return -1;
    } else {
        for (int c = 0; c < nt; c++)
            if (parse_field(r, (enum flowlog_field)f->col[c], tp[c], tn[c], err, errlen) < 0) return -1;
    }
    rec_finish(r);
    return 0;
}

/* ---- values already split into fields (Parquet columns) ---- */

void flowlog_rec_clear(fl_rec *r)
{
    rec_clear(r);
    rec_finish(r); /* the addresses too: the fast parser leaves those outside the format as they are */
}

void flowlog_rec_finish(fl_rec *r)
{
    rec_finish(r);
}

/* A value the line parser would see as exactly one token: no separator,
 * no NUL, no newline or CR (a CR ending a line is dropped there). Fields
 * that parse_field checks reject such bytes anyway; the others (unused
 * fields, kept as columns) are taken as they are, so this is their test. */
static bool one_token(const char *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if ((unsigned char)p[i] <= ' ') return false;
    return true;
}

#define COLUMN_CASE(ID)                                                                   \
    case ID:                                                                              \
        for (size_t i = 0; i < n; i++) {                                                  \
            fl_view v = vals[i].n ? vals[i] : dash;                                       \
            if (parse_field(&recs[i], ID, v.p, v.n, err, sizeof err) < 0) bad[i] = 1;     \
        }                                                                                 \
        break;

/* IPv6 goes to inet_pton, which stops at a NUL: the line parser rejects
 * the whole line then */
#define ADDR_CASE(ID)                                                                     \
    case ID:                                                                              \
        for (size_t i = 0; i < n; i++) {                                                  \
            fl_view v = vals[i].n ? vals[i] : dash;                                       \
            if (parse_field(&recs[i], ID, v.p, v.n, err, sizeof err) < 0 ||               \
                !one_token(v.p, v.n))                                                     \
                bad[i] = 1;                                                               \
        }                                                                                 \
        break;

void flowlog_parse_values(enum flowlog_field id, const fl_view *vals, size_t n, fl_rec *recs, uint8_t *bad)
{
    static const fl_view dash = {"-", 1}; /* an empty value is written as '-' in text */
    char err[192];
    switch (id) {
    COLUMN_CASE(FLF_VERSION)
    COLUMN_CASE(FLF_ACCOUNT_ID)
    COLUMN_CASE(FLF_INTERFACE_ID)
    ADDR_CASE(FLF_SRCADDR)
    ADDR_CASE(FLF_DSTADDR)
    COLUMN_CASE(FLF_SRCPORT)
    COLUMN_CASE(FLF_DSTPORT)
    COLUMN_CASE(FLF_PROTOCOL)
    COLUMN_CASE(FLF_PACKETS)
    COLUMN_CASE(FLF_BYTES)
    COLUMN_CASE(FLF_START)
    COLUMN_CASE(FLF_END)
    COLUMN_CASE(FLF_ACTION)
    COLUMN_CASE(FLF_LOG_STATUS)
    ADDR_CASE(FLF_PKT_SRCADDR)
    ADDR_CASE(FLF_PKT_DSTADDR)
    COLUMN_CASE(FLF_PKT_SRC_AWS_SERVICE)
    COLUMN_CASE(FLF_PKT_DST_AWS_SERVICE)
    COLUMN_CASE(FLF_FLOW_DIRECTION)
    COLUMN_CASE(FLF_TRAFFIC_PATH)
    COLUMN_CASE(FLF_VPC_ID)
    COLUMN_CASE(FLF_SUBNET_ID)
    COLUMN_CASE(FLF_INSTANCE_ID)
    COLUMN_CASE(FLF_AZ_ID)
    COLUMN_CASE(FLF_REGION)
    default:
        for (size_t i = 0; i < n; i++) {
            fl_view v = vals[i].n ? vals[i] : dash;
            if (!one_token(v.p, v.n) || parse_field(&recs[i], id, v.p, v.n, err, sizeof err) < 0) bad[i] = 1;
        }
        break;
    }
}
#undef COLUMN_CASE
#undef ADDR_CASE

bool flowlog_field_numeric(enum flowlog_field id)
{
    switch (id) {
    case FLF_VERSION: case FLF_SRCPORT: case FLF_DSTPORT: case FLF_PROTOCOL: case FLF_PACKETS:
    case FLF_BYTES: case FLF_START: case FLF_END: case FLF_TCP_FLAGS: case FLF_TRAFFIC_PATH:
        return true;
    default:
        return false;
    }
}

/* The largest value parse_field takes for a numeric field (its decimal
 * text has no sign and no leading zero, so that is the only test). */
static uint64_t number_max(enum flowlog_field id)
{
    switch (id) {
    case FLF_SRCPORT: case FLF_DSTPORT: return 65535;
    case FLF_PROTOCOL: return 255;
    case FLF_START: case FLF_END: return INT64_MAX;
    case FLF_VERSION: case FLF_TCP_FLAGS: return UINT32_MAX;
    case FLF_TRAFFIC_PATH: return 8; /* and at least 1 */
    default: return UINT64_MAX;
    }
}

#define NUMBER_LOOP(SET)                                                                  \
    for (size_t i = 0; i < n; i++) {                                                      \
        if (nul[i]) continue;                                                             \
        int64_t x = v[i];                                                                 \
        if (x < 0 || (uint64_t)x > max) {                                                 \
            bad[i] = 1;                                                                   \
            continue;                                                                     \
        }                                                                                 \
        fl_rec *r = &recs[i];                                                             \
        SET;                                                                              \
    }                                                                                     \
    break;

void flowlog_put_numbers(enum flowlog_field id, const int64_t *v, const uint8_t *nul, size_t n, fl_rec *recs,
                         uint8_t *bad)
{
    uint64_t max = number_max(id);
    switch (id) {
    case FLF_PACKETS: NUMBER_LOOP((r->packets = (uint64_t)x, r->has |= FLR_PACKETS))
    case FLF_BYTES: NUMBER_LOOP((r->bytes = (uint64_t)x, r->has |= FLR_BYTES))
    case FLF_START: NUMBER_LOOP((r->start = norm_time((uint64_t)x), r->has |= FLR_START))
    case FLF_END: NUMBER_LOOP((r->end = norm_time((uint64_t)x), r->has |= FLR_END))
    case FLF_SRCPORT: NUMBER_LOOP((r->srcport = (uint16_t)x, r->has |= FLR_SRCPORT))
    case FLF_DSTPORT: NUMBER_LOOP((r->dstport = (uint16_t)x, r->has |= FLR_DSTPORT))
    case FLF_PROTOCOL: NUMBER_LOOP((r->protocol = (uint8_t)x, r->has |= FLR_PROTOCOL))
    case FLF_TRAFFIC_PATH: NUMBER_LOOP((x == 0 ? (void)(bad[i] = 1) : (void)(r->traffic_path = (uint8_t)x)))
    default: NUMBER_LOOP((void)r) /* checked, not kept (version, tcp-flags) */
    }
}
#undef NUMBER_LOOP

/* A field's part of a record, for values parsed once and given to many
 * records (a dictionary's entries): which member of fl_rec, and which of
 * fl_cell holds it (ip, u: a number, v: a view). One list for both ways. */
#define CELL_FIELDS(IP, U, V)                                                             \
    IP(FLF_SRCADDR, src) IP(FLF_DSTADDR, dst) IP(FLF_PKT_SRCADDR, pkt_src) IP(FLF_PKT_DSTADDR, pkt_dst) \
    U(FLF_PACKETS, packets) U(FLF_BYTES, bytes) U(FLF_START, start) U(FLF_END, end)                    \
    U(FLF_SRCPORT, srcport) U(FLF_DSTPORT, dstport) U(FLF_PROTOCOL, protocol) U(FLF_ACTION, action)     \
    U(FLF_LOG_STATUS, status) U(FLF_FLOW_DIRECTION, direction) U(FLF_TRAFFIC_PATH, traffic_path)       \
    V(FLF_INTERFACE_ID, eni) V(FLF_ACCOUNT_ID, account) V(FLF_VPC_ID, vpc) V(FLF_SUBNET_ID, subnet)     \
    V(FLF_INSTANCE_ID, instance) V(FLF_AZ_ID, az_id) V(FLF_REGION, region)                             \
    V(FLF_PKT_SRC_AWS_SERVICE, src_svc) V(FLF_PKT_DST_AWS_SERVICE, dst_svc)

static void cell_get(enum flowlog_field id, const fl_rec *r, fl_cell *c)
{
#define GET_IP(ID, M) case ID: c->ip = r->M; break;
#define GET_U(ID, M) case ID: c->u = (uint64_t)r->M; break;
#define GET_V(ID, M) case ID: c->v = r->M; break;
    switch (id) {
    CELL_FIELDS(GET_IP, GET_U, GET_V)
    default: break;
    }
#undef GET_IP
#undef GET_U
#undef GET_V
    c->has = r->has;
}

void flowlog_cells_text(enum flowlog_field id, const fl_view *vals, size_t n, fl_cell *cells)
{
    for (size_t i = 0; i < n; i++) {
        fl_rec r;
        uint8_t bad = 0;
        rec_clear(&r);
        memset(&cells[i], 0, sizeof cells[i]);
        flowlog_parse_values(id, &vals[i], 1, &r, &bad);
        if (!bad) cell_get(id, &r, &cells[i]);
        cells[i].bad = bad;
    }
}

#define CELL_LOOP(SET)                                                                    \
    for (size_t i = 0; i < n; i++) {                                                      \
        const fl_cell *c = &cells[idx[i]];                                                \
        fl_rec *r = &recs[i];                                                             \
        bad[i] |= c->bad;                                                                 \
        r->has |= c->has;                                                                 \
        SET;                                                                              \
    }                                                                                     \
    break;

void flowlog_cells_put(enum flowlog_field id, const fl_cell *cells, const uint32_t *idx, size_t n, fl_rec *recs,
                       uint8_t *bad)
{
#define PUT_IP(ID, M) case ID: CELL_LOOP(r->M = c->ip)
#define PUT_U(ID, M) case ID: CELL_LOOP(r->M = (__typeof__(r->M))c->u)
#define PUT_V(ID, M) case ID: CELL_LOOP(r->M = c->v)
    switch (id) {
    CELL_FIELDS(PUT_IP, PUT_U, PUT_V)
    default: CELL_LOOP((void)r)
    }
#undef PUT_IP
#undef PUT_U
#undef PUT_V
}
#undef CELL_LOOP
#undef CELL_FIELDS

/* ---- fast path: the line's separators first, then each field by its length ---- */

/* Why this shape: parsing field after field makes each field's start wait
 * for the previous field's end (a load, a digit test, a count: ~15 cycles a
 * field, 14+ fields a line, in series). Here the separators of a whole line
 * come from 16-byte compares at fixed offsets, so the fields' parses are
 * independent of each other and overlap. */

/* The high bit of each byte of the result is set for a non-digit of t ^
 * 0x30..30 (a byte is a digit iff it is now 0..9): the low 7 bits plus 0x76
 * reach 0x80 exactly from 10 up (no carry leaves a byte), and bytes that had
 * the high bit keep it. */
static inline __attribute__((always_inline)) uint64_t swar_nondigit(uint64_t t)
{
    return (((t & 0x7F7F7F7F7F7F7F7FULL) + 0x7676767676767676ULL) | t) & 0x8080808080808080ULL;
}

/* The value of the 8 digit values in t (first digit in the lowest byte):
 * three multiplies combine pairs, quads and the two halves (as in Lemire's
 * parse_eight_digits_unrolled). Fewer digits are shifted up first, so that
 * zeros become leading zeros. */
static inline __attribute__((always_inline)) uint64_t swar_value(uint64_t t)
{
    t = (t * 2561) >> 8;
    t = ((t & 0x00FF00FF00FF00FFULL) * 6553601) >> 16;
    return ((t & 0x0000FFFF0000FFFFULL) * 42949672960001ULL) >> 32;
}

static inline __attribute__((always_inline)) uint64_t load64(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline __attribute__((always_inline)) uint32_t load32(const char *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* The first n (1..8) bytes of a little-endian word. */
static inline __attribute__((always_inline)) uint64_t low_bytes(unsigned n)
{
    return ~UINT64_C(0) >> (64 - 8 * n);
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FL_LE 1
#endif

/* A field of n >= 1 bytes that is exactly the keyword kw (<= 8 bytes, NUL
 * padded): one 8-byte load within the line's padding. */
static inline __attribute__((always_inline)) bool fkw(const char *p, uint32_t n, const char *kw, unsigned len)
{
    if (n != len) return false;
#ifdef FL_LE
    return ((load64(p) ^ load64(kw)) & low_bytes(len)) == 0;
#else
    return memcmp(p, kw, len) == 0;
#endif
}
#define FKW(p, n, s) fkw((p), (n), s "\0\0\0\0\0\0\0\0", sizeof(s) - 1)
#define FDASH(p, n) ((n) == 1 && (p)[0] == '-')

/* A decimal field of n >= 1 bytes, at most max. Up to 16 digits are one or
 * two SWAR words (timestamps have 10, byte counts up to 9); 17 to 19 a
 * loop (no overflow possible); 20 are left to the full parser. Lazy: the
 * caller will not read the value, so it is left 0 when the digit count
 * alone shows that it fits (free: the most digits that always do); the
 * digits are checked just the same. */
static inline __attribute__((always_inline)) bool fint(const char *p, uint32_t n, uint64_t *out, uint64_t max,
                                                       unsigned free, bool lazy)
{
    uint64_t v = 0;
#ifdef FL_LE
    /* the digits shifted to the top of the word: the zeros shifted in are
     * digits too (leading zeros), the bytes after the field are gone */
    if (n <= 8) {
        uint64_t t = (load64(p) ^ 0x3030303030303030ULL) << (8 * (8 - n));
        if (swar_nondigit(t)) return false;
        if (!lazy || n > free) {
            v = swar_value(t);
            if (v > max) return false;
        }
        *out = v;
        return true;
    }
    if (n <= 16) {
        uint64_t t1 = load64(p) ^ 0x3030303030303030ULL, t2 = (load64(p + 8) ^ 0x3030303030303030ULL) << (8 * (16 - n));
        if (swar_nondigit(t1) | swar_nondigit(t2)) return false;
        if (!lazy || n > free) {
            static const uint64_t pow10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
            v = swar_value(t1) * pow10[n - 8] + swar_value(t2);
            if (v > max) return false;
        }
        *out = v;
        return true;
    }
#else
    (void)free;
    (void)lazy;
#endif
    if (n > 19) return false;
    for (uint32_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)p[i] - '0';
        if (d > 9) return false;
        v = v * 10 + d;
    }
    if (v > max) return false;
    *out = v;
    return true;
}

/* Two octets of 1..3 digits (la, lb) at a and b, as 16-bit lanes 1 and 3
 * of the result: each right-aligned in 4 bytes (leading zeros), then pairs
 * of digits combined (10 x + y), then pairs of pairs (100 x + y). A digit
 * is at most 9 and a pair at most 99, so no step carries out of its lane. */
static inline __attribute__((always_inline)) uint64_t octet_pair(const char *a, unsigned la, const char *b,
                                                                 unsigned lb)
{
    uint64_t w = (uint64_t)((load32(a) ^ 0x30303030u) << (32 - 8 * la)) |
                 (uint64_t)((load32(b) ^ 0x30303030u) << (32 - 8 * lb)) << 32;
    w = ((w * 10) + (w >> 8)) & 0x00FF00FF00FF00FFULL;
    return w * (1 + (UINT64_C(100) << 16));
}

/* An IPv4 dotted quad of exactly n bytes: four octets of 1..3 digits (a
 * leading zero is allowed, as in the full parser), each at most 255. The
 * octets' lengths come from the dots' positions, so that no branch depends
 * on them. */
static inline __attribute__((always_inline)) bool fip4(const char *p, uint32_t n, ip128 *out)
{
#ifndef FL_LE
    return n <= 15 && parse_addr(p, n, out) == 0 && memchr(p, ':', n) == NULL;
#else
    if (n - 7u > 8u) return false;
    unsigned all = (1u << n) - 1, dig, dot;
#if defined(__SSE2__)
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i d = _mm_sub_epi8(x, _mm_set1_epi8('0'));
    dig = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d));
    dot = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')));
#else
    dig = dot = 0;
    for (uint32_t i = 0; i < n; i++) {
        dig |= (unsigned)((unsigned)(unsigned char)p[i] - '0' <= 9) << i;
        dot |= (unsigned)(p[i] == '.') << i;
    }
#endif
    if (((dig | dot) & all) != all) return false;
    dot &= all;
    /* the first three dots (16 = none left); a fourth is an error */
    unsigned d1 = (unsigned)__builtin_ctz(dot | 0x10000u);
    dot &= dot - 1;
    unsigned d2 = (unsigned)__builtin_ctz(dot | 0x10000u);
    dot &= dot - 1;
    unsigned d3 = (unsigned)__builtin_ctz(dot | 0x10000u);
    dot &= dot - 1;
    unsigned l0 = d1, l1 = d2 - d1 - 1, l2 = d3 - d2 - 1, l3 = n - d3 - 1;
    /* each length 1..3 (a missing dot makes one of them wrap around) */
    if (dot || l0 - 1 > 2 || l1 - 1 > 2 || l2 - 1 > 2 || l3 - 1 > 2) return false;
    uint64_t ab = octet_pair(p, l0, p + d1 + 1, l1), cd = octet_pair(p + d2 + 1, l2, p + d3 + 1, l3);
    /* an octet over 255 has bits in the upper byte of its lane */
    if ((ab | cd) & 0xFF000000FF000000ULL) return false;
    /* the IPv4-mapped form: 10 zero bytes, ff ff, then the address
     * (ip_from_v4 inlined: it is called twice a line from another unit) */
    /* a at bit 0, b at 32; c at 16, d at 48; then b and d down by 24 */
    uint64_t t = (ab >> 16 & 0x000000FF000000FFULL) | (cd >> 16 & 0x000000FF000000FFULL) << 16;
    uint64_t lo = 0, hi = 0xffff0000ULL | (t | t >> 24) << 32;
    memcpy(out->b, &lo, 8);
    memcpy(out->b + 8, &hi, 8);
    return true;
#endif
}

/* The text t of an address parsed before in this line (n = 0: none), again
 * as this whole field: then its value needs no parsing. */
static inline __attribute__((always_inline)) bool fsame(const char *p, uint32_t n, const fl_view *t)
{
    if (t->n != n) return false;
#ifdef __SSE2__
    /* both texts lie in the line, whose padding covers 16-byte loads; n <= 15 */
    __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i b = _mm_loadu_si128((const __m128i *)(const void *)t->p);
    unsigned need = (1u << n) - 1;
    return ((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, b)) & need) == need;
#else
    return memcmp(p, t->p, n) == 0;
#endif
}

/* Bits of a 64-byte block: sp = spaces, stop = any other byte outside
 * 0x21..0x7e (the line's end, or a byte the fast path leaves to the full
 * parser). */
static inline __attribute__((always_inline)) void block_masks(const char *p, uint64_t *sp, uint64_t *stop)
{
#if defined(__SSE2__)
    /* signed compares: bytes >= 0x80 are below 0x21 too */
    const __m128i space = _mm_set1_epi8(' '), lo = _mm_set1_epi8(0x21), del = _mm_set1_epi8(0x7f);
    uint64_t s = 0, c = 0;
    for (int k = 0; k < 4; k++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        __m128i isp = _mm_cmpeq_epi8(x, space);
        __m128i ctl = _mm_or_si128(_mm_cmplt_epi8(x, lo), _mm_cmpeq_epi8(x, del));
        s |= (uint64_t)(unsigned)_mm_movemask_epi8(isp) << (16 * k);
        c |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_andnot_si128(isp, ctl)) << (16 * k);
    }
    *sp = s;
    *stop = c;
#else
    uint64_t s = 0, c = 0;
    for (int k = 0; k < 64; k++) {
        unsigned char b = (unsigned char)p[k];
        s |= (uint64_t)(b == ' ') << k;
        c |= (uint64_t)(b != ' ' && (b < 0x21 || b >= 0x7f)) << k;
    }
    *sp = s;
    *stop = c;
#endif
}

/* ctz, defined for 0 (the baseline has no tzcnt) */
static inline __attribute__((always_inline)) unsigned ctz_or_63(uint64_t x)
{
    return (unsigned)__builtin_ctzll(x | 1ULL << 63);
}

static inline __attribute__((always_inline)) unsigned popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define FL_AVX2 __attribute__((target("avx2,bmi,bmi2,popcnt")))
/* The same with two 32-byte compares. */
static inline __attribute__((always_inline)) FL_AVX2 void block_masks_avx2(const char *p, uint64_t *sp,
                                                                          uint64_t *stop)
{
    const __m256i space = _mm256_set1_epi8(' '), lo = _mm256_set1_epi8(0x21), del = _mm256_set1_epi8(0x7f);
    __m256i x0 = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i x1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
    __m256i s0 = _mm256_cmpeq_epi8(x0, space), s1 = _mm256_cmpeq_epi8(x1, space);
    __m256i c0 = _mm256_andnot_si256(s0, _mm256_or_si256(_mm256_cmpgt_epi8(lo, x0), _mm256_cmpeq_epi8(x0, del)));
    __m256i c1 = _mm256_andnot_si256(s1, _mm256_or_si256(_mm256_cmpgt_epi8(lo, x1), _mm256_cmpeq_epi8(x1, del)));
    *sp = (uint64_t)(uint32_t)_mm256_movemask_epi8(s0) | (uint64_t)(uint32_t)_mm256_movemask_epi8(s1) << 32;
    *stop = (uint64_t)(uint32_t)_mm256_movemask_epi8(c0) | (uint64_t)(uint32_t)_mm256_movemask_epi8(c1) << 32;
}

static inline __attribute__((always_inline)) FL_AVX2 unsigned tzcnt64(uint64_t x)
{
    return (unsigned)_tzcnt_u64(x);
}

static inline __attribute__((always_inline)) FL_AVX2 unsigned popcount64_hw(uint64_t x)
{
    return (unsigned)__builtin_popcountll(x);
}
#endif

/* split_line's positions per pass: a 64-byte block of a flow-log line
 * holds about 8 fields, so 12 make a second pass rare */
#define FL_FLAT 12

/* The line's shape: its end (the first '\n'; a CR before it is no part of
 * the last field) and its fields, single-space separated and non-empty,
 * every byte printable ASCII. at[c] = where field c starts, for c <=
 * ncols (at[ncols] = one past the last field's end + 1, so that field c is
 * [at[c], at[c + 1] - 1)). Returns the line's length to the '\n', or 0
 * when the line has another shape (the full parser decides then). One
 * body for both instruction sets (BLOCK_MASKS, POPCOUNT). */
#define SPLIT_LINE_BODY(BLOCK_MASKS, POPCOUNT, CTZ)                                                               \
    const unsigned maxsep = (unsigned)ncols - 1;                                                               \
    unsigned nsep = 0;                                                                                         \
    uint64_t carry = 1; /* "the byte before was a space": a leading space is an empty field */                \
    uint32_t *o = at + 1;                                                                                      \
    at[0] = 0;                                                                                                 \
    for (size_t base = 0;; base += 64) {                                                                       \
        uint64_t sp, stop;                                                                                     \
        BLOCK_MASKS(line + base, &sp, &stop);                                                                  \
        if (stop) sp &= (stop & (0 - stop)) - 1; /* spaces before the end only */                              \
        if (sp & (sp << 1 | carry)) return 0;    /* an empty field */                                          \
        carry = sp >> 63;                                                                                      \
        unsigned cnt = POPCOUNT(sp);                                                                           \
        if (nsep + cnt > maxsep) return 0;                                                                     \
        /* FL_FLAT positions a pass, unconditionally (at has as many spare):                                   \
         * one predictable loop pass for the usual <= 8 fields a block; the                                    \
         * extra positions (CTZ of 0: 63 or 64) are overwritten */                                             \
        nsep += cnt;                                                                                           \
        while (sp) {                                                                                           \
            for (int k = 0; k < FL_FLAT; k++) {                                                                \
                o[k] = (uint32_t)(base + CTZ(sp) + 1);                                                         \
                sp &= sp - 1;                                                                                  \
            }                                                                                                  \
            o += FL_FLAT;                                                                                      \
        }                                                                                                      \
        o = at + 1 + nsep;                                                                                     \
        if (stop) {                                                                                            \
            size_t e = base + (unsigned)__builtin_ctzll(stop), n = e;                                          \
            if (line[e] == '\r') n++;                                                                          \
            if (line[n] != '\n' || n > FLOWLOG_MAX_LINE || nsep != maxsep) return 0;                           \
            /* a non-empty last field (a space before the end is an empty one) */                              \
            if (e == 0 || line[e - 1] == ' ') return 0;                                                        \
            at[ncols] = (uint32_t)e + 1;                                                                       \
            return n;                                                                                          \
        }                                                                                                      \
        if (base > FLOWLOG_MAX_LINE) return 0;                                                                 \
    }

static inline __attribute__((always_inline)) size_t split_line(const char *line, int ncols, uint32_t *at)
{
    SPLIT_LINE_BODY(block_masks, popcount64, ctz_or_63)
}

#ifdef FL_AVX2
static inline __attribute__((always_inline)) FL_AVX2 size_t split_line_avx2(const char *line, int ncols,
                                                                           uint32_t *at)
{
    SPLIT_LINE_BODY(block_masks_avx2, popcount64_hw, tzcnt64)
}
#endif
#undef SPLIT_LINE_BODY

_Static_assert(FLF__COUNT <= 64, "flowlog_format.lazy has a bit per field");
#define LAZY(id) ((lazy >> (id) & 1) != 0)
/* One field [p, p + n), n >= 1, printable ASCII: its value into r (or the
 * field's zero when it is '-', absent), its flag into *has. False when it
 * is neither its syntax nor '-'. */
static inline __attribute__((always_inline)) bool ffield(fl_rec *r, enum flowlog_field id, const char *p,
                                                         uint32_t n, uint64_t lazy, unsigned *has)
{
    uint64_t v = 0;
    fl_view *view;
    switch (id) {
    case FLF_SRCADDR:
    case FLF_DSTADDR: {
        bool s = id == FLF_SRCADDR;
        ip128 *ip = s ? &r->src : &r->dst;
        fl_view *text = s ? &r->src_text : &r->dst_text;
        if (fip4(p, n, ip)) {
            *text = (fl_view){p, n};
            *has |= s ? FLR_SRC : FLR_DST;
        } else if (FDASH(p, n)) {
            memset(ip, 0, sizeof *ip);
            *text = (fl_view){NULL, 0};
        } else {
            return false;
        }
        break;
    }
    case FLF_PKT_SRCADDR:
    case FLF_PKT_DSTADDR: {
        bool s = id == FLF_PKT_SRCADDR;
        ip128 *ip = s ? &r->pkt_src : &r->pkt_dst;
        if (fsame(p, n, s ? &r->src_text : &r->dst_text)) *ip = s ? r->src : r->dst;
        else if (!fip4(p, n, ip)) {
            if (!FDASH(p, n)) return false;
            memset(ip, 0, sizeof *ip);
            break;
        }
        *has |= s ? FLR_PKT_SRC : FLR_PKT_DST;
        break;
    }
    case FLF_PACKETS:
        if (fint(p, n, &r->packets, UINT64_MAX, 0, false)) *has |= FLR_PACKETS;
        else if (FDASH(p, n)) r->packets = 0;
        else return false;
        break;
    case FLF_BYTES:
        if (fint(p, n, &r->bytes, UINT64_MAX, 0, false)) *has |= FLR_BYTES;
        else if (FDASH(p, n)) r->bytes = 0;
        else return false;
        break;
    case FLF_START:
        if (fint(p, n, &v, INT64_MAX, 18, LAZY(FLF_START))) *has |= FLR_START;
        else if (!FDASH(p, n)) return false;
        r->start = norm_time(v);
        break;
    case FLF_END:
        if (fint(p, n, &v, INT64_MAX, 18, LAZY(FLF_END))) *has |= FLR_END;
        else if (!FDASH(p, n)) return false;
        r->end = norm_time(v);
        break;
    case FLF_SRCPORT:
        if (fint(p, n, &v, 65535, 4, LAZY(FLF_SRCPORT))) *has |= FLR_SRCPORT;
        else if (!FDASH(p, n)) return false;
        r->srcport = (uint16_t)v;
        break;
    case FLF_DSTPORT:
        if (fint(p, n, &v, 65535, 4, LAZY(FLF_DSTPORT))) *has |= FLR_DSTPORT;
        else if (!FDASH(p, n)) return false;
        r->dstport = (uint16_t)v;
        break;
    case FLF_PROTOCOL:
        if (fint(p, n, &v, 255, 2, LAZY(FLF_PROTOCOL))) *has |= FLR_PROTOCOL;
        else if (!FDASH(p, n)) return false;
        r->protocol = (uint8_t)v;
        break;
    case FLF_VERSION:
    case FLF_TCP_FLAGS:
        /* checked, never read */
        if (!fint(p, n, &v, UINT32_MAX, 9, true) && !FDASH(p, n)) return false;
        break;
    case FLF_ACTION:
        if (FKW(p, n, "ACCEPT")) r->action = FL_ACCEPT;
        else if (FKW(p, n, "REJECT")) r->action = FL_REJECT;
        else if (FDASH(p, n)) r->action = 0;
        else return false;
        break;
    case FLF_LOG_STATUS:
        if (FKW(p, n, "OK")) r->status = FL_OK;
        else if (FKW(p, n, "NODATA")) r->status = FL_NODATA;
        else if (FKW(p, n, "SKIPDATA")) r->status = FL_SKIPDATA;
        else if (FDASH(p, n)) r->status = 0;
        else return false;
        break;
    case FLF_FLOW_DIRECTION:
        if (FKW(p, n, "egress")) r->direction = FL_EGRESS;
        else if (FKW(p, n, "ingress")) r->direction = FL_INGRESS;
        else if (FDASH(p, n)) r->direction = 0;
        else return false;
        break;
    case FLF_TRAFFIC_PATH:
        if (n == 1 && p[0] >= '1' && p[0] <= '8') r->traffic_path = (uint8_t)(p[0] - '0');
        else if (FDASH(p, n)) r->traffic_path = 0;
        else return false;
        break;
    default:
        /* identifiers, printable without spaces as split_line made sure;
         * opaque and unused fields: any such token */
        view = rec_view(r, id);
        if (view) *view = FDASH(p, n) ? (fl_view){NULL, 0} : (fl_view){p, n};
        break;
    }
    return true;
}

/* The fields of a line split_line took. */
static inline __attribute__((always_inline)) size_t parse_fields(const flowlog_format *f, const char *line,
                                                                 fl_rec *r, const uint32_t *at, size_t n)
{
    unsigned has = 0;
    uint64_t lazy = f->lazy;
    int c = 0;
    /* pkt-srcaddr before srcaddr in a custom layout must not meet the
     * previous line's text */
    r->src_text.n = r->dst_text.n = 0;
#define FIELD(id, c) (unsigned)ffield(r, id, line + at[c], at[(c) + 1] - at[c] - 1, lazy, &has)
    if (f->v2_prefix) {
        /* the v2 fields in their default order, which most custom formats
         * also start with: no per-field dispatch for those */
        if (!(FIELD(FLF_VERSION, 0) & FIELD(FLF_ACCOUNT_ID, 1) & FIELD(FLF_INTERFACE_ID, 2) &
              FIELD(FLF_SRCADDR, 3) & FIELD(FLF_DSTADDR, 4) & FIELD(FLF_SRCPORT, 5) & FIELD(FLF_DSTPORT, 6) &
              FIELD(FLF_PROTOCOL, 7) & FIELD(FLF_PACKETS, 8) & FIELD(FLF_BYTES, 9) & FIELD(FLF_START, 10) &
              FIELD(FLF_END, 11) & FIELD(FLF_ACTION, 12) & FIELD(FLF_LOG_STATUS, 13)))
            return 0;
        c = 14;
    }
    for (; c < f->ncols; c++)
        if (!FIELD((enum flowlog_field)f->col[c], c)) return 0;
#undef FIELD
    r->has = has;
    return n;
}

/* GCC's SLP vectorizer packs split_line's eight positions into vectors
 * (a dozen inserts for one add): slower than the scalar stores */
#if defined(__GNUC__) && !defined(__clang__)
#define FL_NO_SLP __attribute__((optimize("no-tree-slp-vectorize")))
#else
#define FL_NO_SLP
#endif

static FL_NO_SLP size_t parse_fast_base(const flowlog_format *f, const char *line, fl_rec *r)
{
    uint32_t at[FLOWLOG_MAX_FIELDS + 1 + FL_FLAT];
    size_t n = split_line(line, f->ncols, at);
    return n ? parse_fields(f, line, r, at, n) : 0;
}

#ifdef FL_AVX2
/* the same, compiled for AVX2/BMI (tzcnt, blsr, shlx; 32-byte compares) */
static FL_AVX2 FL_NO_SLP size_t parse_fast_avx2(const flowlog_format *f, const char *line, fl_rec *r)
{
    uint32_t at[FLOWLOG_MAX_FIELDS + 1 + FL_FLAT];
    size_t n = split_line_avx2(line, f->ncols, at);
    return n ? parse_fields(f, line, r, at, n) : 0;
}
#endif

size_t flowlog_parse_fast(const flowlog_format *f, const char *line, fl_rec *r)
{
#ifdef FL_AVX2
    if (f->avx2) return parse_fast_avx2(f, line, r);
#endif
    return parse_fast_base(f, line, r);
}
#undef LAZY
