/* fuzz_snapshot: --eni-snapshot files and EC2 responses are outside input;
 * the loader (JSON snapshot, or Describe* XML sniffed and handed to the EC2
 * parser) must fill the inventory or refuse with a message, and whatever it
 * filled must finalize, look up and serialise without going out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "ip.h"
#include "snapshot.h"
#include "util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[FC_ERRLEN];
    err[0] = '\0';
    inventory *inv = inv_new();
    if (snapshot_load_mem(inv, (const char *)data, size, "fuzz", err, sizeof err) < 0) {
        if (!err[0]) __builtin_trap();
        inv_free(inv);
        return 0;
    }
    inv_finalize(inv);
    ip128 a;
    ip_parse("10.0.1.17", 9, &a);
    (void)inv_by_ip(inv, &a);
    (void)inv_subnet_containing(inv, &a);
    char *json = snapshot_to_json(inv, inv_fetched_at(inv));
    /* What we write must read back. */
    inventory *back = inv_new();
    if (snapshot_load_mem(back, json, strlen(json), "again", err, sizeof err) < 0) __builtin_trap();
    if (inv_eni_count(back) != inv_eni_count(inv)) __builtin_trap();
    inv_free(back);
    free(json);
    inv_free(inv);
    return 0;
}
