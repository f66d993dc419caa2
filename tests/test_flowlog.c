/* Unit tests of src/flowlog.c: the field table, header lines, --fields in
 * both syntaxes, the line parser and its fast path on good and bad records,
 * and what an input's first bytes look like. The cases are rows of
 * tests/flowlog/cases.txt (its head says how to write one), read by the
 * runner below; what is generated rather than written out (every field of
 * the table, every digit count, a forbidden byte at every position, lines
 * too long to write) stays here in C. */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "check.h"
#include "flowlog.h"
#include "fuzz/rec_same.h"

/* The test's own copy of the field names, so that a case names a field in
 * text without trusting the table it tests. */
static const char *const field_names[FLF__COUNT] = {
    [FLF_OPAQUE] = "-", [FLF_VERSION] = "version", [FLF_ACCOUNT_ID] = "account-id",
    [FLF_INTERFACE_ID] = "interface-id", [FLF_SRCADDR] = "srcaddr", [FLF_DSTADDR] = "dstaddr",
    [FLF_SRCPORT] = "srcport", [FLF_DSTPORT] = "dstport", [FLF_PROTOCOL] = "protocol",
    [FLF_PACKETS] = "packets", [FLF_BYTES] = "bytes", [FLF_START] = "start", [FLF_END] = "end",
    [FLF_ACTION] = "action", [FLF_LOG_STATUS] = "log-status", [FLF_VPC_ID] = "vpc-id",
    [FLF_SUBNET_ID] = "subnet-id", [FLF_INSTANCE_ID] = "instance-id", [FLF_TCP_FLAGS] = "tcp-flags",
    [FLF_TYPE] = "type", [FLF_PKT_SRCADDR] = "pkt-srcaddr", [FLF_PKT_DSTADDR] = "pkt-dstaddr",
    [FLF_REGION] = "region", [FLF_AZ_ID] = "az-id", [FLF_SUBLOCATION_TYPE] = "sublocation-type",
    [FLF_SUBLOCATION_ID] = "sublocation-id", [FLF_PKT_SRC_AWS_SERVICE] = "pkt-src-aws-service",
    [FLF_PKT_DST_AWS_SERVICE] = "pkt-dst-aws-service", [FLF_FLOW_DIRECTION] = "flow-direction",
    [FLF_TRAFFIC_PATH] = "traffic-path", [FLF_ECS_CLUSTER_ARN] = "ecs-cluster-arn",
    [FLF_ECS_CLUSTER_NAME] = "ecs-cluster-name", [FLF_ECS_CONTAINER_INSTANCE_ARN] = "ecs-container-instance-arn",
    [FLF_ECS_CONTAINER_INSTANCE_ID] = "ecs-container-instance-id", [FLF_ECS_CONTAINER_ID] = "ecs-container-id",
    [FLF_ECS_SECOND_CONTAINER_ID] = "ecs-second-container-id", [FLF_ECS_SERVICE_NAME] = "ecs-service-name",
    [FLF_ECS_TASK_DEFINITION_ARN] = "ecs-task-definition-arn", [FLF_ECS_TASK_ARN] = "ecs-task-arn",
    [FLF_ECS_TASK_ID] = "ecs-task-id", [FLF_REJECT_REASON] = "reject-reason",
    [FLF_RESOURCE_TYPE] = "resource-type", [FLF_TGW_ID] = "tgw-id", [FLF_TGW_ATTACHMENT_ID] = "tgw-attachment-id",
    [FLF_TGW_SRC_VPC_ACCOUNT_ID] = "tgw-src-vpc-account-id", [FLF_TGW_DST_VPC_ACCOUNT_ID] = "tgw-dst-vpc-account-id",
    [FLF_TGW_SRC_VPC_ID] = "tgw-src-vpc-id", [FLF_TGW_DST_VPC_ID] = "tgw-dst-vpc-id",
    [FLF_TGW_SRC_SUBNET_ID] = "tgw-src-subnet-id", [FLF_TGW_DST_SUBNET_ID] = "tgw-dst-subnet-id",
    [FLF_TGW_SRC_ENI] = "tgw-src-eni", [FLF_TGW_DST_ENI] = "tgw-dst-eni", [FLF_TGW_SRC_AZ_ID] = "tgw-src-az-id",
    [FLF_TGW_DST_AZ_ID] = "tgw-dst-az-id", [FLF_TGW_PAIR_ATTACHMENT_ID] = "tgw-pair-attachment-id",
    [FLF_PACKETS_LOST_NO_ROUTE] = "packets-lost-no-route", [FLF_PACKETS_LOST_BLACKHOLE] = "packets-lost-blackhole",
    [FLF_PACKETS_LOST_MTU_EXCEEDED] = "packets-lost-mtu-exceeded",
    [FLF_PACKETS_LOST_TTL_EXPIRED] = "packets-lost-ttl-expired",
};

static int field_of(const char *name)
{
    for (int i = 0; i < FLF__COUNT; i++)
        if (field_names[i] && strcmp(field_names[i], name) == 0) return i;
    return -1;
}

static const char *const content_names[FLC__COUNT] = {
    [FLC_TEXT] = "text", [FLC_PARQUET] = "parquet", [FLC_JSON_CWL] = "json-cwl", [FLC_JSON] = "json",
    [FLC_BINARY] = "binary",
};
static const char *const action_names[] = {[FL_ACTION_NONE] = "-", [FL_ACCEPT] = "ACCEPT", [FL_REJECT] = "REJECT"};
static const char *const status_names[] = {[FL_STATUS_NONE] = "-", [FL_OK] = "OK", [FL_NODATA] = "NODATA",
                                           [FL_SKIPDATA] = "SKIPDATA"};
static const char *const dir_names[] = {[FL_DIR_NONE] = "-", [FL_INGRESS] = "ingress", [FL_EGRESS] = "egress"};
static const struct {
    const char *name;
    unsigned bit;
} has_names[] = {
    {"src", FLR_SRC},         {"dst", FLR_DST},         {"pkt-src", FLR_PKT_SRC}, {"pkt-dst", FLR_PKT_DST},
    {"packets", FLR_PACKETS}, {"bytes", FLR_BYTES},     {"start", FLR_START},     {"end", FLR_END},
    {"srcport", FLR_SRCPORT}, {"dstport", FLR_DSTPORT}, {"protocol", FLR_PROTOCOL},
};

/* A copy of a line followed by FLOWLOG_PAD bytes of junk (never a space or
 * digit that could make a bad line look good), as the fast parser requires;
 * it stays valid until the next call. */
static char *padded(const char *s, size_t n)
{
    static char buf[FLOWLOG_MAX_LINE + 2 + FLOWLOG_PAD];
    if (n > FLOWLOG_MAX_LINE + 1) abort();
    memcpy(buf, s, n);
    memset(buf + n, 'Z', FLOWLOG_PAD);
    buf[n] = '\n';
    return buf;
}

/* The fast path on a record cleared first, as its callers do. */
static size_t fast_clear(const flowlog_format *f, const char *line, fl_rec *r)
{
    flowlog_rec_clear(r);
    return flowlog_parse_fast(f, line, r);
}


/* ---- the case runner ---- */

enum { MAXTEXT = 1024 };

/* What the last command left for its expectations. */
typedef struct {
    const char *path;
    int line;          /* of the expectation being checked */
    int rc;            /* 0 ok, -1 error, 1 not a header */
    bool is_fast;      /* for `fast`: the fast path took the line */
    bool have_format, have_rec, have_fast;
    char value[MAXTEXT]; /* `is` compares with this */
    char err[256];
    flowlog_format f;
    fl_rec r;
    char text[MAXTEXT]; /* the line the record's views point into */
    int fmt_gen, run_gen; /* formats set; the one `run` was cleared for */
    fl_rec run;           /* kept across the `fast` lines of one format */
} runner;

__attribute__((format(printf, 2, 3))) static void fail(runner *t, const char *fmt, ...)
{
    check_failed++;
    fprintf(stderr, "%s:%d: ", t->path, t->line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void expect_str(runner *t, const char *what, const char *got, const char *want)
{
    if (strcmp(got, want) == 0) {
        check_passed++;
        return;
    }
    fail(t, "%s: expected '%s', got '%s'", what, want, got);
}

static void expect_u64(runner *t, const char *what, uint64_t got, const char *want)
{
    char g[32];
    snprintf(g, sizeof g, "%" PRIu64, got);
    expect_str(t, what, g, want);
}

/* Decodes the text of a case: "quoted" or to the end of the line, with
 * \t \r \n \\ \0 \xHH. Returns its length; -1 on a bad escape. */
static int unescape(const char *s, char *out, size_t cap)
{
    size_t n = strlen(s), k = 0;
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') s++, n -= 2;
    for (size_t i = 0; i < n; i++) {
        if (k + 1 >= cap) return -1;
        char c = s[i];
        if (c == '\\' && i + 1 < n) {
            c = s[++i];
            static const char from[] = "trn\\0", to[] = "\t\r\n\\\0";
            const char *p = memchr(from, c, sizeof from - 1);
            if (p) c = to[p - from];
            else if (c == 'x' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2])) {
                char h[3] = {s[i + 1], s[i + 2], 0};
                c = (char)strtol(h, NULL, 16);
                i += 2;
            } else
                return -1;
        }
        out[k++] = c;
    }
    out[k] = 0;
    return (int)k;
}

static const fl_view *view_of(const fl_rec *r, const char *key)
{
    static const struct {
        const char *key;
        size_t off;
    } views[] = {
        {"eni", offsetof(fl_rec, eni)},         {"account", offsetof(fl_rec, account)},
        {"vpc", offsetof(fl_rec, vpc)},         {"subnet", offsetof(fl_rec, subnet)},
        {"instance", offsetof(fl_rec, instance)}, {"az-id", offsetof(fl_rec, az_id)},
        {"region", offsetof(fl_rec, region)},   {"src-svc", offsetof(fl_rec, src_svc)},
        {"dst-svc", offsetof(fl_rec, dst_svc)},
        {"tgw-id", offsetof(fl_rec, tgw[FL_TGW_ID])},
        {"tgw-attachment-id", offsetof(fl_rec, tgw[FL_TGW_ATTACH])},
        {"tgw-pair-attachment-id", offsetof(fl_rec, tgw[FL_TGW_PAIR])},
        {"tgw-src-vpc-account-id", offsetof(fl_rec, tgw[FL_TGW_SRC_ACCOUNT])},
        {"tgw-dst-vpc-account-id", offsetof(fl_rec, tgw[FL_TGW_DST_ACCOUNT])},
        {"tgw-src-vpc-id", offsetof(fl_rec, tgw[FL_TGW_SRC_VPC])},
        {"tgw-dst-vpc-id", offsetof(fl_rec, tgw[FL_TGW_DST_VPC])},
    };
    for (size_t i = 0; i < sizeof views / sizeof *views; i++)
        if (strcmp(views[i].key, key) == 0) return (const fl_view *)(const void *)((const char *)r + views[i].off);
    return NULL;
}

static const ip128 *addr_of(const fl_rec *r, const char *key)
{
    return strcmp(key, "src") == 0       ? &r->src
           : strcmp(key, "dst") == 0     ? &r->dst
           : strcmp(key, "pkt-src") == 0 ? &r->pkt_src
           : strcmp(key, "pkt-dst") == 0 ? &r->pkt_dst
                                         : NULL;
}

static bool num_of(const fl_rec *r, const char *key, uint64_t *v)
{
    static const char *const keys[] = {"srcport", "dstport", "protocol", "packets", "bytes",
                                       "start", "end", "traffic-path"};
    const uint64_t vals[] = {r->srcport, r->dstport, r->protocol, r->packets, r->bytes,
                             (uint64_t)r->start, (uint64_t)r->end, r->traffic_path};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (strcmp(keys[i], key) == 0) return *v = vals[i], true;
    return false;
}

static unsigned has_bits(runner *t, char *list)
{
    unsigned bits = 0;
    for (char *w = strtok(list, " "); w; w = strtok(NULL, " ")) {
        size_t i = 0;
        while (i < sizeof has_names / sizeof *has_names && strcmp(has_names[i].name, w)) i++;
        if (i == sizeof has_names / sizeof *has_names) fail(t, "unknown flag '%s'", w);
        else bits |= has_names[i].bit;
    }
    return bits;
}

static const char *name_at(const char *const *names, size_t n, unsigned v)
{
    return v < n && names[v] ? names[v] : "?";
}
#define NAME(tab, v) name_at(tab, sizeof tab / sizeof *tab, v)

/* One expectation line: KEY [VALUE]. */
static void expect(runner *t, const char *key, char *val)
{
    char buf[64];
    const fl_rec *r = &t->r;
    if (strcmp(key, "ok") == 0) {
        if (t->rc == 0) check_passed++;
        else fail(t, "expected success, got %s '%s'", t->rc > 0 ? "not a header" : "an error", t->err);
    } else if (strcmp(key, "fails") == 0) {
        if (t->rc < 0) check_passed++;
        else fail(t, "expected a failure");
    } else if (strcmp(key, "error") == 0) {
        if (t->rc < 0) expect_str(t, "error", t->err, val);
        else fail(t, "expected the error '%s', got %s", val, t->rc > 0 ? "not a header" : "success");
    } else if (strcmp(key, "not-header") == 0) {
        if (t->rc == 1) check_passed++;
        else fail(t, "expected not a header");
    } else if (strcmp(key, "is") == 0) {
        expect_str(t, "value", t->value, val);
    } else if (strcmp(key, "fast") == 0 || strcmp(key, "slow") == 0) {
        if (!t->have_fast) fail(t, "'%s' after a command that is not `fast`", key);
        else expect_str(t, "path", t->is_fast ? "fast" : "slow", key);
    } else if (t->have_format && strcmp(key, "columns") == 0) {
        snprintf(buf, sizeof buf, "%d", t->f.ncols);
        expect_str(t, "columns", buf, val);
    } else if (t->have_format && strcmp(key, "col") == 0) { /* col FIELD N */
        char *sp = strchr(val, ' ');
        int fi = sp ? (*sp = 0, field_of(val)) : -1;
        if (fi < 0) return fail(t, "bad expectation 'col %s'", val);
        snprintf(buf, sizeof buf, "%d", t->f.col_of[fi]);
        expect_str(t, val, buf, sp + 1);
    } else if (t->have_format && strcmp(key, "column") == 0) { /* column I FIELD */
        int i = atoi(val);
        const char *want = strchr(val, ' ');
        if (!want || i < 0 || i >= FLOWLOG_MAX_FIELDS) return fail(t, "bad expectation 'column %s'", val);
        expect_str(t, "column", NAME(field_names, t->f.col[i]), want + 1);
    } else if (t->have_format && (strcmp(key, "v2-default") == 0 || strcmp(key, "v2-prefix") == 0)) {
        bool b = key[3] == 'd' ? t->f.v2_default : t->f.v2_prefix;
        expect_str(t, key, b ? "yes" : "no", val);
    } else if (!t->have_rec) {
        fail(t, "'%s' has no result to look at", key);
    } else if (addr_of(r, key)) {
        char ip[IP_STRLEN];
        ip_format(addr_of(r, key), ip, sizeof ip);
        expect_str(t, key, ip, val);
    } else if (view_of(r, key)) {
        const fl_view *v = view_of(r, key);
        char got[MAXTEXT];
        if (v->n) snprintf(got, sizeof got, "%.*s", (int)v->n, v->p);
        else snprintf(got, sizeof got, "-");
        expect_str(t, key, got, val);
    } else if (num_of(r, key, &(uint64_t){0})) {
        uint64_t v;
        num_of(r, key, &v);
        expect_u64(t, key, v, val);
    } else if (strcmp(key, "action") == 0) {
        expect_str(t, key, NAME(action_names, r->action), val);
    } else if (strcmp(key, "status") == 0) {
        expect_str(t, key, NAME(status_names, r->status), val);
    } else if (strcmp(key, "direction") == 0) {
        expect_str(t, key, NAME(dir_names, r->direction), val);
    } else if (strcmp(key, "has") == 0 && strcmp(val, "none") == 0) {
        snprintf(buf, sizeof buf, "%#x", r->has);
        expect_str(t, "has", buf, "0");
    } else if (strcmp(key, "has") == 0 || strcmp(key, "lacks") == 0) {
        unsigned bits = has_bits(t, val), want = key[0] == 'h' ? bits : 0;
        snprintf(buf, sizeof buf, "%#x", r->has & bits);
        char w[32];
        snprintf(w, sizeof w, "%#x", want);
        expect_str(t, key, buf, w);
    } else {
        fail(t, "unknown expectation '%s'", key);
    }
}

/* The fast path on one line with the current format: whether it takes the
 * line, the same record as the full parser when it does, and the same
 * answer with ports, protocol and times read lazily. Both of its variants
 * (baseline and, where the CPU has it, AVX2) must give the same answer. */
static void run_fast(runner *t, const char *line, size_t n)
{
    char *copy = padded(line, n);
    fl_rec b;
    t->is_fast = fast_clear(&t->f, copy, &t->r) == n;
    t->have_fast = true;
    t->have_rec = t->is_fast;
    if (t->is_fast) {
        if (flowlog_parse_line(&t->f, copy, n, &b, t->err, sizeof t->err) == 0 && rec_same(&t->r, &b))
            check_passed++;
        else
            fail(t, "the fast path and the full parser disagree");
        /* the record of the earlier `fast` lines of this format, as a
         * caller keeps one across the lines of an input: the same record */
        if (t->run_gen != t->fmt_gen) {
            flowlog_rec_clear(&t->run);
            t->run_gen = t->fmt_gen;
        }
        if (flowlog_parse_fast(&t->f, copy, &t->run) == n && rec_same(&t->run, &b))
            check_passed++;
        else
            fail(t, "the fast path depends on what earlier lines left in the record");
    }
    if (t->f.avx2) {
        flowlog_format base = t->f;
        base.avx2 = false;
        fl_rec d;
        bool base_fast = fast_clear(&base, copy, &d) == n;
        if (base_fast == t->is_fast && (!base_fast || rec_same(&d, &t->r)))
            check_passed++;
        else
            fail(t, "the baseline and AVX2 fast paths disagree");
    }
    flowlog_format lz = t->f;
    lz.lazy = 1ull << FLF_SRCPORT | 1ull << FLF_DSTPORT | 1ull << FLF_PROTOCOL | 1ull << FLF_START |
              1ull << FLF_END;
    fl_rec c;
    bool lazy_fast = fast_clear(&lz, copy, &c) == n;
    const fl_rec *a = &t->r;
    if (lazy_fast == t->is_fast &&
        (!lazy_fast || (c.has == a->has && c.bytes == a->bytes && c.packets == a->packets && c.action == a->action &&
                        c.status == a->status && ip_eq(&c.src, &a->src) && ip_eq(&c.dst, &a->dst) &&
                        c.eni.n == a->eni.n)))
        check_passed++;
    else
        fail(t, "lazy fields change the fast path's answer");
}

/* Runs one command; its result stays in t for the expectations. */
static void run_command(runner *t, const char *cmd, const char *arg)
{
    char text[MAXTEXT];
    int n = unescape(arg, text, sizeof text);
    if (n < 0) return fail(t, "bad text '%s'", arg);
    t->rc = 0;
    t->err[0] = t->value[0] = 0;
    t->have_rec = t->have_fast = t->have_format = false;
    if (strcmp(cmd, "lookup") == 0) {
        snprintf(t->value, sizeof t->value, "%s", NAME(field_names, flowlog_field_lookup(text, (size_t)n)));
    } else if (strcmp(cmd, "version") == 0) {
        int fi = field_of(text);
        if (fi < 0) return fail(t, "unknown field '%s'", text);
        snprintf(t->value, sizeof t->value, "%d", flowlog_field_version((enum flowlog_field)fi));
    } else if (strcmp(cmd, "suggest") == 0) {
        const char *s = flowlog_field_suggest(text, (size_t)n);
        snprintf(t->value, sizeof t->value, "%s", s ? s : "-");
    } else if (strcmp(cmd, "sniff") == 0) {
        snprintf(t->value, sizeof t->value, "%s", NAME(content_names, flowlog_sniff(text, (size_t)n)));
    } else if (strcmp(cmd, "u64") == 0) { /* MAX TEXT */
        char *sp = strchr(text, ' ');
        if (!sp) return fail(t, "u64 wants MAX TEXT, got '%s'", text);
        *sp = 0;
        uint64_t max = strtoull(text, NULL, 10), v;
        char num[MAXTEXT];
        int k = unescape(sp + 1, num, sizeof num);
        t->rc = k < 0 ? -1 : flowlog_parse_u64(num, (size_t)k, max, &v);
        if (t->rc == 0) snprintf(t->value, sizeof t->value, "%" PRIu64, v);
    } else if (strcmp(cmd, "default") == 0) {
        flowlog_format_default(&t->f);
        t->fmt_gen++;
        t->have_format = true;
    } else if (strcmp(cmd, "fields") == 0 || strcmp(cmd, "format") == 0) {
        t->fmt_gen++;
        t->rc = (cmd[1] == 'i' ? flowlog_fields_parse : flowlog_format_parse)(&t->f, text, (size_t)n, t->err,
                                                                             sizeof t->err);
        t->have_format = true;
    } else if (strcmp(cmd, "header") == 0) {
        t->fmt_gen++;
        t->f.ncols = -1;
        bool h = flowlog_header(text, (size_t)n, &t->f, t->err, sizeof t->err);
        t->rc = !h ? 1 : t->f.ncols > 0 ? 0 : -1;
        t->have_format = h;
    } else if (strcmp(cmd, "parse") == 0) {
        memcpy(t->text, text, (size_t)n + 1); /* the record's views point into it */
        t->rc = flowlog_parse_line(&t->f, t->text, (size_t)n, &t->r, t->err, sizeof t->err);
        t->have_rec = t->rc == 0;
    } else if (strcmp(cmd, "fast") == 0) {
        memcpy(t->text, text, (size_t)n + 1);
        run_fast(t, t->text, (size_t)n);
    } else {
        fail(t, "unknown command '%s'", cmd);
    }
}

/* Reads the case file; returns the number of commands run. */
static int run_cases(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "%s: cannot open\n", path);
        return 0;
    }
    runner *t = calloc(1, sizeof *t);
    t->path = path;
    char line[4096];
    int commands = 0, expectations = 0;
    bool pending = false; /* a command without an expectation yet */
    while (fgets(line, sizeof line, fp)) {
        t->line++;
        line[strcspn(line, "\n")] = 0;
        if (line[0] == '#' || line[strspn(line, " ")] == 0) continue;
        if (line[0] == ' ') {
            char *key = line + strspn(line, " "), *val = key + strcspn(key, " ");
            if (*val) *val++ = 0;
            char want[MAXTEXT];
            if (unescape(val, want, sizeof want) < 0) fail(t, "bad text '%s'", val);
            else expect(t, key, want);
            expectations++;
            pending = false;
            continue;
        }
        if (pending) fail(t, "the command before has no expectation");
        char *arg = line + strcspn(line, " ");
        if (*arg) *arg++ = 0;
        run_command(t, line, arg);
        commands++;
        pending = true;
    }
    if (pending) fail(t, "the last command has no expectation");
    fclose(fp);
    free(t);
    printf("%s: %d cases, %d expectations\n", path, commands, expectations);
    return commands;
}

/* ---- generated cases ---- */

/* Every name of the table is the test's, looks itself up, and is unique. */
static void test_field_table(void)
{
    for (int i = 1; i < FLF__COUNT; i++) {
        const char *nm = flowlog_field_name((enum flowlog_field)i);
        CHECK_STR(nm, field_names[i]);
        CHECK(flowlog_field_lookup(nm, strlen(nm)) == (enum flowlog_field)i);
    }
}

static void test_generated_lines(void)
{
    char err[256];
    fl_rec r;
    flowlog_format f;
    flowlog_format_default(&f);
    {
        size_t n = FLOWLOG_MAX_LINE + 1;
        char *big = malloc(n);
        memset(big, 'a', n);
        CHECK(flowlog_parse_line(&f, big, n, &r, err, sizeof err) < 0);
        CHECK_STR(err, "line longer than 65536 bytes");
        free(big);
    }
    {
        /* more columns than FLOWLOG_MAX_FIELDS still reports the true count */
        char line[400] = "";
        for (int i = 0; i < 70; i++) strcat(line, "1 ");
        CHECK(flowlog_parse_line(&f, line, strlen(line), &r, err, sizeof err) < 0);
        CHECK_STR(err, "expected 14 fields, got 70");
    }
    /* 4 KiB of every byte value in turn: 33 of 256 are control bytes (13%) */
    unsigned char bin[4096];
    for (size_t i = 0; i < sizeof bin; i++) bin[i] = (unsigned char)(i * 7);
    CHECK(flowlog_sniff(bin, sizeof bin) == FLC_BINARY);
    CHECK_STR(flowlog_content_desc(FLC_PARQUET), "Parquet file (not supported yet)");
}

static void test_fast_digits(void)
{
    char err[256];
    /* numbers and identifiers read 8 bytes at a time: every digit count of
     * bytes from 1 to 20 (the value is the digit string itself, so the
     * expectation is written out: "1", "12", ... "12345678901234567890"),
     * and an identifier with a forbidden byte at each position */
    {
        flowlog_format d2;
        flowlog_format_default(&d2);
        const char *digits = "12345678901234567890";
        uint64_t want = 0;
        for (int k = 1; k <= 20; k++) {
            want = want * 10 + (uint64_t)(digits[k - 1] - '0'); /* 1, 12, 123, ... */
            char line[160];
            int n = snprintf(line, sizeof line, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 %.*s %.*s 1600000000 1600000060 ACCEPT OK\n",
                             k, digits, k, digits);
            fl_rec a;
            bool fast = fast_clear(&d2, padded(line, (size_t)n - 1), &a) == (size_t)n - 1;
            if (k <= 19) { /* 20 digits are left to the checked parser */
                CHECK(fast && a.bytes == want && a.packets == want && a.start == 1600000000 && a.end == 1600000060);
            } else {
                CHECK(!fast);
                CHECK(flowlog_parse_line(&d2, line, (size_t)n - 1, &a, err, sizeof err) == 0);
                CHECK(a.bytes == 12345678901234567890ULL);
            }
        }
        /* a number followed by a letter, and one that starts with one */
        const char *badnum[] = {"2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 4000000x 1 2 ACCEPT OK\n",
                                "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 123456789012x 1 2 ACCEPT OK\n",
                                "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 x400 1 2 ACCEPT OK\n",
                                "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 40:0 1 2 ACCEPT OK\n"};
        for (size_t i = 0; i < sizeof badnum / sizeof *badnum; i++) {
            fl_rec a;
            CHECK(fast_clear(&d2, padded(badnum[i], strlen(badnum[i]) - 1), &a) == 0);
        }
        const char bad[] = {' ', '\t', 0x7f, (char)0x80, (char)0xff, 0x1f};
        for (int pos = 0; pos < 24; pos++) {
            for (size_t b = 0; b < sizeof bad; b++) {
                char eni[32];
                memcpy(eni, "eni-0123456789abcdef0123", 24);
                eni[pos] = bad[b];
                char line[160];
                int n = snprintf(line, sizeof line, "2 123 %.24s 10.0.0.1 10.0.0.2 1 2 6 3 400 1 2 ACCEPT OK\n", eni);
                fl_rec a;
                /* a space splits the field (too many fields), anything else is not an identifier */
                CHECK(fast_clear(&d2, padded(line, (size_t)n - 1), &a) == 0);
            }
            char line[160];
            int n = snprintf(line, sizeof line, "2 123 eni-0123456789abcdef0123%.*s 10.0.0.1 10.0.0.2 1 2 6 3 400 1 2 ACCEPT OK\n",
                             pos, "~!abcdefghijklmnopqrstuvwxyz");
            fl_rec a;
            CHECK(fast_clear(&d2, padded(line, (size_t)n - 1), &a) == (size_t)n - 1 && a.eni.n == (uint32_t)(24 + pos) &&
                  memcmp(a.eni.p, "eni-0123456789abcdef0123", 24) == 0);
        }
    }

}

/* Lines at FLOWLOG_MAX_LINE (65536 bytes, a CR counted): the fast path
 * takes the longest one and leaves a byte more to the full parser, which
 * rejects it. One identifier field, so the line is that identifier. */
static void test_fast_max_line(void)
{
    flowlog_format f;
    char err[256];
    CHECK(flowlog_format_parse(&f, "interface-id", 12, err, sizeof err) == 0);
    static char line[FLOWLOG_MAX_LINE + 2];
    memset(line, 'a', sizeof line);
    fl_rec r;
    CHECK(fast_clear(&f, padded(line, FLOWLOG_MAX_LINE), &r) == FLOWLOG_MAX_LINE && r.eni.n == FLOWLOG_MAX_LINE);
    CHECK(fast_clear(&f, padded(line, FLOWLOG_MAX_LINE + 1), &r) == 0);
    CHECK(flowlog_parse_line(&f, line, FLOWLOG_MAX_LINE + 1, &r, err, sizeof err) < 0);
    CHECK_STR(err, "line longer than 65536 bytes");
    /* 65535 bytes and a CR: 65536 with it; 65536 and a CR: one too many */
    line[FLOWLOG_MAX_LINE - 1] = '\r';
    CHECK(fast_clear(&f, padded(line, FLOWLOG_MAX_LINE), &r) == FLOWLOG_MAX_LINE && r.eni.n == FLOWLOG_MAX_LINE - 1);
    line[FLOWLOG_MAX_LINE - 1] = 'a';
    line[FLOWLOG_MAX_LINE] = '\r';
    CHECK(fast_clear(&f, padded(line, FLOWLOG_MAX_LINE + 1), &r) == 0);
    /* the baseline variant says the same */
    f.avx2 = false;
    CHECK(fast_clear(&f, padded(line, FLOWLOG_MAX_LINE), &r) == FLOWLOG_MAX_LINE && r.eni.n == FLOWLOG_MAX_LINE);
    CHECK(fast_clear(&f, padded(line, FLOWLOG_MAX_LINE + 1), &r) == 0);
}

int main(void)
{
    const char *src = getenv("FC_SRC");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/flowlog/cases.txt", src ? src : "..");
    CHECK(run_cases(path) >= 150); /* a lost or cut file fails */
    test_field_table();
    test_generated_lines();
    test_fast_digits();
    test_fast_max_line();
    return check_done();
}
