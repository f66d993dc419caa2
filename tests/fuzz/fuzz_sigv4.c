/* fuzz_sigv4: paths, queries and header values come from S3 keys, endpoint
 * URLs and pagination tokens; the signer must canonicalise any bytes
 * without reading out of bounds, and the canonical path and query must
 * come out fully percent-encoded (no byte outside the unreserved set,
 * '/', '%', '=' and '&'). Input: path NUL query NUL header-value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "util.h"
#include "fuzz.h"

static int clean(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-._~/%=&", c)))
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = xmalloc(size + 3);
    memcpy(buf, data, size);
    buf[size] = buf[size + 1] = buf[size + 2] = '\0';
    const char *path = buf;
    const char *query = path + strlen(path) + 1;
    if (query > buf + size) query = buf + size;
    const char *value = query + strlen(query) + 1;
    if (value > buf + size) value = buf + size;
    sigv4_header h[] = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}, {"X-Fuzz", value}};
    for (int s3 = 0; s3 < 2; s3++) {
        sigv4_request r = {.method = "GET", .path = path, .query = query, .headers = h, .n_headers = 3, .s3 = s3};
        sigv4_key k = {"AKIDEXAMPLE", "secret", "us-east-1", "service"};
        dbuf c, sh, a;
        dbuf_init(&c, 0);
        dbuf_init(&sh, 0);
        dbuf_init(&a, 0);
        if (sigv4_canonical_request(&r, &c, &sh, NULL, 0) < 0) __builtin_trap();
        /* Line 2 is the canonical path, line 3 the canonical query. */
        const char *l2 = strchr(c.data, '\n') + 1, *l3 = strchr(l2, '\n') + 1, *l4 = strchr(l3, '\n');
        if (l2[0] != '/' || !clean(l2, (size_t)(l3 - 1 - l2)) || !clean(l3, (size_t)(l4 - l3))) __builtin_trap();
        if (sigv4_authorization(&r, &k, 1440938160, &a, NULL, 0) < 0) __builtin_trap();
        dbuf_free(&c);
        dbuf_free(&sh);
        dbuf_free(&a);
    }
    free(buf);
    return 0;
}
