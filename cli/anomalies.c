/* anomalies: wires src/anomaly.c to the CLI — which files are the earlier
 * periods, pricing each hour by hour with the run's inventory and rates,
 * and the --backtest replay. */
#include "anomalies.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anomaly.h"
#include "anomaly_out.h"
#include "fca.h"
#include "pipeline.h"
#include "tpl.h"
#include "util.h"

int anomalies_wanted(const fc_opts *o)
{
    return o->n_baselines >= 2 || o->baseline_dir != NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every --baseline, then the .fca files of --baseline-dir by name (weekly
 * files named by date sort in time order). */
static size_t baseline_files(const fc_opts *o, char ***out, char *err, size_t errlen)
{
    size_t n = 0, cap = o->n_baselines + 16;
    char **v = xmalloc(cap * sizeof *v);
    for (size_t i = 0; i < o->n_baselines; i++) v[n++] = xstrdup(o->baselines[i]);
    if (o->baseline_dir) {
        DIR *d = opendir(o->baseline_dir);
        if (!d) {
            char e[128];
            fc_err(err, errlen, "--baseline-dir %s: %s", o->baseline_dir, fc_strerror(errno, e, sizeof e));
            for (size_t i = 0; i < n; i++) free(v[i]);
            free(v);
            return (size_t)-1;
        }
        size_t first = n;
        for (struct dirent *de; (de = readdir(d));) {
            size_t l = strlen(de->d_name);
            if (l < 5 || strcmp(de->d_name + l - 4, ".fca") != 0) continue;
            if (n == cap) v = xrealloc(v, (cap *= 2) * sizeof *v);
            size_t pl = strlen(o->baseline_dir) + l + 2;
            v[n] = xmalloc(pl);
            snprintf(v[n++], pl, "%s/%s", o->baseline_dir, de->d_name);
        }
        closedir(d);
        qsort(v + first, n - first, sizeof *v, cmp_str);
    }
    *out = v;
    return n;
}

static void print_list(const char *what, const anomaly_list *l)
{
    printf("%s: %zu anomal%s\n", what, l->n, l->n == 1 ? "y" : "ies");
    for (size_t i = 0; i < l->n; i++) {
        char line[512];
        anomaly_out_line(&l->v[i], line, sizeof line);
        printf("  %s\n", line);
    }
}

int anomalies_run(const fc_opts *o, pipeline *p, char *err, size_t errlen)
{
    char **files;
    size_t n = baseline_files(o, &files, err, errlen);
    if (n == (size_t)-1) return EXIT_RUNTIME;
    anomaly_opts ao;
    anomaly_opts_default(&ao);
    ao.min_usd_day = o->anomaly_min_usd;
    int code = EXIT_OK;
    if (n < ao.min_baselines) {
        fc_err(err, errlen, "anomalies need at least %zu earlier periods (--baseline-dir or --baseline), got %zu",
               ao.min_baselines, n);
        code = EXIT_USAGE;
    }
    cost_options co;
    cost_options_default(&co);
    co.min_savings = o->min_savings;
    co.scan_threshold = o->scan_threshold;
    if (p->region0[0]) co.default_region = p->region0;
    anomaly_set *s = anomaly_set_new(n + 1);
    if (!code && anomaly_add_agg(s, 0, p->agg, p->inv, p->ranges, p->rates, &co, err, errlen) < 0) code = EXIT_RUNTIME;
    for (size_t i = 0; i < n && !code; i++) {
        char *data;
        size_t len;
        if (fc_read_file(files[i], &data, &len, err, errlen) < 0) {
            code = EXIT_RUNTIME;
            break;
        }
        agg *a = agg_new();
        int rc = fca_is(data, len) ? fca_read(a, data, len, err, errlen)
                                   : fc_err(err, errlen, "'%s' is not an aggregate file written by 'flowcost aggregate'", files[i]);
        free(data);
        if (rc == 0) rc = anomaly_add_agg(s, i + 1, a, p->inv, p->ranges, p->rates, &co, err, errlen);
        agg_free(a);
        if (rc < 0) code = EXIT_RUNTIME;
    }
    if (!code) {
        p->anomalies = anomaly_detect(s, 0, NULL, &ao);
        if (o->verbose)
            fprintf(stderr, "flowcost: anomalies: %zu against %zu earlier periods\n", p->anomalies->n, n);
    }
    if (!code && o->backtest) {
        /* each earlier period against the others (never against the
         * current one, which a replay would not have had) */
        bool *skip = xcalloc(n + 1, sizeof *skip);
        skip[0] = true;
        char minusd[48];
        fc_format_usd(o->anomaly_min_usd, minusd, sizeof minusd);
        printf("backtest: %zu earlier periods, each judged against the other %zu; --anomaly-min-usd %s\n", n, n - 1,
               minusd);
        for (size_t i = 0; i < n; i++) {
            anomaly_list *l = anomaly_detect(s, i + 1, skip, &ao);
            if (l->n_baselines >= ao.min_baselines) print_list(files[i], l);
            else printf("%s: not judged (%zu other periods, %zu needed)\n", files[i], l->n_baselines, ao.min_baselines);
            p->backtest_fired += l->n;
            anomaly_list_free(l);
        }
        free(skip);
        print_list("current period", p->anomalies);
    }
    anomaly_set_free(s);
    for (size_t i = 0; i < n; i++) free(files[i]);
    free(files);
    return code;
}

int anomalies_exit(const fc_opts *o, const pipeline *p, int code)
{
    if (o->backtest) return o->fail_on_anomaly && p->backtest_fired ? EXIT_ANOMALY : code;
    if (!p->anomalies) return code;
    size_t n = p->anomalies->n;
    if (!o->quiet)
        fprintf(stderr, "flowcost: %zu anomal%s against %zu earlier periods\n", n, n == 1 ? "y" : "ies",
                p->anomalies->n_baselines);
    if (o->fail_on_anomaly && n && (code == EXIT_OK || code == EXIT_RUNTIME)) {
        fprintf(stderr, "flowcost: error: %zu anomal%s found (--fail-on-anomaly)\n", n, n == 1 ? "y" : "ies");
        /* like --fail-above: a CI gate must not turn green because a later
         * step (the mail) failed; over budget (4) stays the stronger code */
        return EXIT_ANOMALY;
    }
    return code;
}

void anomalies_notices(const pipeline *p, tpl_model *m)
{
    for (size_t i = 0; p->anomalies && i < p->anomalies->n; i++) {
        char line[512], text[540];
        anomaly_out_line(&p->anomalies->v[i], line, sizeof line);
        snprintf(text, sizeof text, "anomaly: %s", line);
        tpl_obj *root = tpl_root(m);
        tpl_flag(root, "has_notices", true);
        tpl_set(tpl_add(root, "notices"), "text", text);
    }
}
