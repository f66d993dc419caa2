/* Unit tests of enrich/logs.c (issue 13): cwl:// URLs, the FilterLogEvents
 * request body and the parsing of a response page. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "logs.h"

static void urls(void)
{
    static const struct {
        const char *url, *group, *prefix; /* group NULL: an error */
    } rows[] = {
        {"cwl:///aws/vpc/flowlogs", "/aws/vpc/flowlogs", ""},
        {"cwl://flows", "flows", ""},
        {"cwl://flows/eni-0a1", "flows", "eni-0a1"},
        {"cwl:///aws/vpc/flowlogs/eni-", "/aws/vpc/flowlogs", "eni-"},
        {"cwl://tgw-logs/tgw-attach-0123", "tgw-logs", "tgw-attach-0123"},
        {"cwl://a/b/c", "a/b/c", ""}, /* not a flow-log stream name: part of the group */
        {"cwl://", NULL, NULL},
        {"cwl:///eni-0a1", "/eni-0a1", ""}, /* the group's own first segment */
        {"s3://b/k", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char *g, *p, err[256];
        int rc = logs_parse_url(rows[i].url, &g, &p, err, sizeof err);
        if (!rows[i].group) {
            CHECK(rc < 0);
            continue;
        }
        CHECK(rc == 0);
        if (rc) continue;
        CHECK_STR(g, rows[i].group);
        CHECK_STR(p, rows[i].prefix);
        free(g);
        free(p);
    }
    CHECK(logs_is_url("cwl://x") && !logs_is_url("s3://x") && !logs_is_url("x.log"));
}

static void bodies(void)
{
    char *b = logs_request_body("/aws/vpc/flowlogs", "", 0, 0, NULL);
    CHECK_STR(b, "{\"logGroupName\":\"/aws/vpc/flowlogs\"}");
    free(b);
    /* --since 1793620000 --until 1793623600: ms, the end inclusive (3600 s less 1 ms) */
    b = logs_request_body("g\"x", "eni-1", 1793620000, 1793623600, "tok/1");
    CHECK_STR(b, "{\"logGroupName\":\"g\\\"x\",\"logStreamNamePrefix\":\"eni-1\",\"startTime\":1793620000000,"
                 "\"endTime\":1793623599999,\"nextToken\":\"tok/1\"}");
    free(b);
}

static void pages(void)
{
    dbuf d;
    dbuf_init(&d, 0);
    char *next, err[256];
    size_t n;
    const char *page = "{\"events\":[{\"logStreamName\":\"eni-1-all\",\"timestamp\":1,\"message\":\"2 a\\n\","
                       "\"eventId\":\"1\"},{\"message\":\"2 b\"},{\"nomessage\":1}],\"nextToken\":\"T2\","
                       "\"searchedLogStreams\":[]}";
    CHECK(logs_parse_page(page, strlen(page), &d, &next, &n, err, sizeof err) == 0);
    CHECK(n == 2 && d.len == 8 && memcmp(d.data, "2 a\n2 b\n", 8) == 0);
    CHECK(next && strcmp(next, "T2") == 0);
    free(next);
    dbuf_reset(&d);
    const char *last = "{\"events\":[]}";
    CHECK(logs_parse_page(last, strlen(last), &d, &next, &n, err, sizeof err) == 0 && n == 0 && !next && d.len == 0);
    CHECK(logs_parse_page("<html>", 6, &d, &next, &n, err, sizeof err) < 0);
    CHECK(logs_parse_page("{\"events\":5}", 12, &d, &next, &n, err, sizeof err) < 0);
    dbuf_free(&d);
}

int main(void)
{
    urls();
    bodies();
    pages();
    return check_done();
}
