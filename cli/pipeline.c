/* pipeline: wires src/ (ingest, cost) to enrich/ (snapshots, EC2, S3,
 * ip-ranges, rates files) for the commands that price traffic. */
#include "pipeline.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "anomalies.h"
#include "anomaly.h"
#include "anomaly_out.h"
#include "aws.h"
#include "cmd.h"
#include "ec2.h"
#include "fca.h"
#include "ipranges.h"
#include "json_out.h"
#include "logs.h"
#include "rates_json.h"
#include "recon_view.h"
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

/* Progress on a terminal (cli.md: only when stderr is one, never with -q):
 * a thread redraws one line twice a second from the workers' byte counter,
 * and erases it when reading ends, so logs and pipes never see it. */
typedef struct progress {
    _Atomic uint64_t bytes;
    atomic_bool stop;
    pthread_t th;
    bool on;
} progress;

static void *progress_loop(void *arg)
{
    progress *pg = arg;
    struct timespec t0, now, tick = {0, 100 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned n = 1; !atomic_load(&pg->stop); n++) {
        nanosleep(&tick, NULL);
        if (n % 5) continue;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double secs = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
        uint64_t b = atomic_load_explicit(&pg->bytes, memory_order_relaxed);
        char done[48];
        fc_format_bytes(b, done, sizeof done);
        fprintf(stderr, "\rflowcost: reading: %s, %.0f MB/s, %.0f s   ", done, secs > 0 ? (double)b / secs / 1e6 : 0.0,
                secs);
        fflush(stderr);
    }
    fputs("\r\033[K", stderr); /* erase the line */
    fflush(stderr);
    return NULL;
}

static void progress_start(progress *pg, const fc_opts *o, ingest_opts *io)
{
    memset(pg, 0, sizeof *pg);
    const char *force = getenv("FLOWCOST_PROGRESS"); /* 1: on even without a terminal (tests), 0: off */
    bool want = force && *force ? strcmp(force, "0") != 0 : isatty(2);
    if (o->quiet || !want) return;
    atomic_init(&pg->bytes, 0);
    atomic_init(&pg->stop, false);
    io->progress_bytes = &pg->bytes;
    pg->on = pthread_create(&pg->th, NULL, progress_loop, pg) == 0;
    if (!pg->on) io->progress_bytes = NULL;
}

static void progress_stop(progress *pg)
{
    if (!pg->on) return;
    atomic_store(&pg->stop, true);
    pthread_join(pg->th, NULL);
}

int pipeline_ingest(const fc_opts *o, agg *a, inputs *seen, unsigned flags, char *err, size_t errlen)
{
    /* --athena replaces the INPUTs: the groups come out of Athena */
    if (o->athena) return athena_ingest(o, a, NULL, 0, err, errlen);
    ingest_opts io;
    pipeline_ingest_opts(o, &io);
    io.csv_keys_only = (flags & PIPE_CSV_KEYS_ONLY) != 0;
    io.no_canonical = (flags & PIPE_NO_CANONICAL) != 0;
    io.seen = seen;
    progress pg;
    progress_start(&pg, o, &io);
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
    progress_stop(&pg);
    free(local);
    return code;
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

#define IPRANGES_STALE_DAYS 30

int pipeline_load_rates(const fc_opts *o, rate_table *t, char *err, size_t errlen)
{
    if (o->rates) return rates_load_json(t, o->rates, err, errlen);
    /* `flowcost rates --fetch` leaves its table in the cache; it then
     * prices every run (the embedded table stays the offline default). */
    char cache[1024];
    if (!ipranges_cache_file("rates.json", cache, sizeof cache) || access(cache, F_OK) != 0) return 0;
    if (rates_load_json(t, cache, err, errlen) < 0) return -1;
    if (o->verbose) fprintf(stderr, "flowcost: rates: cache %s\n", cache);
    return 0;
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

/* s3_fetch_each's hand-over of one object of a --cur export. */
static int cur_object(void *ctx, const char *name, const void *data, size_t len, char *err, size_t errlen)
{
    return cur_is_report_name(name) ? cur_read_mem(ctx, name, data, len, err, errlen) : 0;
}

int pipeline_run(const fc_opts *o, pipeline *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->agg = agg_new();
    p->inv = inv_new();
    p->seen = inputs_new();
    int code = o->athena ? athena_ingest(o, p->agg, p->engine, sizeof p->engine, err, errlen)
                         : pipeline_ingest(o, p->agg, p->seen, false, err, errlen);
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
        /* The whole inventory, as `enrich` fetches it: the ENIs alone
         * would miss what names and classifies them (the NAT gateway,
         * endpoint, instance, load balancer and TGW calls). */
        char where[256];
        if (pipeline_fetch_inventory(o, p->inv, (int64_t)time(NULL), where, sizeof where, err, errlen) < 0) {
            dbuf_free(&src);
            return EXIT_RUNTIME;
        }
        inv_finalize(p->inv);
        dbuf_printf(&src, "%slive EC2 (%s)", src.len ? ", " : "", where);
    }
    if (!src.len) dbuf_puts(&src, "learned from records");
    snprintf(p->enrichment, sizeof p->enrichment, "%s", src.data);
    dbuf_free(&src);

    ipranges_source isrc;
    p->ranges = ipranges_load_default(o->ip_ranges, &isrc, err, errlen);
    if (!p->ranges) return EXIT_RUNTIME;
    snprintf(p->ipranges_source, sizeof p->ipranges_source, "%s%s%s", isrc.what, isrc.path[0] ? " " : "", isrc.path);
    if (o->verbose) { /* the file's own strings: printed through fc_print_line */
        dbuf msg;
        dbuf_init(&msg, 0);
        dbuf_printf(&msg, "%s (syncToken %s, createDate %s)", p->ipranges_source, lpm_version(p->ranges),
                    lpm_create_date(p->ranges));
        fc_print_line("flowcost: ip-ranges: ", msg.data);
        dbuf_free(&msg);
    }
    p->rates = rates_new_default();
    if (pipeline_load_rates(o, p->rates, err, errlen) < 0) return EXIT_RUNTIME;

    cost_options co;
    cost_options_default(&co);
    co.since = o->has_since ? o->since : 0;
    co.until = o->has_until ? o->until : 0;
    co.min_savings = o->min_savings;
    co.scan_threshold = o->scan_threshold;
    co.threads = o->threads;
    if (o->n_regions) {
        /* --region us-east-1,eu-west-1: the first of the list. */
        snprintf(p->region0, sizeof p->region0, "%.*s", (int)strcspn(o->regions[0], ","), o->regions[0]);
        co.default_region = p->region0;
    }
    /* Only --cur, anomalies and `why` read the records again: otherwise the
     * agg goes as soon as the model has read it (the peak memory of a
     * report over millions of groups). */
    if (o->cur || anomalies_wanted(o) || o->cmd == CMD_WHY)
        p->res = cost_run(p->agg, p->inv, p->ranges, p->rates, &co, err, errlen);
    else
        p->res = cost_run_owned(&p->agg, p->inv, p->ranges, p->rates, &co, err, errlen);
    if (!p->res) return EXIT_RUNTIME;
    p->res->ipranges_source = p->ipranges_source;
    /* A stale file prices the addresses AWS added since as Internet. "Now"
     * is --now (or SOURCE_DATE_EPOCH), else the end of the priced period,
     * so the same inputs always give the same report. The bundled copy is
     * not judged: it cannot be refreshed offline, and docs/ip-ranges.md
     * says how old it is. */
    if (strcmp(isrc.what, "bundled") != 0) {
        int64_t made = ipranges_created_time(lpm_create_date(p->ranges));
        int64_t now = o->has_now ? o->now : p->res->period_end;
        if (made > 0 && now - made > IPRANGES_STALE_DAYS * 86400LL)
            cost_notice(p->res,
                        "ip-ranges.json (%s) was created %s, %lld days before now: addresses AWS added since are "
                        "priced as Internet; run 'flowcost ipranges update'",
                        p->ipranges_source, lpm_create_date(p->ranges), (long long)((now - made) / 86400));
    }
    if (o->cur) {
        /* The bill is compared with the figures as priced, then --true-up scales them. */
        p->cur = cur_new();
        if (s3_is_url(o->cur)) {
            aws_config c;
            if (aws_config_load(&c, o->n_regions ? o->regions[0] : NULL, o->profile, o->endpoint_url, o->verbose,
                                err, errlen) < 0 ||
                s3_fetch_each(o->cur, &c, cur_object, p->cur, err, errlen) < 0)
                return EXIT_RUNTIME;
        } else if (cur_read_path(p->cur, o->cur, err, errlen) < 0) {
            return EXIT_RUNTIME;
        }
        p->recon = reconcile_run(p->cur, p->agg, p->inv, p->ranges, p->rates, &co, p->res, err, errlen);
        if (!p->recon) return EXIT_RUNTIME;
        reconcile_notice(p->res, p->recon);
        if (o->true_up) reconcile_true_up(p->res, p->recon);
    }
    /* Caveats about the figures are data-loss warnings: -q never hides them.
     * `why` prices nothing, so it shows no caveat about prices. */
    for (size_t i = 0; o->cmd != CMD_WHY && i < p->res->n_notices; i++) fc_print_line("flowcost: warning: ", p->res->notices[i]);

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
        p->base = cost_run_owned(&p->base_agg, p->inv, p->ranges, p->rates, &bo, err, errlen);
        if (!p->base) return EXIT_RUNTIME;
    }
    if (anomalies_wanted(o)) return anomalies_run(o, p, err, errlen);
    return EXIT_OK;
}

/* json (taken) with raw (taken) added under key; json itself when it
 * cannot take the key. */
static char *json_splice(char *json, const char *key, char *raw)
{
    char *out = json_add_raw(json, key, raw);
    free(raw);
    if (!out) return json;
    free(json);
    return out;
}

char *pipeline_json_extras(const pipeline *p, char *json)
{
    if (json && p->recon) json = json_splice(json, "reconciliation", recon_view_json(p->recon));
    if (json && p->anomalies) json = json_splice(json, "anomalies", anomaly_out_json(p->anomalies));
    return json;
}

int pipeline_start_or_replay(const fc_opts *o, pipeline *p, bool *replayed)
{
    *replayed = false;
    int code = pipeline_start(o, p);
    if (code || !o->backtest) return code;
    *replayed = true;
    code = anomalies_exit(o, p, EXIT_OK);
    pipeline_free(p);
    return code;
}

void pipeline_free(pipeline *p)
{
    cost_result_free(p->res);
    cost_result_free(p->base);
    reconcile_free(p->recon);
    cur_free(p->cur);
    agg_free(p->agg);
    agg_free(p->base_agg);
    inv_free(p->inv);
    lpm_free(p->ranges);
    rates_free(p->rates);
    inputs_free(p->seen);
    anomaly_list_free(p->anomalies);
}

/* "a,b" and repeated options, in order, duplicates dropped: into list
 * (strings point into buf). */
static size_t split_list(const char *const *vals, size_t n, char *buf, size_t bn, const char **list, size_t max)
{
    size_t k = 0, used = 0;
    for (size_t i = 0; i < n; i++) {
        const char *v = vals[i];
        while (v && *v) {
            size_t l = strcspn(v, ",");
            if (l && used + l + 1 <= bn && k < max) {
                char *s = buf + used;
                memcpy(s, v, l);
                s[l] = '\0';
                used += l + 1;
                bool dup = false;
                for (size_t j = 0; j < k; j++) dup = dup || strcmp(list[j], s) == 0;
                if (!dup) list[k++] = s;
            }
            v += l + (v[l] == ',');
        }
    }
    return k;
}

int pipeline_fetch_inventory(const fc_opts *o, inventory *inv, int64_t run_time, char *where, size_t wn,
                             char *err, size_t errlen)
{
    char pbuf[1024], rbuf[2048];
    const char *profiles[FC_MAX_LIST], *regions[256];
    size_t np = split_list(&o->profile, o->profile ? 1 : 0, pbuf, sizeof pbuf, profiles, FC_MAX_LIST);
    size_t nr = split_list(o->regions, o->n_regions, rbuf, sizeof rbuf, regions, 256);
    if (!np) profiles[np++] = NULL;
    where[0] = '\0';
    int rc = 0;
    for (size_t p = 0; p < np && rc == 0; p++) {
        dbuf all;
        dbuf_init(&all, 0);
        const char *const *rl = regions;
        size_t nrl = nr;
        const char *one[1] = {NULL};
        const char *listed[256];
        if (o->all_regions) {
            /* DescribeRegions in the given (else the profile's) region. */
            aws_config c;
            rc = aws_config_load(&c, nr ? regions[0] : NULL, profiles[p], o->endpoint_url, o->verbose, err, errlen);
            if (rc == 0 && o->role_arn) rc = ec2_assume_role(&c, o->role_arn, err, errlen);
            if (rc == 0) rc = ec2_list_regions(&c, &all, err, errlen);
            aws_config_clear(&c);
            nrl = 0;
            for (char *s = all.data, *nl; rc == 0 && s && *s && nrl < 256; s = nl + 1) {
                if (!(nl = strchr(s, '\n'))) break;
                *nl = '\0';
                listed[nrl++] = s;
            }
            rl = listed;
        } else if (!nrl) {
            rl = one;
            nrl = 1;
        }
        for (size_t r = 0; r < nrl && rc == 0; r++) {
            aws_config c;
            rc = aws_config_load(&c, rl[r], profiles[p], o->endpoint_url, o->verbose, err, errlen);
            if (rc == 0 && o->role_arn) rc = ec2_assume_role(&c, o->role_arn, err, errlen);
            if (rc == 0) rc = ec2_fetch_inventory_at(inv, &c, run_time, err, errlen);
            if (rc == 0 && !strstr(where, c.region)) {
                size_t l = strlen(where);
                snprintf(where + l, wn - l, "%s%s", l ? ", " : "", c.region);
            }
            aws_config_clear(&c);
        }
        dbuf_free(&all);
    }
    return rc < 0 ? -1 : 0;
}

int pipeline_start(const fc_opts *o, pipeline *p)
{
    char err[FC_ERRLEN] = "";
    int code = pipeline_run(o, p, err, sizeof err);
    if (code) {
        cli_error(err);
        pipeline_free(p);
    }
    return code;
}
