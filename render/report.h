/* report: the single-file HTML report of ../shared/spec/report.md.
 *
 * report_html() fills the logic-free {{slot}} templates (templates/, embedded
 * at build time; --template-dir overrides them file by file) with sections
 * rendered from a cost_result and its inventory. Every input-derived string
 * goes through render/escape.h. Output depends only on its arguments (time
 * is report_opts.now), so the same inputs give the same bytes. */
#ifndef FC_REPORT_H
#define FC_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"
#include "cost.h"
#include "inventory.h"
#include "rates.h"
#include "reconcile.h"
#include "tpl.h"
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
    /* Added by the report owner (all optional, NULL = not shown / placeholder): */
    const char *topology_error;  /* why topology_svg is NULL */
    const char *az_graph_svg;    /* inline SVG of the AZ-level graph (section 4) */
    const char *az_graph_error;
    const rate_table *rates;     /* the rate table used (section 11) */
    const char *version;         /* "flowcost 0.1.0" for the footer */
    const anomaly_list *anomalies; /* NULL = no anomalies section (no --baseline-dir / repeated --baseline) */
    const reconcile *recon;      /* --cur: the "Reconciled with the bill" section; NULL = none */
} report_opts;

/* Append the page to out. Returns 0, or -1 with err filled (unreadable or
 * broken template, out's cap reached). */
int report_html(const cost_result *r, const inventory *inv, const report_opts *o,
                dbuf *out, char *err, size_t errlen);

/* The model of one section (its slot: "summary", "top_ips", ...) exactly
 * as its template sees it: formatted cells, no markup. For tests and tools;
 * NULL for an unknown slot. Free with tpl_model_free. */
tpl_model *report_model(const cost_result *r, const inventory *inv, const report_opts *o, const char *slot);

/* The template `name` ("report.html", "report.css", "report.js"): from dir
 * when dir is set and holds it, else the embedded copy. *data is malloc'd. */
int report_template(const char *dir, const char *name, char **data, size_t *len,
                    char *err, size_t errlen);

/* Fill `{{slot}}`s of tpl from names[i] → values[i]. An unknown slot is an
 * error naming tpl_name:line. Values are inserted verbatim (already escaped). */
int report_fill(const char *tpl_name, const char *text, size_t len, const char *const *names,
                const char *const *values, size_t n, dbuf *out, char *err, size_t errlen);

#endif
