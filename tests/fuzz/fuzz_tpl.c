/* fuzz_tpl: an edited template (--template-dir) is input. Whatever its
 * bytes, parsing either fails with "fuzz.html:LINE: ..." or gives a
 * template that renders against a model with text, lists and nested
 * lists without crashing; rendering the same template twice gives the same
 * bytes (the engine keeps no state between renders). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tpl.h"
#include "util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tpl_model *m = tpl_model_new();
    tpl_obj *r = tpl_root(m);
    tpl_set(r, "title", "<x>&\"'");
    tpl_set(r, "empty", "");
    tpl_list(r, "none");
    for (int i = 0; i < 3; i++) {
        tpl_obj *row = tpl_add(r, "rows");
        tpl_setf(row, "a", "%d", i);
        tpl_flag(row, "first", i == 0);
        tpl_setf(tpl_add(row, "rows"), "b", "<%d>", i);
    }
    char err[256];
    tpl *t;
    if (tpl_parse("fuzz.html", (const char *)data, size, &t, err, sizeof err) == 0) {
        dbuf a, b;
        dbuf_init(&a, 1 << 20);
        dbuf_init(&b, 1 << 20);
        int ra = tpl_render(t, r, &a, err, sizeof err);
        int rb = tpl_render(t, r, &b, err, sizeof err);
        if (ra != rb || (ra == 0 && (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len))))) abort();
        dbuf_free(&a);
        dbuf_free(&b);
        tpl_free(t);
    } else if (strncmp(err, "fuzz.html", 9) != 0) {
        abort();
    }
    tpl_model_free(m);
    return 0;
}
