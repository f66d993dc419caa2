/* fuzz_ipranges: an --ip-ranges file is user input; the loader must build
 * a table or refuse with a message, and lookups on whatever it built must
 * stay in bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ip.h"
#include "ipranges.h"
#include "lpm.h"
#include "util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[FC_ERRLEN];
    err[0] = '\0';
    lpm *t = ipranges_parse((const char *)data, size, "fuzz.json", err, sizeof err);
    if (!t) {
        if (!err[0]) __builtin_trap();
        return 0;
    }
    static const char *const probes[] = {"52.216.1.1", "0.0.0.0", "255.255.255.255", "::", "2600:1f18::1",
                                         "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"};
    for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
        ip128 a;
        ip_parse(probes[i], strlen(probes[i]), &a);
        const char *s = NULL, *r = NULL;
        int bits = lpm_lookup(t, &a, &s, &r);
        if (bits > 128 || (bits >= 0 && (!s || !r))) __builtin_trap();
        (void)lpm_in_service(t, &a, "S3");
    }
    lpm_free(t);
    return 0;
}
