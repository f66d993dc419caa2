/* fuzz_s3_list: a ListObjectsV2 response is bytes from the network; the
 * parser (libxml2 through enrich/xml.c) must accept it or refuse it with a
 * message, never read past the end, and anything it accepts must be
 * coherent (a truncated page carries its token). The error-document
 * parser and the layout classifier get the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "s3.h"
#include "util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy, so ASan sees any read past the end. */
    char *xml = malloc(size ? size : 1);
    if (!xml) return 0;
    memcpy(xml, data, size);
    s3_list_page pg;
    char err[FC_ERRLEN];
    err[0] = '\0';
    if (s3_parse_list(xml, size, &pg, err, sizeof err) == 0) {
        if (pg.truncated && !pg.next_token) __builtin_trap();
        for (size_t i = 0; i < pg.n_objs; i++)
            if (!pg.objs[i].key) __builtin_trap();
        for (size_t i = 0; i < pg.n_prefixes; i++) (void)s3_classify_prefix(pg.prefixes[i]);
        s3_list_page_free(&pg);
    } else if (!err[0]) {
        __builtin_trap();
    }
    char code[64], msg[256], rid[64];
    s3_parse_error(xml, size, code, sizeof code, msg, sizeof msg, rid, sizeof rid);
    if (strchr(msg, '\n') || strchr(code, '\n')) __builtin_trap();
    free(xml);
    return 0;
}
