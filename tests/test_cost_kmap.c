/* test_cost_kmap: the cost model's key → dense index table. Indexes are
 * 0, 1, 2... in the order keys are first seen, whatever the table's size
 * (grown or reserved) or the keys' hashes; keys that differ only in their
 * last bytes (past the last 8-byte word of a 12- or 20-byte key) are
 * different keys. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cost_int.h"

/* Key number i of a given size: zeros, then i in its last two bytes, so
 * that keys differ only there (for 12 and 20 bytes, past the last whole
 * 8-byte word). */
static void key_of(unsigned char *k, size_t size, size_t i)
{
    memset(k, 0, size);
    k[size - 2] = (unsigned char)i;
    k[size - 1] = (unsigned char)(i >> 8);
}

int main(void)
{
    /* rows: key size, keys, reserve first */
    static const struct {
        size_t size, n, reserve;
    } rows[] = {{4, 1000, 0}, {8, 2000, 0}, {12, 3000, 3000}, {16, 4000, 0}, {20, 5000, 0}, {20, 5000, 8000},
                {24, 6000, 0}};
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        size_t size = rows[r].size, n = rows[r].n;
        cost_kmap m;
        cost_kmap_init(&m, size);
        if (rows[r].reserve) cost_kmap_reserve(&m, rows[r].reserve);
        unsigned char k[32];
        int bad_new = 0, bad_again = 0, bad_find = 0;
        for (size_t i = 0; i < n; i++) {
            key_of(k, size, i);
            bool created = false;
            if (cost_kmap_get(&m, k, &created) != i || !created) bad_new++;
        }
        for (size_t i = 0; i < n; i++) {
            key_of(k, size, i);
            bool created = true;
            if (cost_kmap_get(&m, k, &created) != i || created) bad_again++;
            if (cost_kmap_find(&m, k) != (long)i || !cost_kmap_has(&m, k)) bad_find++;
        }
        CHECK(bad_new == 0);
        CHECK(bad_again == 0);
        CHECK(bad_find == 0);
        CHECK(m.n == n);
        /* a key not in the table: n itself */
        key_of(k, size, n);
        CHECK(cost_kmap_find(&m, k) == -1);
        cost_kmap_free(&m);
    }
    /* an empty table finds nothing */
    cost_kmap e;
    cost_kmap_init(&e, 8);
    unsigned char z[8] = {0};
    CHECK(cost_kmap_find(&e, z) == -1 && !cost_kmap_has(&e, z));
    cost_kmap_free(&e);
    return check_done();
}
