/* version: the runtime versions of the libraries flowcost links, as JSON.
 * Each library reports its own version where it can (the runtime's, not the
 * headers'), next to the version of the headers it was built with and the
 * shared object the dynamic linker actually loaded. */
#define _GNU_SOURCE /* dladdr */
#include "version.h"

#include <dlfcn.h>
#include <gnu/libc-version.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fc_commit.h" /* FLOWCOST_COMMIT, written at build time by cmake/gitcommit.cmake */
#include "graph.h"
#include "gz.h"
#include "http.h"
#include "json_out.h"
#include "sigv4.h"
#include "snapshot.h"
#include "util.h"
#include "xml.h"

#ifndef FLOWCOST_VERSION
#define FLOWCOST_VERSION "0.0.0"
#endif
#define STR2(x) #x
#define STR(x) STR2(x)

const char *version_string(void) { return FLOWCOST_VERSION; }
const char *version_commit(void) { return FLOWCOST_COMMIT; }

int version_json(FILE *f)
{
    /* Each library is asked of the module that includes its header (one
     * header, one file); glibc is this file's own. */
    enum { NLIB = 8 };
    fc_lib_info libs[NLIB];
    memset(libs, 0, sizeof libs);
    http_lib_info(&libs[0]);
    sigv4_lib_info(&libs[1]);
    snapshot_lib_info(&libs[2]);
    xml_lib_info(&libs[3]);
    graph_lib_info(&libs[4]);
    gz_lib_info(&libs[5]); /* isa-l, zlib */
    libs[7].name = "glibc";
    snprintf(libs[7].version, sizeof libs[7].version, "%s", gnu_get_libc_version());
    libs[7].built_with = STR(__GLIBC__) "." STR(__GLIBC_MINOR__);
    libs[7].symbol = (const void *)gnu_get_libc_version;
    char real[NLIB][PATH_MAX];
    const char *files[NLIB];
    for (size_t i = 0; i < NLIB; i++) {
        Dl_info di;
        files[i] = NULL;
        if (dladdr(libs[i].symbol, &di) && di.dli_fname && di.dli_fname[0])
            files[i] = realpath(di.dli_fname, real[i]) ? real[i] : di.dli_fname;
    }
#if defined(__clang__)
    const char *compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
    const char *compiler = "gcc " __VERSION__;
#else
    const char *compiler = NULL;
#endif
    char *s = json_version(FLOWCOST_VERSION, FLOWCOST_COMMIT, compiler, libs, files, NLIB);
    int rc = fprintf(f, "%s\n", s) < 0 ? -1 : 0;
    free(s);
    return rc;
}
