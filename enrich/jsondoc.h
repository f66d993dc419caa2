/* jsondoc: parse a whole JSON document that a user gave us (ip-ranges.json,
 * a rates file, an inventory snapshot), with the one error they can act on:
 * "NAME:LINE: WHAT", LINE being where cJSON stopped. Thread-safe: the error
 * position comes from the parse itself, not cJSON's global error pointer. */
#ifndef FC_JSONDOC_H
#define FC_JSONDOC_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* The parsed document (cJSON_Delete it), or NULL with err filled. */
cJSON *jsondoc_parse(const char *text, size_t len, const char *name, const char *what, char *err, size_t errlen);

#endif
