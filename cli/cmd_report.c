/* cmd_report: `flowcost report` — runs the pipeline (ingest → inventory →
 * ip-ranges → rates → cost model), asks the Graphviz module for the
 * topology and AZ graphs, renders the HTML page and writes it (and the
 * --json result) atomically. A missing graph is not fatal: the page shows a
 * placeholder saying why, because the cost figures are still right. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anomalies.h"
#include "cmd.h"
#include "graph.h"
#include "baseline_json.h"
#include "json_out.h"
#include "pipeline.h"
#include "report.h"
#include "util.h"

#ifndef FLOWCOST_VERSION
#define FLOWCOST_VERSION "0.0.0"
#endif

/* Inline SVG of the topology at `level`, or of the cross-AZ graph when
 * level is NULL; NULL with the reason in why. */
static char *graph_svg(const pipeline *p, const char *level, const char *id_prefix, char *why,
                       size_t whylen)
{
    graph_opts g;
    memset(&g, 0, sizeof g);
    g.level = level;
    /* Both graphs are inlined in one page next to section ids such as
     * "topology": distinct prefixes keep every id unique (anchors work). */
    g.id_prefix = id_prefix;
    g.format = "svg";
    g.inline_svg = 1;
    dbuf b;
    dbuf_init(&b, 0);
    if ((level ? graph_render(p->res, p->inv, &g, &b, why, whylen)
               : graph_render_cross_az(p->res, p->inv, &g, &b, why, whylen)) < 0) {
        dbuf_free(&b);
        return NULL;
    }
    if (!b.len) {
        snprintf(why, whylen, "the graph module produced an empty picture");
        dbuf_free(&b);
        return NULL;
    }
    return dbuf_take(&b, NULL);
}

int report_page(const fc_opts *o, const pipeline *p, dbuf *page, char *err, size_t errlen)
{
    struct timespec t0, t1, t2;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char topo_why[FC_ERRLEN] = "", az_why[FC_ERRLEN] = "";
    char *topo = graph_svg(p, "subnet", "topo", topo_why, sizeof topo_why);
    char *azg = graph_svg(p, NULL, "azgraph", az_why, sizeof az_why);

    report_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.title = o->title;
    ro.now = o->has_now ? o->now : (int64_t)time(NULL);
    ro.top = o->top < 0 ? 0 : (size_t)o->top;
    ro.template_dir = o->template_dir;
    ro.inputs = o->inputs;
    ro.n_inputs = o->n_inputs;
    /* --athena: the summary names the engine and the query instead */
    const char *engine[1] = {p->engine};
    if (o->athena) {
        ro.inputs = engine;
        ro.n_inputs = 1;
    }
    ro.enrichment = p->enrichment;
    ro.topology_svg = topo;
    ro.topology_error = topo ? NULL : topo_why;
    ro.az_graph_svg = azg;
    ro.az_graph_error = azg ? NULL : az_why;
    ro.baseline = p->base;
    ro.anomalies = p->anomalies;
    ro.rates = p->rates;
    ro.version = "flowcost " FLOWCOST_VERSION;
    ro.recon = p->recon;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    int rc = report_html(p->res, p->inv, &ro, page, err, errlen);
    clock_gettime(CLOCK_MONOTONIC, &t2);
    /* -v: what the page costs, so "rendering is a small part of the run" stays checked. */
    if (o->verbose && rc == 0)
        fprintf(stderr, "flowcost: report: %zu bytes; graphs %.3f s, page %.3f s\n", page->len,
                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                (double)(t2.tv_sec - t1.tv_sec) + (double)(t2.tv_nsec - t1.tv_nsec) / 1e9);
    free(topo);
    free(azg);
    return rc;
}

int cmd_report(const fc_opts *o)
{
    char err[FC_ERRLEN] = "";
    if (!o->n_inputs && !o->athena) {
        cli_error("'report' needs at least one INPUT (file, directory, s3:// URL or .fca); see 'flowcost report --help'");
        return EXIT_USAGE;
    }
    pipeline p;
    bool replayed;
    int code = pipeline_start_or_replay(o, &p, &replayed);
    if (code || replayed) return code;

    /* 64 MiB is far above the 5 MB a busy week produces: a bug guard, not a limit users meet. */
    dbuf page;
    dbuf_init(&page, 64u << 20);
    const char *path = o->output ? o->output : "report.html";
    code = EXIT_OK;
    if (report_page(o, &p, &page, err, sizeof err) < 0) {
        cli_error(err);
        code = EXIT_RUNTIME;
    }
    char *j = NULL;
    if (code == EXIT_OK && o->json) {
        char *bl = baseline_json_of(p.base, p.res, o->top < 0 ? 0 : (size_t)o->top); /* "weekly": --baseline key */
        j = pipeline_json_extras(&p, json_result_with(p.res, o->top < 0 ? 0 : (size_t)o->top, "baseline", bl));
        free(bl);
        if (!j) {
            cli_error("cannot build the JSON result");
            code = EXIT_RUNTIME;
        }
    }
    /* the page and the JSON together or neither (a job reading both never
     * sees a new page beside an old result) */
    fc_output out[2] = {{path, page.data, page.len}, {o->json, j, j ? strlen(j) : 0}};
    if (code == EXIT_OK && fc_write_files_atomic(j ? 2 : 1, out, err, sizeof err) < 0) {
        cli_error(err);
        code = EXIT_RUNTIME;
    }
    if (code == EXIT_OK) {
        char what[FC_ERRLEN];
        snprintf(what, sizeof what, "%.400s%s%.400s", strcmp(path, "-") ? path : "the report to standard output",
                 o->json ? " and " : "", o->json ? (strcmp(o->json, "-") ? o->json : "the JSON to standard output") : "");
        pipeline_done(o, what, p.res);
    }
    code = anomalies_exit(o, &p, code);
    free(j);
    dbuf_free(&page);
    pipeline_free(&p);
    return code;
}
