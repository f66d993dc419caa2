/* Unit tests of src/flowlog.c: the field table, header lines, --fields in
 * both syntaxes, and the line parser on good and bad records. Expected
 * values are written out by hand from the record text. */
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "check.h"
#include "flowlog.h"

static int parse(const flowlog_format *f, const char *line, fl_rec *r, char *err)
{
    return flowlog_parse_line(f, line, strlen(line), r, err, 256);
}

/* A copy of a line followed by FLOWLOG_PAD bytes of junk (never a space or
 * digit that could make a bad line look good), as the fast parser requires;
 * it stays valid until the next call. */
static char *padded(const char *s, size_t n)
{
    static char buf[512 + FLOWLOG_PAD];
    if (n > 512) abort();
    memcpy(buf, s, n);
    memset(buf + n, 'Z', FLOWLOG_PAD);
    buf[n] = '\n';
    return buf;
}

static int v4eq(const ip128 *ip, unsigned a, unsigned b, unsigned c, unsigned d)
{
    return ip_is_v4(ip) && ip_v4(ip) == (a << 24 | b << 16 | c << 8 | d);
}


/* Issue 12: every documented field name is known (VPC v2-v8 and Transit
 * Gateway), in its hyphenated and its Athena/Parquet underscore spelling. */
static void test_field_names(void)
{
    static const struct {
        const char *name;
        enum flowlog_field f;
    } rows[] = {
        {"interface-id", FLF_INTERFACE_ID},     {"interface_id", FLF_INTERFACE_ID},
        {"log_status", FLF_LOG_STATUS},         {"pkt_srcaddr", FLF_PKT_SRCADDR},
        {"pkt_src_aws_service", FLF_PKT_SRC_AWS_SERVICE}, {"ecs_task_definition_arn", FLF_ECS_TASK_DEFINITION_ARN},
        {"resource-type", FLF_RESOURCE_TYPE},   {"resource_type", FLF_RESOURCE_TYPE},
        {"tgw-id", FLF_TGW_ID},                 {"tgw-attachment-id", FLF_TGW_ATTACHMENT_ID},
        {"tgw-src-vpc-account-id", FLF_TGW_SRC_VPC_ACCOUNT_ID}, {"tgw-dst-vpc-account-id", FLF_TGW_DST_VPC_ACCOUNT_ID},
        {"tgw-src-vpc-id", FLF_TGW_SRC_VPC_ID}, {"tgw-dst-vpc-id", FLF_TGW_DST_VPC_ID},
        {"tgw-src-subnet-id", FLF_TGW_SRC_SUBNET_ID}, {"tgw-dst-subnet-id", FLF_TGW_DST_SUBNET_ID},
        {"tgw-src-eni", FLF_TGW_SRC_ENI},       {"tgw-dst-eni", FLF_TGW_DST_ENI},
        {"tgw-src-az-id", FLF_TGW_SRC_AZ_ID},   {"tgw-dst-az-id", FLF_TGW_DST_AZ_ID},
        {"tgw-pair-attachment-id", FLF_TGW_PAIR_ATTACHMENT_ID},
        {"packets-lost-no-route", FLF_PACKETS_LOST_NO_ROUTE}, {"packets-lost-blackhole", FLF_PACKETS_LOST_BLACKHOLE},
        {"packets-lost-mtu-exceeded", FLF_PACKETS_LOST_MTU_EXCEEDED},
        {"packets_lost_ttl_expired", FLF_PACKETS_LOST_TTL_EXPIRED},
        {"Interface-id", FLF_OPAQUE},           {"interface--id", FLF_OPAQUE},
        {"tgw-src-eni-", FLF_OPAQUE},           {"", FLF_OPAQUE},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        enum flowlog_field got = flowlog_field_lookup(rows[i].name, strlen(rows[i].name));
        if (got != rows[i].f) fprintf(stderr, "lookup '%s': got %d\n", rows[i].name, (int)got);
        CHECK(got == rows[i].f);
    }
    CHECK(flowlog_field_version(FLF_TGW_ID) == 6);
    /* every name in the table looks itself up, and names are unique */
    for (int i = 1; i < FLF__COUNT; i++) {
        const char *nm = flowlog_field_name((enum flowlog_field)i);
        CHECK(flowlog_field_lookup(nm, strlen(nm)) == (enum flowlog_field)i);
    }

    /* the closest name: edit distance after '_' -> '-' */
    static const struct {
        const char *typo, *want;
    } near[] = {
        {"interfce-id", "interface-id"},  /* one deletion */
        {"interface_idd", "interface-id"},
        {"srcadr", "srcaddr"},
        {"log_statsu", "log-status"},     /* two substitutions */
        {"byte", "bytes"},
        {"tgw-src-enis", "tgw-src-eni"},
        {"pkt-srcadr", "pkt-srcaddr"},
    };
    for (size_t i = 0; i < sizeof near / sizeof *near; i++)
        CHECK_STR(flowlog_field_suggest(near[i].typo, strlen(near[i].typo)), near[i].want);

    /* --fields: unknown names are errors naming the closest known one */
    char err[256];
    flowlog_format f;
    static const struct {
        const char *list, *err; /* err NULL: accepted */
        int ncols, col_of_eni;
    } fl[] = {
        {"version account-id interfce-id srcaddr", "unknown field 'interfce-id' (did you mean 'interface-id'?)", 0, 0},
        {"${version} ${account_id} ${interface_id} ${srcaddr}", NULL, 4, 2},
        {"version,account_id,interface_id,srcaddr,dstaddr,srcport,dstport,protocol,packets,bytes,start,end,action,log_status",
         NULL, 14, 2},
        {"interface_id bytes packet", "unknown field 'packet' (did you mean 'packets'?)", 0, 0}, /* one insertion */
        {"interface-id interface_id", "field 'interface-id' appears twice", 0, 0},
    };
    for (size_t i = 0; i < sizeof fl / sizeof *fl; i++) {
        int rc = flowlog_fields_parse(&f, fl[i].list, strlen(fl[i].list), err, sizeof err);
        if (fl[i].err) {
            CHECK(rc < 0);
            CHECK_STR(err, fl[i].err);
        } else {
            CHECK(rc == 0 && f.ncols == fl[i].ncols && f.col_of[FLF_INTERFACE_ID] == fl[i].col_of_eni);
        }
    }
    /* the underscore list is the default v2 layout, fast path and all */
    CHECK(flowlog_fields_parse(&f, fl[2].list, strlen(fl[2].list), err, sizeof err) == 0 && f.v2_default);
}

/* Issue 12: a header is a line of field names, whatever the first word;
 * data lines never are. */
static void test_header_rule(void)
{
    static const struct {
        const char *line;
        int header; /* 1: header */
        int ncols;  /* when a header; 0 = invalid (err) */
    } rows[] = {
        /* the AWS Transit Gateway default format (all fields, version 6) */
        {"version resource-type account-id tgw-id tgw-attachment-id tgw-src-vpc-account-id tgw-dst-vpc-account-id "
         "tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id "
         "tgw-dst-az-id tgw-pair-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start end "
         "log-status type packets-lost-no-route packets-lost-blackhole packets-lost-mtu-exceeded "
         "packets-lost-ttl-expired tcp-flags region flow-direction pkt-src-aws-service pkt-dst-aws-service",
         1, 36},
        /* custom formats may start with any field */
        {"resource-type tgw-id srcaddr dstaddr packets bytes start end log-status", 1, 9},
        {"resource-id interface-id srcaddr dstaddr bytes", 1, 5},    /* resource-id: unknown, ignored column */
        {"interface-id srcaddr dstaddr bytes action log-status\r", 1, 6},
        {"interface_id srcaddr dstaddr bytes", 1, 4},                /* Athena spelling */
        {"  version\tsrcaddr  bytes ", 1, 3},
        {"version future-a future-b srcaddr", 1, 4},                 /* half known */
        {"version srcaddr srcaddr", 1, 0},                           /* a header, but invalid */
        /* data lines and other text */
        {"2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 "
         "1418530070 ACCEPT OK", 0, 0},
        {"6 TransitGateway 123456789010 tgw-0a1b2c3d tgw-attach-0a1b2c3d 123456789010 123456789010 vpc-1 vpc-2 "
         "subnet-1 subnet-2 eni-1 eni-2 use1-az1 use1-az2 tgw-attach-2 10.0.1.5 10.0.2.5 443 40000 6 10 5000 "
         "1700000000 1700000060 OK IPv4 0 0 0 0 19 us-east-1 egress - -", 0, 0},
        {"TransitGateway tgw-0a1b2c3d 10.0.1.5 10.0.2.5 10 5000 1700000000 1700000060 OK", 0, 0},
        {"eni-0abc vpc-0123 subnet-9", 0, 0},        /* id-like words, none a field */
        {"eni-0abc ACCEPT OK", 0, 0},
        {"eni-0abc - -", 0, 0},
        {"foo-x bar-y version", 0, 0},               /* one of three known */
        {"foo bar", 0, 0},
        {"2 123 eni-a", 0, 0},
        {"Version srcaddr", 0, 0},                   /* names are lower case */
        {"version srcaddr=1", 0, 0},
        {"{\"message\": \"version srcaddr\"}", 0, 0},
        {"", 0, 0},
    };
    char err[256];
    flowlog_format f;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        f.ncols = -1;
        bool h = flowlog_header(rows[i].line, strlen(rows[i].line), &f, err, sizeof err);
        if ((int)h != rows[i].header || (h && f.ncols != rows[i].ncols))
            fprintf(stderr, "header row %zu: got %d with %d columns\n", i, (int)h, f.ncols);
        CHECK((int)h == rows[i].header);
        if (h) CHECK(f.ncols == rows[i].ncols);
    }
    /* the TGW header's columns: bytes and start where the records have them */
    CHECK(flowlog_header(rows[0].line, strlen(rows[0].line), &f, err, sizeof err));
    CHECK(f.col_of[FLF_SRCADDR] == 16 && f.col_of[FLF_BYTES] == 22 && f.col_of[FLF_LOG_STATUS] == 25);
    CHECK(f.col_of[FLF_INTERFACE_ID] < 0 && f.col[11] == FLF_TGW_SRC_ENI);
    fl_rec r;
    CHECK(flowlog_parse_line(&f, rows[9].line, strlen(rows[9].line), &r, err, sizeof err) == 0);
    CHECK(r.bytes == 5000 && r.packets == 10 && r.start == 1700000000 && r.status == FL_OK && r.eni.n == 0);
    /* resource-id is an ignored column: the record still lines up */
    CHECK(flowlog_header(rows[2].line, strlen(rows[2].line), &f, err, sizeof err) && f.col[0] == FLF_OPAQUE);
    const char *d = "arn:aws:ec2:us-east-1:1:x eni-9 10.0.0.1 10.0.0.2 77";
    CHECK(flowlog_parse_line(&f, d, strlen(d), &r, err, sizeof err) == 0 && r.bytes == 77 && r.eni.n == 5);
}

/* Issue 12, item 10: what an input's first bytes look like. */
static void test_sniff(void)
{
    static const struct {
        const char *data;
        size_t n; /* 0: strlen */
        enum flowlog_content want;
    } rows[] = {
        {"PAR1\x15\x04\x15\x80\x01", 9, FLC_PARQUET},
        {"{\"message\": \"2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 "
         "1418530010 1418530070 ACCEPT OK\"}\n", 0, FLC_JSON},
        {"{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\",\"logGroup\":\"vpc\",\"logEvents\":[]}", 0,
         FLC_JSON_CWL},
        {"\xef\xbb\xbf  \n[{\"message\":\"x\"}]", 0, FLC_JSON},
        {"version account-id interface-id\n2 1 eni-a\n", 0, FLC_TEXT},
        {"2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK\n2 1 eni-\0b\n", 82, FLC_TEXT},
        {"", 0, FLC_TEXT},
        {"\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0", 24, FLC_BINARY},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        size_t n = rows[i].n ? rows[i].n : strlen(rows[i].data);
        enum flowlog_content c = flowlog_sniff(rows[i].data, n);
        if (c != rows[i].want) fprintf(stderr, "sniff row %zu: got %d\n", i, (int)c);
        CHECK(c == rows[i].want);
    }
    /* 4 KiB of every byte value in turn: 33 of 256 are control bytes (13%) */
    unsigned char bin[4096];
    for (size_t i = 0; i < sizeof bin; i++) bin[i] = (unsigned char)(i * 7);
    CHECK(flowlog_sniff(bin, sizeof bin) == FLC_BINARY);
    CHECK_STR(flowlog_content_desc(FLC_PARQUET), "Parquet file (not supported yet)");
}

/* Transit Gateway records (issue 13): the TGW ids land in fl_rec.tgw, the
 * same through the line parser and the fast one; '-' is absent; a VPC
 * record leaves them absent. */
static void test_tgw_fields(void)
{
    static const char hdr[] = "version resource-type account-id tgw-id tgw-attachment-id tgw-src-vpc-account-id "
                              "tgw-dst-vpc-account-id tgw-src-vpc-id tgw-dst-vpc-id tgw-pair-attachment-id srcaddr "
                              "dstaddr packets bytes start end log-status region flow-direction";
    static const char line[] = "6 TransitGateway 999999999999 tgw-0a tgw-attach-0a 111111111111 - vpc-0a vpc-0b "
                               "tgw-attach-0b 10.1.0.10 10.2.0.20 3 300 1793620800 1793620860 OK us-east-1 ingress";
    static const struct {
        int id;
        const char *want; /* NULL = absent */
    } want[] = {
        {FL_TGW_ID, "tgw-0a"},          {FL_TGW_ATTACH, "tgw-attach-0a"},   {FL_TGW_PAIR, "tgw-attach-0b"},
        {FL_TGW_SRC_ACCOUNT, "111111111111"}, {FL_TGW_DST_ACCOUNT, NULL}, {FL_TGW_SRC_VPC, "vpc-0a"},
        {FL_TGW_DST_VPC, "vpc-0b"},
    };
    char err[256];
    flowlog_format f;
    CHECK(flowlog_header(hdr, strlen(hdr), &f, err, sizeof err) && f.ncols == 19);
    fl_rec r[2];
    CHECK(parse(&f, line, &r[0], err) == 0);
    CHECK(flowlog_parse_fast(&f, padded(line, strlen(line)), &r[1]) == strlen(line));
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
            const fl_view *v = &r[k].tgw[want[i].id];
            if (!want[i].want) CHECK(v->n == 0);
            else CHECK(v->n == strlen(want[i].want) && !memcmp(v->p, want[i].want, v->n));
        }
        CHECK(r[k].bytes == 300 && r[k].direction == FL_INGRESS && r[k].status == FL_OK);
    }
    flowlog_format_default(&f);
    static const char vpc[] = "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 10 1418530010 1418530070 ACCEPT OK";
    CHECK(flowlog_parse_fast(&f, padded(vpc, strlen(vpc)), &r[0]) == strlen(vpc));
    for (int i = 0; i < FL_TGW__COUNT; i++) CHECK(r[0].tgw[i].n == 0);
}

int main(void)
{
    char err[256];
    fl_rec r;
    flowlog_format f;

    /* field table */
    CHECK(flowlog_field_lookup("pkt-srcaddr", 11) == FLF_PKT_SRCADDR);
    CHECK(flowlog_field_lookup("reject-reason", 13) == FLF_REJECT_REASON);
    CHECK(flowlog_field_lookup("ecs-task-id", 11) == FLF_ECS_TASK_ID);
    CHECK(flowlog_field_lookup("srcaddrx", 8) == FLF_OPAQUE);
    CHECK(flowlog_field_version(FLF_TRAFFIC_PATH) == 5);
    CHECK(flowlog_field_version(FLF_AZ_ID) == 4);
    CHECK(flowlog_field_version(FLF_VPC_ID) == 3);
    CHECK(flowlog_field_version(FLF_BYTES) == 2);
    CHECK(flowlog_field_version(FLF_ECS_CLUSTER_ARN) == 7);
    CHECK(flowlog_field_version(FLF_REJECT_REASON) == 8);
    CHECK_STR(flowlog_field_name(FLF_LOG_STATUS), "log-status");
    test_field_names();
    test_header_rule();
    test_sniff();
    test_tgw_fields();

    /* the default v2 format, AWS documentation example (accepted SSH) */
    flowlog_format_default(&f);
    CHECK(f.ncols == 14 && f.v2_default);
    CHECK(parse(&f, "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK", &r, err) == 0);
    CHECK(v4eq(&r.src, 172, 31, 16, 139));
    CHECK(v4eq(&r.dst, 172, 31, 16, 21));
    CHECK(r.srcport == 20641 && r.dstport == 22 && r.protocol == 6);
    CHECK(r.packets == 20 && r.bytes == 4249);
    CHECK(r.start == 1418530010 && r.end == 1418530070);
    CHECK(r.action == FL_ACCEPT && r.status == FL_OK);
    CHECK(r.eni.n == 21 && memcmp(r.eni.p, "eni-1235b8ca123456789", 21) == 0);
    CHECK(r.account.n == 12 && memcmp(r.account.p, "123456789010", 12) == 0);
    CHECK((r.has & (FLR_SRC | FLR_DST | FLR_BYTES | FLR_PACKETS | FLR_START | FLR_END)) ==
          (FLR_SRC | FLR_DST | FLR_BYTES | FLR_PACKETS | FLR_START | FLR_END));

    /* NODATA: '-' means absent in every field */
    CHECK(parse(&f, "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA", &r, err) == 0);
    CHECK(r.status == FL_NODATA && r.action == FL_ACTION_NONE);
    CHECK((r.has & (FLR_SRC | FLR_DST | FLR_BYTES | FLR_PACKETS | FLR_SRCPORT)) == 0);
    CHECK(r.bytes == 0 && r.packets == 0 && r.start == 1431280876);
    CHECK(parse(&f, "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA", &r, err) == 0);
    CHECK(r.status == FL_SKIPDATA);
    CHECK(parse(&f, "2 - - - - - - - - - - - - -", &r, err) == 0);
    CHECK(r.eni.n == 0 && r.has == 0);

    /* runs of spaces, tabs, CRLF, leading/trailing blanks */
    CHECK(parse(&f, "  2  123 eni-a   10.0.0.1\t10.0.0.2 1 2 17 3 300 1600000000 1600000060 REJECT OK  \r", &r, err) == 0);
    CHECK(r.action == FL_REJECT && r.protocol == 17 && r.bytes == 300);
    CHECK(r.eni.n == 5);

    /* IPv6, full and compressed */
    CHECK(parse(&f, "2 1 eni-a 2001:db8::1 2001:0db8:0000:0000:0000:0000:0000:0002 1 2 6 1 60 1600000000 1600000060 ACCEPT OK", &r, err) == 0);
    CHECK(!ip_is_v4(&r.src) && r.src.b[0] == 0x20 && r.src.b[1] == 0x01 && r.src.b[15] == 1);
    CHECK(r.dst.b[15] == 2 && r.dst.b[2] == 0x0d);

    /* millisecond timestamps are normalised to seconds */
    CHECK(parse(&f, "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 60 1600000000123 1600000060999 ACCEPT OK", &r, err) == 0);
    CHECK(r.start == 1600000000 && r.end == 1600000060);

    /* numbers: 2^64-1 fits, 2^64 overflows */
    CHECK(parse(&f, "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 18446744073709551615 1 2 ACCEPT OK", &r, err) == 0);
    CHECK(r.bytes == UINT64_MAX);
    CHECK(parse(&f, "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 18446744073709551616 1 2 ACCEPT OK", &r, err) < 0);
    CHECK_STR(err, "bad bytes value '18446744073709551616'");
    CHECK(parse(&f, "2 1 eni-a 10.0.0.1 10.0.0.2 1 65536 6 1 1 1 2 ACCEPT OK", &r, err) < 0);
    CHECK_STR(err, "bad port '65536'");
    CHECK(parse(&f, "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 256 1 1 1 2 ACCEPT OK", &r, err) < 0);
    CHECK_STR(err, "bad protocol '256'");
    CHECK(parse(&f, "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 -5 1 1 2 ACCEPT OK", &r, err) < 0);
    CHECK_STR(err, "bad packets value '-5'");
    CHECK(parse(&f, "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 1 9223372036854775808 2 ACCEPT OK", &r, err) < 0);
    CHECK_STR(err, "bad start time '9223372036854775808'");

    /* bad values and shapes */
    CHECK(parse(&f, "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2", &r, err) < 0);
    CHECK_STR(err, "expected 14 fields, got 12");
    CHECK(parse(&f, "2 1 eni-a 10.0.0.256 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK", &r, err) < 0);
    CHECK_STR(err, "bad srcaddr '10.0.0.256'");
    CHECK(parse(&f, "2 1 eni-a 10.0.0.1 10.0.0 1 2 6 1 1 1 2 ACCEPT OK", &r, err) < 0);
    CHECK_STR(err, "bad dstaddr '10.0.0'");
    CHECK(parse(&f, "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ALLOW OK", &r, err) < 0);
    CHECK_STR(err, "bad action 'ALLOW'");
    CHECK(parse(&f, "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT ok", &r, err) < 0);
    CHECK_STR(err, "bad log-status 'ok'");
    CHECK(parse(&f, "2 1 eni-\x01\x02 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK", &r, err) < 0);
    CHECK_STR(err, "bad interface-id 'eni-\\x01\\x02'");
    {
        const char nul[] = "2 1 eni-a 10.0.0.1\0 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK";
        CHECK(flowlog_parse_line(&f, nul, sizeof nul - 1, &r, err, sizeof err) < 0);
        CHECK_STR(err, "NUL byte in line");
    }
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
        CHECK(parse(&f, line, &r, err) < 0);
        CHECK_STR(err, "expected 14 fields, got 70");
    }

    /* header lines: an S3 v5 header, in its own column order */
    const char *hdr = "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport "
                      "pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status "
                      "region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service "
                      "flow-direction traffic-path";
    CHECK(flowlog_header(hdr, strlen(hdr), &f, err, sizeof err));
    CHECK(f.ncols == 29 && !f.v2_default);
    CHECK(f.col_of[FLF_BYTES] == 14 && f.col_of[FLF_PACKETS] == 15 && f.col_of[FLF_TRAFFIC_PATH] == 28);
    CHECK(parse(&f, "5 vpc-1 subnet-2 i-3 eni-4 111122223333 IPv4 10.0.1.5 52.94.1.1 40000 443 10.0.1.5 52.94.1.1 6 5000 10 "
                    "1700000000 1700000060 ACCEPT 19 OK us-east-1 use1-az1 - - - S3 egress 8",
                &r, err) == 0);
    CHECK(r.bytes == 5000 && r.packets == 10);
    CHECK(r.direction == FL_EGRESS && r.traffic_path == 8);
    CHECK(r.src_svc.n == 0 && r.dst_svc.n == 2 && memcmp(r.dst_svc.p, "S3", 2) == 0);
    CHECK(r.az_id.n == 8 && memcmp(r.az_id.p, "use1-az1", 8) == 0);
    CHECK(r.vpc.n == 5 && r.subnet.n == 8 && r.instance.n == 3 && r.region.n == 9);
    CHECK(v4eq(&r.pkt_dst, 52, 94, 1, 1) && (r.has & FLR_PKT_SRC));
    CHECK(parse(&f, "5 vpc-1 subnet-2 i-3 eni-4 1 IPv4 10.0.1.5 52.94.1.1 1 443 - - 6 5000 10 1 2 ACCEPT 19 OK r a - - - S3 sideways 8",
                &r, err) < 0);
    CHECK_STR(err, "bad flow-direction 'sideways'");
    CHECK(parse(&f, "5 vpc-1 subnet-2 i-3 eni-4 1 IPv4 10.0.1.5 52.94.1.1 1 443 - - 6 5000 10 1 2 ACCEPT 19 OK r a - - - S3 egress 9",
                &r, err) < 0);
    CHECK_STR(err, "bad traffic-path '9'");

    /* not a header: a data line, or first token unknown */
    CHECK(!flowlog_header("2 123 eni-a", 11, &f, err, sizeof err));
    CHECK(!flowlog_header("foo bar", 7, &f, err, sizeof err));
    /* a header with a repeated field is a header, but invalid */
    CHECK(flowlog_header("version srcaddr srcaddr", 23, &f, err, sizeof err) && f.ncols == 0);
    CHECK_STR(err, "field 'srcaddr' appears twice");

    /* --fields: plain names, ${field} syntax, commas; unknown fields are opaque */
    CHECK(flowlog_format_parse(&f, "${version} ${interface-id} ${srcaddr} ${dstaddr} ${bytes} ${new-field-v9}", strlen("${version} ${interface-id} ${srcaddr} ${dstaddr} ${bytes} ${new-field-v9}"), err, sizeof err) == 0);
    CHECK(f.ncols == 6 && f.col[5] == FLF_OPAQUE && f.col_of[FLF_BYTES] == 4);
    CHECK(parse(&f, "3 eni-x 10.0.0.1 10.0.0.2 77 whatever", &r, err) == 0);
    CHECK(r.bytes == 77 && r.status == FL_STATUS_NONE);
    const char *v2 = "version,account-id,interface-id,srcaddr,dstaddr,srcport,dstport,protocol,packets,bytes,start,end,action,log-status";
    CHECK(flowlog_format_parse(&f, v2, strlen(v2), err, sizeof err) == 0 && f.v2_default);
    CHECK(flowlog_format_parse(&f, "  ", 2, err, sizeof err) < 0);
    CHECK_STR(err, "empty field list");
    CHECK(flowlog_format_parse(&f, "${srcaddr", 9, err, sizeof err) < 0);
    CHECK_STR(err, "bad field '${srcaddr': missing '}'");
    CHECK(flowlog_format_parse(&f, "srcaddr dst$addr", 16, err, sizeof err) < 0);
    CHECK_STR(err, "bad field name 'dst$addr'");

    /* the fast path agrees with the full parser, and declines what it does not cover */
    {
        flowlog_format d5;
        const char *h5 = "version account-id interface-id srcaddr dstaddr bytes start action log-status "
                         "vpc-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path x-new";
        CHECK(flowlog_format_parse(&d5, h5, strlen(h5), err, sizeof err) == 0);
        flowlog_format d2;
        flowlog_format_default(&d2);
        /* the v2 fields, then more: the first 14 are read without dispatch */
        flowlog_format dx;
        const char *hx = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
                         "bytes start end action log-status pkt-srcaddr flow-direction";
        CHECK(flowlog_format_parse(&dx, hx, strlen(hx), err, sizeof err) == 0 && dx.v2_prefix && !dx.v2_default);
        CHECK(d2.v2_prefix && d2.v2_default && !d5.v2_prefix);
        flowlog_format dp; /* pkt-dstaddr last, after the v2 fields */
        const char *hp = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
                         "bytes start end action log-status pkt-dstaddr";
        CHECK(flowlog_format_parse(&dp, hp, strlen(hp), err, sizeof err) == 0);
        struct { const flowlog_format *f; const char *line; int fast; } cases[] = {
            {&dx, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK 10.9.9.9 egress", 1},
            {&dx, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK - -\r", 1},
            {&dx, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK 10.9.9.9", 0},
            {&dx, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK 10.9.9.9 egress x", 0},
            {&dx, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK 10.9.9.9  egress", 0},
            /* pkt-srcaddr equal to srcaddr is taken from it; near misses are parsed */
            {&dx, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK 10.0.0.1 egress", 1},
            {&dx, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK 10.0.0.12 egress", 1},
            {&dx, "2 123 eni-a 10.0.0.12 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK 10.0.0.1 egress", 1},
            {&dx, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK 10.0.0.1x egress", 0},
            {&dx, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK 10.0.0.1.5 egress", 0},
            {&dx, "2 123 eni-a - 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK 10.0.0.1 egress", 1},
            {&dp, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK 10.0.0.1\r", 1},
            {&dp, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK 10.0.0.2", 1},
            {&d2, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK", 1},
            {&d2, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000123 1600000060 REJECT OK\r", 1},
            {&d2, "2 123 eni-a - - - - - - - 1600000000 1600000060 - NODATA", 1},
            {&d2, "2 123 eni-a 10.0.0.1  10.0.0.2 1 2 6 3 400 1 2 ACCEPT OK", 0},        /* two spaces */
            {&d2, "2 123 eni-a 2001:db8::1 10.0.0.2 1 2 6 3 400 1 2 ACCEPT OK", 0},       /* IPv6 */
            {&d2, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 18446744073709551615 1 2 ACCEPT OK", 0}, /* 20 digits */
            {&d2, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1 2 ACCEPT OKAY", 0},
            {&d2, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1 2 ACCEPT", 0},
            {&d2, "2 123 eni-a 10.0.0.01 10.0.0.2 1 2 6 3 400 1 2 ACCEPT OK", 1},
            /* a number out of range, then '-': not the absent marker (found by fuzz_flowlog) */
            {&d2, "2 123 eni-a 10.0.0.1 10.0.0.2 70000- 2 6 3 400 1 2 ACCEPT OK", 0},
            {&d2, "2 123 eni-a 10.0.0.1 10.0.0.2 1 2 256- 3 400 1 2 ACCEPT OK", 0},
            {&d5, "5 1 eni-b 10.1.1.1 52.1.1.1 99 1600000000 ACCEPT OK vpc-1 - S3 egress 8 whatever", 1},
            {&d5, "5 1 eni-b 10.1.1.1 52.1.1.1 99 1600000000 ACCEPT OK - EC2 - ingress - -", 1},
            {&d5, "5 1 eni-b 10.1.1.1 52.1.1.1 99 1600000000 ACCEPT OK vpc-1 - S3 egress 9 x", 0},
        };
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
            size_t n = strlen(cases[i].line);
            char *copy = padded(cases[i].line, n);
            fl_rec a, b;
            bool fast = flowlog_parse_fast(cases[i].f, copy, &a) == n;
            CHECK(fast == (cases[i].fast != 0));
            if (fast) {
                CHECK(flowlog_parse_line(cases[i].f, copy, n, &b, err, sizeof err) == 0);
                CHECK(a.has == b.has && a.bytes == b.bytes && a.start == b.start && a.end == b.end &&
                      a.action == b.action && a.status == b.status && a.direction == b.direction &&
                      a.traffic_path == b.traffic_path && ip_eq(&a.src, &b.src) && ip_eq(&a.dst, &b.dst) &&
                      ip_eq(&a.pkt_src, &b.pkt_src) && ip_eq(&a.pkt_dst, &b.pkt_dst) &&
                      a.eni.n == b.eni.n && a.vpc.n == b.vpc.n && a.src_svc.n == b.src_svc.n &&
                      a.dst_svc.n == b.dst_svc.n && a.srcport == b.srcport && a.protocol == b.protocol);
            }
            /* lazy fields: the same lines accepted, the same other values */
            flowlog_format lz = *cases[i].f;
            lz.lazy = 1ull << FLF_SRCPORT | 1ull << FLF_DSTPORT | 1ull << FLF_PROTOCOL | 1ull << FLF_START |
                      1ull << FLF_END;
            fl_rec c;
            CHECK((flowlog_parse_fast(&lz, copy, &c) == n) == fast);
            if (fast)
                CHECK(c.has == a.has && c.bytes == a.bytes && c.packets == a.packets && c.action == a.action &&
                      c.status == a.status && ip_eq(&c.src, &a.src) && ip_eq(&c.dst, &a.dst) && c.eni.n == a.eni.n);
        }

        /* lazy numbers are still range-checked: a port over 65535, a
         * protocol over 255, a version over 2^32-1, a time over 2^63-1 */
        flowlog_format lz = d2;
        lz.lazy = 1ull << FLF_SRCPORT | 1ull << FLF_DSTPORT | 1ull << FLF_PROTOCOL | 1ull << FLF_START |
                  1ull << FLF_END;
        const char *over[] = {
            "2 1 eni-a 10.0.0.1 10.0.0.2 65536 2 6 3 400 1600000000 1600000060 ACCEPT OK",
            "2 1 eni-a 10.0.0.1 10.0.0.2 1 99999 6 3 400 1600000000 1600000060 ACCEPT OK",
            "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 256 3 400 1600000000 1600000060 ACCEPT OK",
            "4294967296 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000 1600000060 ACCEPT OK",
            "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 9223372036854775808 1600000060 ACCEPT OK",
            "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 400 1600000000 1600000x60 ACCEPT OK",
        };
        for (size_t i = 0; i < sizeof over / sizeof *over; i++) {
            fl_rec a;
            CHECK(flowlog_parse_fast(&lz, padded(over[i], strlen(over[i])), &a) == 0);
            CHECK(flowlog_parse_fast(&d2, padded(over[i], strlen(over[i])), &a) == 0);
        }
        /* and in range at the edges, lazily and not: 65535, 255, 4294967295,
         * a 15-digit millisecond time */
        const char *edge = "4294967295 1 eni-a 10.0.0.1 10.0.0.2 65535 65535 255 3 400 160000000000123 "
                           "1600000060 ACCEPT OK";
        fl_rec a, b;
        CHECK(flowlog_parse_fast(&lz, padded(edge, strlen(edge)), &a) == strlen(edge) && a.bytes == 400);
        CHECK(flowlog_parse_fast(&d2, padded(edge, strlen(edge)), &b) == strlen(edge) && b.srcport == 65535 &&
              b.dstport == 65535 && b.protocol == 255 && b.start == 160000000000);
    }

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
            bool fast = flowlog_parse_fast(&d2, padded(line, (size_t)n - 1), &a) == (size_t)n - 1;
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
            CHECK(flowlog_parse_fast(&d2, padded(badnum[i], strlen(badnum[i]) - 1), &a) == 0);
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
                CHECK(flowlog_parse_fast(&d2, padded(line, (size_t)n - 1), &a) == 0);
            }
            char line[160];
            int n = snprintf(line, sizeof line, "2 123 eni-0123456789abcdef0123%.*s 10.0.0.1 10.0.0.2 1 2 6 3 400 1 2 ACCEPT OK\n",
                             pos, "~!abcdefghijklmnopqrstuvwxyz");
            fl_rec a;
            CHECK(flowlog_parse_fast(&d2, padded(line, (size_t)n - 1), &a) == (size_t)n - 1 && a.eni.n == (uint32_t)(24 + pos) &&
                  memcmp(a.eni.p, "eni-0123456789abcdef0123", 24) == 0);
        }
    }

    /* overflow-checked numbers */
    uint64_t v;
    CHECK(flowlog_parse_u64("18446744073709551615", 20, UINT64_MAX, &v) == 0 && v == UINT64_MAX);
    CHECK(flowlog_parse_u64("18446744073709551616", 20, UINT64_MAX, &v) < 0);
    CHECK(flowlog_parse_u64("99999999999999999999", 20, UINT64_MAX, &v) < 0);
    CHECK(flowlog_parse_u64("", 0, UINT64_MAX, &v) < 0);
    CHECK(flowlog_parse_u64("12a", 3, UINT64_MAX, &v) < 0);
    CHECK(flowlog_parse_u64("256", 3, 255, &v) < 0);
    return check_done();
}
