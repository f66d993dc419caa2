/* cmd_report: `flowcost report` — runs the pipeline (ingest → inventory →
 * ip-ranges → rates → cost model), asks the Graphviz module for the
 * topology and AZ graphs, renders the HTML page and writes it (and the
 * --json result) atomically. A missing graph is not fatal: the page shows a
 * placeholder saying why, because the cost figures are still right. */
#include <pthread.h>
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

/* Both graphs, on a thread of their own while the page is made: Graphviz
 * keeps global state, so only this thread calls it. */
typedef struct graphs {
    const pipeline *p;
    char *topo, *azg;
    char topo_why[FC_ERRLEN], az_why[FC_ERRLEN];
    double secs;
} graphs;

static double secs_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void *graphs_main(void *arg)
{
    graphs *g = arg;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    g->topo = graph_svg(g->p, "subnet", "topo", g->topo_why, sizeof g->topo_why);
    g->azg = graph_svg(g->p, NULL, "azgraph", g->az_why, sizeof g->az_why);
    g->secs = secs_since(&t0);
    return NULL;
}

/* Stand-ins for the graphs in a page made before they are ready: control
 * characters, which the page's escaping never lets through from data. */
#define TOPO_SLOT "\x02flowcost:topology-svg\x03"
#define AZ_SLOT "\x02flowcost:az-graph-svg\x03"

/* page with each slot (there exactly once) replaced by its graph; -1 when a
 * slot is not there exactly once. */
static int fill_slots(dbuf *page, const char *const slot[2], const char *const svg[2])
{
    const char *at[2];
    for (int i = 0; i < 2; i++) {
        at[i] = page->data ? strstr(page->data, slot[i]) : NULL;
        if (!at[i] || strstr(at[i] + 1, slot[i])) return -1;
    }
    int first = at[0] < at[1] ? 0 : 1;
    dbuf out;
    dbuf_init(&out, page->cap_limit);
    const char *from = page->data;
    int rc = 0;
    for (int k = 0; k < 2; k++) {
        int i = k ? 1 - first : first;
        rc |= dbuf_append(&out, from, (size_t)(at[i] - from));
        rc |= dbuf_puts(&out, svg[i]);
        from = at[i] + strlen(slot[i]);
    }
    rc |= dbuf_append(&out, from, page->len - (size_t)(from - page->data));
    if (rc) {
        dbuf_free(&out);
        return -1;
    }
    dbuf_free(page);
    *page = out;
    return 0;
}

int report_page(const fc_opts *o, const pipeline *p, dbuf *page, char *err, size_t errlen)
{
    graphs g;
    memset(&g, 0, sizeof g);
    g.p = p;
    pthread_t th;
    /* with more than one thread the page is made beside the graphs, with
     * stand-ins where they go (one thread: one after the other, as before) */
    bool beside = o->threads != 1 && pthread_create(&th, NULL, graphs_main, &g) == 0;
    if (!beside) graphs_main(&g);
    char *topo = g.topo, *azg = g.azg;
    char *topo_why = g.topo_why, *az_why = g.az_why;

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

    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int rc;
    if (beside) {
        ro.topology_svg = TOPO_SLOT;
        ro.topology_error = NULL;
        ro.az_graph_svg = AZ_SLOT;
        ro.az_graph_error = NULL;
        rc = report_html(p->res, p->inv, &ro, page, err, errlen);
        pthread_join(th, NULL);
        topo = g.topo;
        azg = g.azg;
        const char *const slot[2] = {TOPO_SLOT, AZ_SLOT}, *const svg[2] = {topo, azg};
        /* a graph missing (the page then says why) or a slot not found
         * once: the page again, made the plain way */
        if (rc == 0 && (!topo || !azg || fill_slots(page, slot, svg) < 0)) {
            dbuf_reset(page);
            ro.topology_svg = topo;
            ro.topology_error = topo ? NULL : topo_why;
            ro.az_graph_svg = azg;
            ro.az_graph_error = azg ? NULL : az_why;
            rc = report_html(p->res, p->inv, &ro, page, err, errlen);
        }
    } else {
        rc = report_html(p->res, p->inv, &ro, page, err, errlen);
    }
    /* -v: what the page costs, so "rendering is a small part of the run" stays checked. */
    if (o->verbose && rc == 0)
        fprintf(stderr, "flowcost: report: %zu bytes; graphs %.3f s, page %.3f s%s\n", page->len, g.secs,
                secs_since(&t1), beside ? " (at the same time)" : "");
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
