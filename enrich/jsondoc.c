#include "jsondoc.h"

#include "util.h"

cJSON *jsondoc_parse(const char *text, size_t len, const char *name, const char *what, char *err, size_t errlen)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (root) return root;
    if (!end || end < text || end > text + len) end = text;
    long line = 1;
    for (const char *p = text; p < end; p++) line += *p == '\n';
    fc_err(err, errlen, "%s:%ld: %s", name, line, what);
    return NULL;
}
