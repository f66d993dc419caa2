/* test_ipranges: the parts of `ipranges update` and the staleness rule
 * that need no network — createDate as a time, what a download must be to
 * replace the cache, and where the cache lives. Rows of cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ipranges.h"
#include "util.h"

static void test_created_time(void)
{
    static const struct { const char *in; long long want; } rows[] = {
        /* 2026-11-01T00:00:00Z = 1793491200 (the sample's syncToken is that second) */
        {"2026-11-01-00-00-00", 1793491200LL},
        /* + 5 days 21 h 20 min = 1793491200 + 5*86400 + 21*3600 + 20*60 */
        {"2026-11-06-21-20-00", 1793491200LL + 432000 + 75600 + 1200},
        /* the bundled copy's odd seconds field: minutes are enough */
        {"2017-07-20-22-42-233", 1500590520LL},
        {"", -1},
        {"yesterday", -1},
        {"2026-13-01-00-00-00", -1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        long long got = (long long)ipranges_created_time(rows[i].in);
        if (got != rows[i].want) fprintf(stderr, "row %zu: %s -> %lld, want %lld\n", i, rows[i].in, got, rows[i].want);
        CHECK(got == rows[i].want);
    }
}

static void test_validate(void)
{
    static const char good[] =
        "{\"syncToken\": \"1\", \"createDate\": \"2026-11-01-00-00-00\", \"prefixes\": "
        "[{\"ip_prefix\": \"3.0.0.0/15\", \"region\": \"ap-northeast-1\", \"service\": \"AMAZON\"}]}";
    static const struct { const char *body, *why; } rows[] = {
        {good, NULL},
        {"{}", "implausible size"},
        {"<html><body>The proxy refused this request, please contact your administrator</body></html>", "invalid JSON"},
        {"{\"createDate\": \"2026-11-01-00-00-00\", \"prefixes\": [{\"ip_prefix\": \"3.0.0.0/15\", \"region\": \"x\", \"service\": \"AMAZON\"}]}",
         "no syncToken"},
        {"{\"syncToken\": \"1\", \"createDate\": \"soon\", \"prefixes\": [{\"ip_prefix\": \"3.0.0.0/15\", \"region\": \"x\", \"service\": \"AMAZON\"}]}",
         "unreadable createDate"},
        {"{\"syncToken\": \"1\", \"createDate\": \"2026-11-01-00-00-00\", \"prefixes\": [], \"ipv6_prefixes\": []}", "no prefixes"},
        {"{\"syncToken\": \"1\", \"createDate\": \"2026-11-01-00-00-00\", \"prefixes\": [{\"ip_prefix\": \"3.0.0.0/99\", \"region\": \"x\", \"service\": \"AMAZON\"}]}",
         "invalid ip_prefix"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char err[512] = "";
        int rc = ipranges_validate(rows[i].body, strlen(rows[i].body), "body", err, sizeof err);
        if (!rows[i].why) {
            CHECK(rc == 0);
        } else {
            CHECK(rc < 0);
            if (!strstr(err, rows[i].why)) fprintf(stderr, "row %zu: '%s' lacks '%s'\n", i, err, rows[i].why);
            CHECK(strstr(err, rows[i].why) != NULL);
        }
    }
}

static void test_cache_file(void)
{
    char out[256];
    setenv("XDG_CACHE_HOME", "/x/cache", 1);
    setenv("HOME", "/home/u", 1);
    CHECK(ipranges_cache_file("ip-ranges.json", out, sizeof out));
    CHECK_STR(out, "/x/cache/flowcost/ip-ranges.json");
    setenv("XDG_CACHE_HOME", "relative/ignored", 1);
    CHECK(ipranges_cache_file("rates.json", out, sizeof out));
    CHECK_STR(out, "/home/u/.cache/flowcost/rates.json");
    unsetenv("XDG_CACHE_HOME");
    unsetenv("HOME");
    CHECK(!ipranges_cache_file("rates.json", out, sizeof out));
}

int main(void)
{
    test_created_time();
    test_validate();
    test_cache_file();
    return check_done();
}
