/* version: `flowcost --version [--json]`, what a bug report needs: the
 * version, the commit it was built from, and every linked library's version
 * as the running process sees it (a .deb built on one machine runs with the
 * libraries of another). */
#ifndef FC_VERSION_H
#define FC_VERSION_H

#include <stdio.h>

/* Writes the JSON object of docs/install.md to f. Returns 0, or -1 when it
 * could not be built (out of memory). */
int version_json(FILE *f);
/* "0.1.0" */
const char *version_string(void);
/* the git commit at build time ("-dirty" appended when the tree had
 * uncommitted changes), or "unknown" */
const char *version_commit(void);

#endif
