/* Unit tests of src/jsonwrap.c (issue 13): the JSON shapes AWS delivers
 * flow logs in, unwrapped into lines. Rows: input, whether it is the end
 * of the input, and the lines (or the error) expected, written by hand. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "jsonwrap.h"

typedef struct row {
    const char *in;
    int eof;
    int rc;          /* of the first call */
    const char *out; /* all lines of every value of the input (rc 1), or the error (rc -1) */
} row;

#define R1 "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 10 3600 3660 ACCEPT OK"
#define R2 "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 2 20 3600 3660 ACCEPT OK"

static const row rows[] = {
    /* Firehose / export lines */
    {"{\"message\": \"" R1 "\"}\n", 1, 1, R1 "\n"},
    {"{\"message\":\"" R1 "\"}\n{\"message\":\"" R2 "\"}\n", 1, 1, R1 "\n" R2 "\n"},
    /* other keys around it, in any order; nested values skipped */
    {"{\"timestamp\":1,\"x\":{\"message\":\"no\"},\"y\":[1,-2.5e3,true,null,\"s\"],\"message\":\"" R1 "\"}", 1, 1,
     R1 "\n"},
    /* a subscription payload; messageType after logEvents; two payloads without a separator */
    {"{\"logEvents\":[{\"id\":\"1\",\"message\":\"" R1 "\"},{\"id\":\"2\",\"message\":\"" R2
     "\"}],\"messageType\":\"DATA_MESSAGE\"}{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"message\":\"" R2 "\"}]}",
     1, 1, R1 "\n" R2 "\n" R2 "\n"},
    /* CloudWatch's health check gives nothing, whatever its order */
    {"{\"messageType\":\"CONTROL_MESSAGE\",\"logEvents\":[{\"message\":\"CWL CONTROL MESSAGE: Checking health\"}]}", 1,
     1, ""},
    {"{\"logEvents\":[{\"message\":\"CWL CONTROL MESSAGE\"}],\"messageType\":\"CONTROL_MESSAGE\"}{\"message\":\"" R1
     "\"}",
     1, 1, R1 "\n"},
    /* a header line as a message; a trailing newline of a message dropped */
    {"{\"message\":\"version srcaddr dstaddr bytes\\n\"}{\"message\":\"2 10.0.0.1 10.0.0.2 5\\r\\n\"}", 1, 1,
     "version srcaddr dstaddr bytes\n2 10.0.0.1 10.0.0.2 5\n"},
    /* escapes: \" \\ \/ \t, \u0041, a surrogate pair (U+1F600), a lone surrogate (U+FFFD) */
    {"{\"message\":\"a\\\"b\\\\c\\/d\\te\\u0041\\ud83d\\ude00\\udc00\\u00e9\"}", 1, 1,
     "a\"b\\c/d\teA\xf0\x9f\x98\x80\xef\xbf\xbd\xc3\xa9\n"},
    /* an array of objects at the top */
    {"[{\"message\":\"" R1 "\"},{\"message\":\"" R2 "\"}]", 1, 1, R1 "\n" R2 "\n"},
    /* whitespace and a byte order mark before it; nothing after */
    {"\xef\xbb\xbf \r\n{\"message\":\"" R1 "\"}  \n", 1, 1, R1 "\n"},
    {" \n ", 1, 0, ""},
    /* objects without a message: nothing */
    {"{}{\"a\":1}{\"message\":5}", 1, 1, ""},
    /* incomplete: more input needed, or at the end an error */
    {"{\"message\":\"" R1, 0, 0, ""},
    {"{\"message\":\"" R1, 1, -1, "truncated JSON value"},
    /* bad JSON */
    {"{\"message\" \"x\"}", 1, -1, "expected ':'"},
    {"{\"message\":\"x\\q\"}", 1, -1, "bad escape in string"},
    {"{\"message\":\"\\u12g4\"}", 1, -1, "bad \\u escape"},
    {"{\"a\":1]", 1, -1, "expected ',' or '}'"},
    {"{\"a\":@}", 1, -1, "unexpected character"},
    {"2 1 eni-a", 1, -1, "expected a JSON object"},
};

/* Every value of the input, concatenated. */
static int run(const row *r, dbuf *out, char *err, size_t errlen, int *first)
{
    size_t n = strlen(r->in), off = 0;
    *first = -2;
    for (;;) {
        size_t used;
        err[0] = '\0';
        int rc = jsonwrap_next(r->in + off, n - off, r->eof, out, &used, err, errlen);
        if (*first == -2) *first = rc;
        if (rc <= 0) return rc;
        off += used;
        if (used == 0) return -9; /* no progress */
    }
}

static void test_rows(void)
{
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const row *r = &rows[i];
        dbuf out;
        dbuf_init(&out, 0);
        char err[160];
        int first, failed_before = check_failed;
        int last = run(r, &out, err, sizeof err, &first);
        if (r->rc == -1) {
            CHECK(last == -1);
            CHECK_STR(err, r->out);
        } else {
            CHECK(first == r->rc);
            CHECK(last == 0);
            CHECK(out.len == strlen(r->out) && (out.len == 0 || memcmp(out.data, r->out, out.len) == 0));
        }
        if (check_failed != failed_before) fprintf(stderr, "  row %zu: %s\n", i, r->in);
        dbuf_free(&out);
    }
}

/* Nesting is bounded: 64 levels read, 65 refused (no deep recursion). */
static void test_depth(void)
{
    char in[400];
    dbuf out;
    dbuf_init(&out, 0);
    char err[160];
    size_t used;
    for (int depth = 63; depth <= 65; depth++) {
        size_t k = 0;
        k += (size_t)snprintf(in + k, sizeof in - k, "{\"a\":");
        for (int d = 1; d < depth; d++) in[k++] = '[';
        in[k++] = '1';
        for (int d = 1; d < depth; d++) in[k++] = ']';
        in[k++] = '}';
        in[k] = '\0';
        int rc = jsonwrap_next(in, k, true, &out, &used, err, sizeof err);
        /* the object is level 0, its arrays 1..depth-1, the number depth */
        CHECK(rc == (depth <= JSONWRAP_MAX_DEPTH ? 1 : -1));
    }
    dbuf_free(&out);
}

int main(void)
{
    test_rows();
    test_depth();
    return check_done();
}
