/* pipeline: wires src/ (ingest, cost) to enrich/ (snapshots, EC2, S3,
 * ip-ranges, rates files) for the commands that price traffic. */
#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws.h"
#include "ec2.h"
#include "fca.h"
#include "ipranges.h"
#include "logs.h"
#include "rates_json.h"
#include "s3.h"
#include "snapshot.h"
#include "util.h"

void pipeline_ingest_opts(const fc_opts *o, ingest_opts *io)
{
    ingest_opts_default(io);
    io->fields = o->fields;
    io->since = o->has_since ? o->since : 0;
    io->until = o->has_until ? o->until : 0;
    io->threads = o->threads;
    io->strict = o->strict;
    io->quiet = o->quiet;
    io->verbose = o->verbose;
}

static int ingest_code(int rc)
{
    return rc == INGEST_MALFORMED ? EXIT_MALFORMED : EXIT_RUNTIME;
}

int pipeline_ingest(const fc_opts *o, agg *a, inputs *seen, bool csv_keys_only, char *err, size_t errlen)
{
    ingest_opts io;
    pipeline_ingest_opts(o, &io);
    io.csv_keys_only = csv_keys_only;
    io.seen = seen;
    const char **local = xcalloc(o->n_inputs + 1, sizeof *local);
    size_t n_local = 0;
    int code = 0;
    for (size_t i = 0; i < o->n_inputs; i++)
        if (!s3_is_url(o->inputs[i]) && !logs_is_url(o->inputs[i])) local[n_local++] = o->inputs[i];
    /* the .fca inputs' contents are known before anything is read, so that
     * a file given before the aggregate that holds it is skipped as well */
    if (seen && inputs_preload(seen, local, n_local, err, errlen) < 0) code = EXIT_RUNTIME;
    n_local = 0;
    for (size_t i = 0; i < o->n_inputs && !code; i++) {
        if (!s3_is_url(o->inputs[i]) && !logs_is_url(o->inputs[i])) {
            local[n_local++] = o->inputs[i];
            continue;
        }
        aws_config c;
        if (aws_config_load(&c, o->n_regions ? o->regions[0] : NULL, o->profile, o->endpoint_url,
                            o->verbose, err, errlen) < 0) {
            code = EXIT_RUNTIME;
            break;
        }
        if (seen) inputs_begin(seen, o->inputs[i]);
        int rc = logs_is_url(o->inputs[i]) ? logs_ingest(a, o->inputs[i], &c, &io, err, errlen)
                                           : s3_ingest(a, o->inputs[i], &c, &io, err, errlen);
        if (seen) inputs_end(seen);
        if (rc < 0) code = ingest_code(rc);
    }
    if (!code && n_local) {
        int rc = ingest_paths(a, local, n_local, &io, err, errlen);
        if (rc < 0) code = ingest_code(rc);
    }
    free(local);
    return code;
}

/* ENI ids the records mention, for --enrich-live. */
static const char **mentioned_enis(const agg *a, size_t *n)
{
    size_t cnt = agg_str_count(a), k = 0;
    const char **ids = xcalloc(cnt + 1, sizeof *ids);
    for (uint32_t id = 1; id <= cnt; id++) {
        const char *s = agg_str(a, id);
        if (s && strncmp(s, "eni-", 4) == 0) ids[k++] = s;
    }
    *n = k;
    return ids;
}

bool pipeline_nothing(const agg *a, const inputs *seen, const char *what, char *err, size_t errlen)
{
    const agg_stats *st = agg_stats_get(a);
    if (st->used) return false;
    char files[32], lines[32], recs[32], bad[32], out[32], nod[32];
    uint64_t parsed = st->read - st->malformed;
    fc_format_count(st->files, files, sizeof files);
    fc_format_count(st->read, lines, sizeof lines);
    fc_format_count(parsed, recs, sizeof recs);
    fc_format_count(st->malformed, bad, sizeof bad);
    fc_format_count(st->filtered, out, sizeof out);
    fc_format_count(st->nodata + st->skipdata, nod, sizeof nod);
    dbuf b;
    dbuf_init(&b, 0);
    dbuf_printf(&b, "nothing to report: %s file%s read, %s data line%s, %s flow-log record%s (%s malformed, %s outside "
                    "--since/--until, %s NODATA/SKIPDATA), 0 used",
                files, st->files == 1 ? "" : "s", lines, st->read == 1 ? "" : "s", recs, parsed == 1 ? "" : "s", bad,
                out, nod);
    if (st->files_unread)
        dbuf_printf(&b, "; %llu file%s not a text flow log (%llu Parquet, %llu JSON-wrapped, %llu binary)",
                    (unsigned long long)st->files_unread, st->files_unread == 1 ? "" : "s",
                    (unsigned long long)st->files_parquet, (unsigned long long)st->files_json,
                    (unsigned long long)st->files_binary);
    if (st->files_skipped)
        dbuf_printf(&b, "; %llu file%s not opened (named for a time outside the window)",
                    (unsigned long long)st->files_skipped, st->files_skipped == 1 ? "" : "s");
    if (seen && inputs_skipped(seen))
        dbuf_printf(&b, "; %zu input%s skipped as already read", inputs_skipped(seen), inputs_skipped(seen) == 1 ? "" : "s");
    dbuf_printf(&b, "; %s", what);
    fc_err(err, errlen, "%s", b.data);
    dbuf_free(&b);
    return true;
}

void pipeline_done(const fc_opts *o, const char *what, const cost_result *r)
{
    if (o->quiet) return;
    char usd[48];
    fc_format_usd(r->total_usd, usd, sizeof usd);
    fprintf(stderr, "flowcost: wrote %s: $%s over %.1f h, %llu of %llu hours with records\n", what, usd,
            r->period_hours, (unsigned long long)r->coverage.hours_covered,
            (unsigned long long)r->coverage.hours);
}

int pipeline_run(const fc_opts *o, pipeline *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->agg = agg_new();
    p->inv = inv_new();
    p->seen = inputs_new();
    int code = pipeline_ingest(o, p->agg, p->seen, false, err, errlen);
    if (code) return code;
    /* Before anything is priced, written or mailed: a CI gate over no data
     * must fail, not pass with $0.00. */
    if (!o->allow_empty &&
        pipeline_nothing(p->agg, p->seen, "use --allow-empty to write an empty result", err, errlen))
        return EXIT_RUNTIME;

    dbuf src;
    dbuf_init(&src, 0);
    for (size_t i = 0; i < o->n_snapshots; i++) {
        if (snapshot_load(p->inv, o->snapshots[i], err, errlen) < 0) {
            dbuf_free(&src);
            return EXIT_RUNTIME;
        }
        dbuf_printf(&src, "%ssnapshot %s", src.len ? ", " : "", o->snapshots[i]);
    }
    if (o->enrich_live) {
        aws_config c;
        size_t n;
        const char **ids = mentioned_enis(p->agg, &n);
        int rc = aws_config_load(&c, o->n_regions ? o->regions[0] : NULL, o->profile, o->endpoint_url,
                                 o->verbose, err, errlen);
        if (rc == 0) rc = ec2_fetch_enis(p->inv, &c, ids, n, err, errlen);
        free(ids);
        if (rc < 0) {
            dbuf_free(&src);
            return EXIT_RUNTIME;
        }
        dbuf_printf(&src, "%slive EC2 (%s)", src.len ? ", " : "", c.region);
    }
    if (!src.len) dbuf_puts(&src, "learned from records");
    snprintf(p->enrichment, sizeof p->enrichment, "%s", src.data);
    dbuf_free(&src);

    p->ranges = ipranges_load(o->ip_ranges, err, errlen);
    if (!p->ranges) return EXIT_RUNTIME;
    p->rates = rates_new_default();
    if (o->rates && rates_load_json(p->rates, o->rates, err, errlen) < 0) return EXIT_RUNTIME;

    cost_options co;
    cost_options_default(&co);
    co.since = o->has_since ? o->since : 0;
    co.until = o->has_until ? o->until : 0;
    co.min_savings = o->min_savings;
    co.scan_threshold = o->scan_threshold;
    if (o->n_regions) co.default_region = o->regions[0];
    p->res = cost_run(p->agg, p->inv, p->ranges, p->rates, &co, err, errlen);
    if (!p->res) return EXIT_RUNTIME;
    /* Caveats about the figures are data-loss warnings: -q never hides them. */
    for (size_t i = 0; i < p->res->n_notices; i++) fprintf(stderr, "flowcost: warning: %s\n", p->res->notices[i]);

    if (o->baseline) {
        char *data;
        size_t len;
        if (fc_read_file(o->baseline, &data, &len, err, errlen) < 0) return EXIT_RUNTIME;
        p->base_agg = agg_new();
        int rc = fca_is(data, len) ? fca_read(p->base_agg, data, len, err, errlen)
                                   : fc_err(err, errlen, "'%s' is not an aggregate file written by 'flowcost aggregate'", o->baseline);
        free(data);
        if (rc < 0) return EXIT_RUNTIME;
        cost_options bo = co;
        bo.since = bo.until = 0;
        p->base = cost_run(p->base_agg, p->inv, p->ranges, p->rates, &bo, err, errlen);
        if (!p->base) return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

void pipeline_free(pipeline *p)
{
    cost_result_free(p->res);
    cost_result_free(p->base);
    agg_free(p->agg);
    agg_free(p->base_agg);
    inv_free(p->inv);
    lpm_free(p->ranges);
    rates_free(p->rates);
    inputs_free(p->seen);
}
