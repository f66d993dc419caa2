/* version: the runtime versions of the libraries flowcost links, as JSON.
 * Each library reports its own version where it can (the runtime's, not the
 * headers'), next to the version of the headers it was built with and the
 * shared object the dynamic linker actually loaded. */
#define _GNU_SOURCE /* dladdr */
#include "version.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <gnu/libc-version.h>
#include <gvc.h>
#include <graphviz_version.h>
#include <isa-l.h>
#include <libxml/parser.h>
#include <libxml/xmlversion.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fc_commit.h" /* FLOWCOST_COMMIT, written at build time by cmake/gitcommit.cmake */

#ifndef FLOWCOST_VERSION
#define FLOWCOST_VERSION "0.0.0"
#endif
#define STR2(x) #x
#define STR(x) STR2(x)

const char *version_string(void) { return FLOWCOST_VERSION; }
const char *version_commit(void) { return FLOWCOST_COMMIT; }

/* "OpenSSL 3.0.19 27 Jan 2026" -> "3.0.19" */
static const char *openssl_runtime(char *buf, size_t len)
{
    const char *v = OpenSSL_version(OPENSSL_VERSION);
    const char *sp = strchr(v, ' ');
    snprintf(buf, len, "%.*s", (int)strcspn(sp ? sp + 1 : v, " "), sp ? sp + 1 : v);
    return buf;
}

/* xmlParserVersion is "20914" for 2.9.14 */
static const char *libxml2_runtime(char *buf, size_t len)
{
    long v = strtol(xmlParserVersion, NULL, 10);
    snprintf(buf, len, "%ld.%ld.%ld", v / 10000, v / 100 % 100, v % 100);
    return buf;
}

/* Graphviz reports its version through a context; one without plugins
 * loaded is enough. */
static const char *graphviz_runtime(char *buf, size_t len)
{
    GVC_t *g = gvNEWcontext(NULL, 1);
    if (!g) return NULL;
    const char *v = gvcVersion(g);
    snprintf(buf, len, "%s", v ? v : "");
    gvFreeContext(g);
    return buf[0] ? buf : NULL;
}

static const char *curl_runtime(char *buf, size_t len)
{
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    snprintf(buf, len, "%s", v && v->version ? v->version : "");
    return buf[0] ? buf : NULL;
}

static const char *cjson_runtime(char *buf, size_t len)
{
    snprintf(buf, len, "%s", cJSON_Version());
    return buf;
}

static const char *zlib_runtime(char *buf, size_t len)
{
    snprintf(buf, len, "%s", zlibVersion());
    return buf;
}

static const char *glibc_runtime(char *buf, size_t len)
{
    snprintf(buf, len, "%s", gnu_get_libc_version());
    return buf;
}

/* One row per linked library. `symbol` is any function of it: dladdr names
 * the file it came from. ISA-L has no version call, so its runtime is known
 * only by the file loaded. */
static const struct {
    const char *name;
    const char *built_with;
    const char *(*runtime)(char *, size_t);
    void *symbol;
} libs[] = {
    {"libcurl", LIBCURL_VERSION, curl_runtime, (void *)curl_version_info},
    {"openssl", STR(OPENSSL_VERSION_MAJOR) "." STR(OPENSSL_VERSION_MINOR) "." STR(OPENSSL_VERSION_PATCH),
     openssl_runtime, (void *)OpenSSL_version},
    {"cjson", STR(CJSON_VERSION_MAJOR) "." STR(CJSON_VERSION_MINOR) "." STR(CJSON_VERSION_PATCH), cjson_runtime,
     (void *)cJSON_Version},
    {"libxml2", LIBXML_DOTTED_VERSION, libxml2_runtime, (void *)xmlCheckVersion},
    {"graphviz", PACKAGE_VERSION, graphviz_runtime, (void *)gvcVersion},
    {"isa-l", STR(ISAL_MAJOR_VERSION) "." STR(ISAL_MINOR_VERSION) "." STR(ISAL_PATCH_VERSION), NULL,
     (void *)isal_inflate},
    {"zlib", ZLIB_VERSION, zlib_runtime, (void *)zlibVersion},
    {"glibc", STR(__GLIBC__) "." STR(__GLIBC_MINOR__), glibc_runtime, (void *)gnu_get_libc_version},
};

static cJSON *str_or_null(const char *s) { return s ? cJSON_CreateString(s) : cJSON_CreateNull(); }

int version_json(FILE *f)
{
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    if (!root || !arr) goto fail;
    cJSON_AddStringToObject(root, "name", "flowcost");
    cJSON_AddStringToObject(root, "version", FLOWCOST_VERSION);
    cJSON_AddStringToObject(root, "commit", FLOWCOST_COMMIT);
#if defined(__clang__)
    cJSON_AddStringToObject(root, "compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
    cJSON_AddStringToObject(root, "compiler", "gcc " __VERSION__);
#endif
    cJSON_AddItemToObject(root, "libraries", arr);
    for (size_t i = 0; i < sizeof libs / sizeof *libs; i++) {
        char buf[128] = "", real[PATH_MAX];
        cJSON *o = cJSON_CreateObject();
        if (!o) goto fail;
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "name", libs[i].name);
        cJSON_AddItemToObject(o, "version", str_or_null(libs[i].runtime ? libs[i].runtime(buf, sizeof buf) : NULL));
        cJSON_AddStringToObject(o, "built_with", libs[i].built_with);
        Dl_info di;
        const char *file = NULL;
        if (dladdr(libs[i].symbol, &di) && di.dli_fname && di.dli_fname[0])
            file = realpath(di.dli_fname, real) ? real : di.dli_fname;
        cJSON_AddItemToObject(o, "file", str_or_null(file));
    }
    char *s = cJSON_Print(root);
    cJSON_Delete(root);
    if (!s) return -1;
    fprintf(f, "%s\n", s);
    cJSON_free(s);
    return 0;
fail:
    cJSON_Delete(root);
    if (!root) cJSON_Delete(arr);
    return -1;
}
