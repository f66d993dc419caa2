/* report: the single-file HTML report of ../shared/spec/report.md. */
#ifndef FC_REPORT_H
#define FC_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "cost.h"
#include "inventory.h"
#include "util.h"

typedef struct report_opts {
    const char *title;
    int64_t now;               /* the report's "now" (deterministic output) */
    size_t top;                /* rows in top tables; 0 = all */
    const char *template_dir;  /* NULL = embedded templates */
    const char *const *inputs; /* input names, for the summary */
    size_t n_inputs;
    const char *enrichment;    /* "snapshot fixtures/x.json", "live EC2", "learned from records" */
    const char *topology_svg;  /* inline SVG of the topology, or NULL */
    const cost_result *baseline; /* NULL = no baseline section */
} report_opts;

int report_html(const cost_result *r, const inventory *inv, const report_opts *o,
                dbuf *out, char *err, size_t errlen);

#endif
