/* fuzz_rates_json: a --rates file is user input; whatever its bytes, the
 * loader must either apply it or reject it with a message, never crash,
 * and a rejected file must leave the table as it was. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rates.h"
#include "rates_json.h"
#include "util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rate_table *t = rates_new_default();
    char err[FC_ERRLEN];
    err[0] = '\0';
    if (rates_parse_json(t, (const char *)data, size, "fuzz.json", err, sizeof err) < 0) {
        if (!err[0]) __builtin_trap();
        if (rates_for(t, "us-east-1", NULL)->nat_per_gb != 0.045) __builtin_trap();
    } else {
        /* An accepted table prints and reads back. */
        char *json = rates_to_json(t, NULL);
        rate_table *u = rates_new_default();
        if (rates_parse_json(u, json, strlen(json), "again", err, sizeof err) < 0) __builtin_trap();
        rates_free(u);
        free(json);
    }
    rates_free(t);
    return 0;
}
