/* flowlog_bench: nanoseconds per line of flowlog_parse_fast over a flow-log
 * file held in memory (the first line may be a header; without one, the v2
 * default). A benchmark, not a test. Built as `bench_flowlog` (not part of
 * `all`): cmake --build build --target bench_flowlog; then
 *   build/tests/bench_flowlog FILE [REPEATS] [lazy]
 * "lazy" reads like `aggregate --csv` (ports, protocol and times unread);
 * without it like `--csv -o x.fca` (every value read). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flowlog.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_flowlog FILE [REPEATS] [lazy]\n");
        return 2;
    }
    FILE *fp = fopen(argv[1], "rb");
    if (!fp) {
        perror(argv[1]);
        return 1;
    }
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1 + FLOWLOG_PAD);
    if (!buf || fread(buf, 1, (size_t)size, fp) != (size_t)size) return 1;
    fclose(fp);
    buf[size] = '\n';
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    flowlog_format f;
    char err[256];
    const char *start = buf, *end = buf + size;
    const char *nl = memchr(buf, '\n', (size_t)size);
    if (nl && flowlog_header(buf, (size_t)(nl - buf), &f, err, sizeof err) && f.ncols) start = nl + 1;
    else flowlog_format_default(&f);
    if (argc > 3 && strcmp(argv[3], "lazy") == 0)
        f.lazy = 1ull << FLF_SRCPORT | 1ull << FLF_DSTPORT | 1ull << FLF_PROTOCOL | 1ull << FLF_START |
                 1ull << FLF_END;
    double best = 1e30;
    uint64_t sum = 0, lines = 0, slow = 0;
    for (int k = 0; k < reps; k++) {
        double t0 = now();
        lines = slow = 0;
        fl_rec r;
        flowlog_rec_clear(&r);
        for (const char *p = start; p < end;) {
            size_t n = flowlog_parse_fast(&f, p, &r);
            if (!n) {
                slow++;
                n = (size_t)((const char *)memchr(p, '\n', (size_t)(end - p) + 1) - p);
            } else {
                sum += r.bytes + r.packets + (uint64_t)r.start + r.srcport + r.eni.n + r.src.b[15];
            }
            lines++;
            p += n + 1;
        }
        double t = now() - t0;
        if (t < best) best = t;
    }
    printf("%llu lines (%llu not fast), best %.1f ns/line of %d (checksum %llu)\n", (unsigned long long)lines,
           (unsigned long long)slow, best * 1e9 / (double)lines, reps, (unsigned long long)sum);
    free(buf);
    return 0;
}
