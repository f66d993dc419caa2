/* ipranges: AWS's ip-ranges.json into the lpm table, so a public address
 * can be named (S3 us-east-1, CLOUDFRONT GLOBAL, …) and priced by the cost
 * model. The same loader reads a user's --ip-ranges file and the copy
 * compiled into the binary, so the bundled data are checked by the code
 * that uses them. Fields AWS may add to an entry (network_border_group, …)
 * are ignored; a missing or malformed prefix is an error naming the file,
 * because a half-read table would silently misprice traffic. */
#include "ipranges.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "http.h"
#include "ip.h"
#include "jsondoc.h"
#include "ipranges_bundled.h"
#include "util.h"

#define BUNDLED_NAME "bundled ip-ranges.json"
#define IPR_BAD_JSON "invalid JSON (expected AWS ip-ranges.json)"

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
    cJSON *root = jsondoc_parse(text, len, name, IPR_BAD_JSON, err, errlen);
    if (!root) return NULL;
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

/* The bundled copy is the whole AWS file as one "PREFIX REGION SERVICE"
 * line per prefix (ipranges_bundled.h): a third of the JSON's size in the
 * binary and the repository. Checked as strictly as a user's file, so a
 * bad regeneration fails every test that prices. */
static int bundled_field(const char **p, const char *end, char *out, size_t n)
{
    const char *s = *p;
    while (*p < end && **p != ' ' && **p != '\n') (*p)++;
    size_t len = (size_t)(*p - s);
    if (len == 0 || len >= n) return -1;
    memcpy(out, s, len);
    out[len] = '\0';
    if (*p < end && **p == ' ') (*p)++;
    return 0;
}

static lpm *bundled_parse(const char *text, size_t len, char *err, size_t errlen)
{
    const char *p = text, *end = text + len;
    char tok[64], date[64], key[16];
    if (bundled_field(&p, end, key, sizeof key) < 0 || strcmp(key, "syncToken") != 0 ||
        bundled_field(&p, end, tok, sizeof tok) < 0 || p >= end || *p++ != '\n' ||
        bundled_field(&p, end, key, sizeof key) < 0 || strcmp(key, "createDate") != 0 ||
        bundled_field(&p, end, date, sizeof date) < 0 || p >= end || *p++ != '\n') {
        fc_err(err, errlen, "%s: line 1: no syncToken and createDate", BUNDLED_NAME);
        return NULL;
    }
    lpm *t = lpm_new();
    for (size_t line = 3; p < end; line++) {
        char pfx[64], region[64], service[64];
        ip128 net;
        unsigned bits;
        if (bundled_field(&p, end, pfx, sizeof pfx) < 0 || bundled_field(&p, end, region, sizeof region) < 0 ||
            bundled_field(&p, end, service, sizeof service) < 0 || p >= end || *p++ != '\n' ||
            ip_parse_cidr(pfx, &net, &bits) < 0) {
            fc_err(err, errlen, "%s: line %zu: expected PREFIX REGION SERVICE", BUNDLED_NAME, line);
            lpm_free(t);
            return NULL;
        }
        lpm_add(t, &net, bits, service, region);
    }
    lpm_set_version(t, tok, date);
    lpm_finalize(t);
    return t;
}

lpm *ipranges_load(const char *path, char *err, size_t errlen)
{
    if (!path) return bundled_parse(ipranges_bundled_text, ipranges_bundled_len, err, errlen);
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

bool ipranges_cache_file(const char *file, char *out, size_t n)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int w;
    /* XDG says a relative XDG_CACHE_HOME is invalid and to be ignored. */
    if (xdg && xdg[0] == '/') w = snprintf(out, n, "%s/flowcost/%s", xdg, file);
    else if (home && *home) w = snprintf(out, n, "%s/.cache/flowcost/%s", home, file);
    else return false;
    return w > 0 && (size_t)w < n;
}

lpm *ipranges_load_default(const char *path, ipranges_source *src, char *err, size_t errlen)
{
    ipranges_source dummy;
    if (!src) src = &dummy;
    memset(src, 0, sizeof *src);
    if (path) {
        snprintf(src->what, sizeof src->what, "file");
        snprintf(src->path, sizeof src->path, "%s", path);
        return ipranges_load(path, err, errlen);
    }
    char cache[1024];
    struct stat st;
    if (ipranges_cache_file("ip-ranges.json", cache, sizeof cache) && stat(cache, &st) == 0) {
        snprintf(src->what, sizeof src->what, "cache");
        snprintf(src->path, sizeof src->path, "%s", cache);
        return ipranges_load(cache, err, errlen);
    }
    snprintf(src->what, sizeof src->what, "bundled");
    return ipranges_load(NULL, err, errlen);
}

int64_t ipranges_created_time(const char *d)
{
    int y, mo, da, h, mi;
    char tail;
    if (!d || sscanf(d, "%4d-%2d-%2d-%2d-%2d%c", &y, &mo, &da, &h, &mi, &tail) < 5) return -1;
    char iso[40];
    snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:00Z", y, mo, da, h, mi);
    int64_t t;
    return fc_parse_time(iso, &t) == 0 ? t : -1;
}

/* The real file is a few MB (about 10,000 prefixes in 2026); a body far
 * off that is a proxy's error page or a cut download, not a new edition.
 * The floor is low so that a test can serve a small well-formed file. */
#define IPR_MIN_BYTES 64
#define IPR_MAX_BYTES (256u << 20)

int ipranges_validate(const char *text, size_t len, const char *name, char *err, size_t errlen)
{
    if (len < IPR_MIN_BYTES || len > IPR_MAX_BYTES)
        return fc_err(err, errlen, "%s: implausible size for ip-ranges.json (%zu bytes)", name, len);
    cJSON *root = jsondoc_parse(text, len, name, IPR_BAD_JSON, err, errlen);
    if (!root) return -1;
    int rc = 0;
    const cJSON *pf = cJSON_GetObjectItemCaseSensitive(root, "prefixes");
    if (!cJSON_IsObject(root) || !str_field(root, "syncToken") || !str_field(root, "createDate"))
        rc = fc_err(err, errlen, "%s: not an AWS ip-ranges.json (no syncToken or createDate)", name);
    else if (ipranges_created_time(str_field(root, "createDate")) < 0)
        rc = fc_err(err, errlen, "%s: unreadable createDate '%.40s'", name, str_field(root, "createDate"));
    else if (!cJSON_IsArray(pf) || cJSON_GetArraySize(pf) == 0)
        rc = fc_err(err, errlen, "%s: not an AWS ip-ranges.json (no prefixes)", name);
    cJSON_Delete(root);
    if (rc < 0) return rc;
    lpm *t = ipranges_parse(text, len, name, err, errlen);
    if (!t) return -1;
    lpm_free(t);
    return 0;
}

#define IPR_DEFAULT_URL "https://ip-ranges.amazonaws.com/ip-ranges.json"

int ipranges_mkdir_parent(const char *file, char *err, size_t errlen)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", file);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
            return fc_err(err, errlen, "cannot create directory %s: %s", dir, strerror(errno));
        *p = '/';
    }
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return fc_err(err, errlen, "cannot create directory %s: %s", dir, strerror(errno));
    return 0;
}

/* An ETag goes back into a request header: one line of printable ASCII. */
static bool etag_ok(const char *s, size_t n)
{
    if (n == 0 || n > 256) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] > 0x7e) return false;
    return true;
}

static void fill_version(ipranges_update_result *res, const char *text, size_t len)
{
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root) return;
    const char *tok = str_field(root, "syncToken"), *cd = str_field(root, "createDate");
    snprintf(res->sync_token, sizeof res->sync_token, "%s", tok ? tok : "");
    snprintf(res->create_date, sizeof res->create_date, "%s", cd ? cd : "");
    res->prefixes = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "prefixes"));
    cJSON_Delete(root);
}

int ipranges_update(const ipranges_update_opts *o, ipranges_update_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    const char *url = o->url;
    if (!url || !*url) url = getenv("FLOWCOST_IPRANGES_URL");
    if (!url || !*url) url = IPR_DEFAULT_URL;
    if (strncmp(url, "https://", 8) != 0)
        return fc_err(err, errlen, "ip-ranges URL must be https:// (got '%.200s')", url);
    if (o->output) snprintf(res->path, sizeof res->path, "%s", o->output);
    else if (!ipranges_cache_file("ip-ranges.json", res->path, sizeof res->path))
        return fc_err(err, errlen, "no cache directory: set XDG_CACHE_HOME or HOME, or give -o FILE");
    char etag_path[1100];
    snprintf(etag_path, sizeof etag_path, "%s.etag", res->path);

    /* Send the ETag only when the file it belongs to is still there and
     * valid: a 304 must never leave us with no usable copy. */
    char *old = NULL, *etag = NULL;
    size_t old_len = 0, etag_len = 0;
    char e[FC_ERRLEN];
    bool have_old = fc_read_file(res->path, &old, &old_len, e, sizeof e) == 0 &&
                    ipranges_validate(old, old_len, res->path, e, sizeof e) == 0;
    if (have_old && fc_read_file(etag_path, &etag, &etag_len, e, sizeof e) == 0) {
        while (etag_len && (etag[etag_len - 1] == '\n' || etag[etag_len - 1] == '\r')) etag[--etag_len] = '\0';
        if (!etag_ok(etag, etag_len)) {
            free(etag);
            etag = NULL;
        }
    }
    char inm[300] = "";
    if (etag) snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
    const char *hdrs[] = {inm, NULL};
    http_request rq = {.method = "GET", .url = url, .headers = etag ? hdrs : NULL};
    http_opts ho = {0};
    ho.verbose = o->verbose;
    ho.label = "ip-ranges";
    const char *ca = o->ca_bundle && *o->ca_bundle ? o->ca_bundle : getenv("AWS_CA_BUNDLE");
    ho.ca_bundle = ca && *ca ? ca : NULL;
    http_response r;
    int rc = http_do(&rq, &ho, &r, e, sizeof e);
    if (rc < 0) {
        fc_err(err, errlen, "ip-ranges: %s", e);
    } else if (r.status == 304 && have_old) {
        res->not_modified = true;
        fill_version(res, old, old_len);
    } else if (r.status != 200) {
        rc = fc_err(err, errlen, "ip-ranges: HTTP %ld from %s (after %d attempt%s); the old copy is kept", r.status,
                    url, r.attempts, r.attempts == 1 ? "" : "s");
    } else if (ipranges_validate(r.body.data ? r.body.data : "", r.body.len, url, e, sizeof e) < 0) {
        rc = fc_err(err, errlen, "rejected the download: %s; the old copy is kept", e);
    } else {
        fill_version(res, r.body.data, r.body.len);
        const char *tag = http_header(&r, "etag");
        fc_output out[2] = {{res->path, r.body.data, r.body.len}, {etag_path, "", 0}};
        dbuf tb;
        dbuf_init(&tb, 0);
        if (tag && etag_ok(tag, strlen(tag))) dbuf_printf(&tb, "%s\n", tag);
        out[1].data = tb.data ? tb.data : "";
        out[1].len = tb.len;
        rc = ipranges_mkdir_parent(res->path, err, errlen);
        if (rc == 0) rc = fc_write_files_atomic(2, out, err, errlen);
        dbuf_free(&tb);
    }
    http_response_free(&r);
    free(old);
    free(etag);
    return rc < 0 ? -1 : 0;
}
