/* jsondoc: one parse-with-line-number for the JSON files a user gives. */
#include "check.h"
#include "jsondoc.h"
#include "util.h"

int main(void)
{
    /* The line is 1 + the newlines before the byte where cJSON stopped. */
    static const struct {
        const char *text, *msg; /* msg NULL: parses */
    } c[] = {
        {"{\"a\": 1}", NULL},
        {"", "f.json:1: bad"},                      /* nothing to parse */
        {"{\n\"a\": [1,\n2,,]}", "f.json:3: bad"},  /* stops at the second comma, after two newlines */
        {"\n\n\n\n{\"a\" 1}", "f.json:5: bad"},     /* four newlines, then the missing colon */
        {"[1, 2\n", "f.json:1: bad"},               /* off the end: cJSON names the last byte, the newline itself */
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        char err[FC_ERRLEN] = "";
        cJSON *root = jsondoc_parse(c[i].text, strlen(c[i].text), "f.json", "bad", err, sizeof err);
        CHECK((root != NULL) == (c[i].msg == NULL));
        if (c[i].msg) CHECK_STR(err, c[i].msg);
        cJSON_Delete(root);
    }
    return check_done();
}
