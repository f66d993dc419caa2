/* graph: the topology graph laid out in-process with Graphviz (cgraph+gvc). */
#ifndef FC_GRAPH_H
#define FC_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "cost.h"
#include "inventory.h"
#include "util.h"

typedef struct graph_opts {
    const char *level;   /* vpc|az|subnet|eni */
    size_t top;          /* keep the N heaviest nodes; 0 = all */
    uint64_t min_bytes;
    const char *focus;   /* IP, ENI or subnet id; NULL = all */
    const char *format;  /* "svg", "dot", "png" */
    int inline_svg;      /* strip XML prolog/DOCTYPE for inlining in HTML */
} graph_opts;

int graph_render(const cost_result *r, const inventory *inv, const graph_opts *o,
                 dbuf *out, char *err, size_t errlen);

/* "graphviz/2.43.0" for --version. */
const char *render_lib_versions(void);

#endif
