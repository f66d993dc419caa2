/* lpm_bench: lookups per second over a table the size of ip-ranges.json
 * (~10k prefixes over ~25 lengths). A benchmark, not a test: timing inside
 * ctest only measured how busy the machine was. Built as `bench_lpm`
 * (not part of `all`): cmake --build build --target bench_lpm. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ip.h"
#include "lpm.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static ip128 rand_addr(bool v6)
{
    ip128 a;
    if (!v6) return ip_from_v4((uint32_t)next() & 0x3fffffffu); /* dense: 0.0.0.0/2 */
    memset(&a, 0, sizeof a);
    a.b[0] = 0x26;
    for (int i = 1; i < 16; i++) a.b[i] = (uint8_t)next();
    a.b[1] &= 0x03;
    return a;
}

int main(int argc, char **argv)
{
    static const char *const svcs[] = {"AMAZON", "EC2", "S3", "DYNAMODB", "CLOUDFRONT"};
    static const char *const regs[] = {"us-east-1", "eu-west-1", "GLOBAL"};
    long q = argc > 1 ? atol(argv[1]) : 5000000;
    lpm *t = lpm_new();
    for (size_t i = 0; i < 10000; i++) {
        ip128 a = rand_addr(i % 4 == 0);
        unsigned bits = i % 4 == 0 ? 32 + (unsigned)(next() % 33) : 96 + 10 + (unsigned)(next() % 19);
        lpm_add(t, &a, bits, svcs[i % 5], regs[i % 3]);
    }
    lpm_finalize(t);
    volatile int sink = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < q; i++) {
        ip128 a = rand_addr(i % 8 == 0);
        const char *s, *r;
        sink += lpm_lookup(t, &a, &s, &r);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("lpm: %zu prefixes, %ld lookups in %.3f s = %.2f M lookups/s\n", lpm_count(t), q, sec,
           sec > 0 ? (double)q / sec / 1e6 : 0.0);
    (void)sink;
    lpm_free(t);
    return 0;
}
