/* fuzz_reader: the whole read path on arbitrary bytes — magic sniffing,
 * gzip (ISA-L and zlib) with multi-member and damaged streams, .fca
 * parsing, line splitting and aggregation — through ingest_stream, the
 * entry point used for S3 objects and pipes. The first byte picks options
 * (backend, strict, --fields) so that one corpus covers the variants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "agg.h"
#include "fca.h"
#include "ingest.h"
#include "util.h"
#include "fuzz.h"

typedef struct src {
    const uint8_t *p;
    size_t n, pos, step;
} src;

static ssize_t rd(void *ctx, void *buf, size_t n)
{
    src *s = ctx;
    size_t k = s->n - s->pos;
    if (k > n) k = n;
    if (k > s->step) k = s->step;
    memcpy(buf, s->p + s->pos, k);
    s->pos += k;
    return (ssize_t)k;
}

static void quiet(void *ctx, const char *msg)
{
    (void)ctx;
    (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t opt = data[0];
    data++;
    size--;
    setenv("FLOWCOST_GZIP", (opt & 1) ? "zlib" : "isal", 1);
    ingest_opts o;
    ingest_opts_default(&o);
    o.threads = 1;
    o.strict = (opt & 2) != 0;
    o.warn = quiet;
    if (opt & 4) o.fields = "${interface-id} ${srcaddr} ${dstaddr} ${bytes} ${start} ${action} ${log-status}";
    if (opt & 8) {
        o.since = 1600000000;
        o.until = 1700000000;
    }
    src s = {data, size, 0, (opt & 16) ? 3 : 65536};
    agg *a = agg_new();
    char err[FC_ERRLEN];
    (void)ingest_stream(a, "fuzz", rd, &s, &o, err, sizeof err);
    /* whatever was read must serialise and read back to the same counts */
    dbuf b;
    dbuf_init(&b, 0);
    if (fca_write(a, &b, err, sizeof err) == 0) {
        agg *back = agg_new();
        if (fca_read(back, b.data, b.len, err, sizeof err) != 0 || agg_count(back) != agg_count(a))
            __builtin_trap();
        agg_free(back);
    }
    dbuf_free(&b);
    agg_free(a);
    /* and the raw bytes as an .fca */
    agg *f = agg_new();
    (void)fca_read(f, data, size, err, sizeof err);
    agg_free(f);
    return 0;
}
