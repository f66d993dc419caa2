/* ipranges: AWS's ip-ranges.json into the lpm table, so a public address
 * can be named (S3 us-east-1, CLOUDFRONT GLOBAL, …) and priced by the cost
 * model. The same loader reads a user's --ip-ranges file and the copy
 * compiled into the binary, so the bundled data are checked by the code
 * that uses them. Fields AWS may add to an entry (network_border_group, …)
 * are ignored; a missing or malformed prefix is an error naming the file,
 * because a half-read table would silently misprice traffic. */
#include "ipranges.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "ip.h"
#include "ipranges_bundled.h"
#include "util.h"

#define BUNDLED_NAME "bundled ip-ranges.json"

static long line_of(const char *text, size_t len, const char *at)
{
    long line = 1;
    for (const char *p = text; p < at && p < text + len; p++)
        if (*p == '\n') line++;
    return line;
}

static const char *str_field(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static int load_array(lpm *t, const cJSON *arr, const char *arr_name, const char *key, bool v6,
                      const char *name, char *err, size_t errlen)
{
    if (!arr) return 0;
    if (!cJSON_IsArray(arr)) return fc_err(err, errlen, "%s: \"%s\" is not an array", name, arr_name);
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
    {
        const char *pfx = str_field(e, key), *region = str_field(e, "region"),
                   *service = str_field(e, "service");
        if (!cJSON_IsObject(e) || !pfx || !region || !service)
            return fc_err(err, errlen, "%s: %s[%zu] lacks %s, region or service", name, arr_name, i, key);
        ip128 net;
        unsigned bits;
        if (ip_parse_cidr(pfx, &net, &bits) < 0 || ip_is_v4(&net) == v6)
            return fc_err(err, errlen, "%s: %s[%zu]: invalid %s '%.64s'", name, arr_name, i, key, pfx);
        lpm_add(t, &net, bits, service, region);
        i++;
    }
    return 0;
}

lpm *ipranges_parse(const char *text, size_t len, const char *name, char *err, size_t errlen)
{
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        if (!at || at < text || at > text + len) at = text;
        fc_err(err, errlen, "%s:%ld: invalid JSON (expected AWS ip-ranges.json)", name, line_of(text, len, at));
        return NULL;
    }
    lpm *t = NULL;
    const cJSON *v4 = cJSON_GetObjectItemCaseSensitive(root, "prefixes");
    const cJSON *v6 = cJSON_GetObjectItemCaseSensitive(root, "ipv6_prefixes");
    if (!cJSON_IsObject(root) || (!v4 && !v6)) {
        fc_err(err, errlen, "%s: not an AWS ip-ranges.json (no \"prefixes\")", name);
        goto out;
    }
    t = lpm_new();
    if (load_array(t, v4, "prefixes", "ip_prefix", false, name, err, errlen) < 0 ||
        load_array(t, v6, "ipv6_prefixes", "ipv6_prefix", true, name, err, errlen) < 0) {
        lpm_free(t);
        t = NULL;
        goto out;
    }
    lpm_set_version(t, str_field(root, "syncToken"), str_field(root, "createDate"));
    lpm_finalize(t);
out:
    cJSON_Delete(root);
    return t;
}

lpm *ipranges_load(const char *path, char *err, size_t errlen)
{
    if (!path) return ipranges_parse(ipranges_bundled_json, ipranges_bundled_len, BUNDLED_NAME, err, errlen);
    char *text;
    size_t len;
    char e[FC_ERRLEN];
    if (fc_read_file(path, &text, &len, e, sizeof e) < 0) {
        fc_err(err, errlen, "cannot read ip-ranges file: %s", e);
        return NULL;
    }
    lpm *t = ipranges_parse(text, len, path, err, errlen);
    free(text);
    return t;
}
