/* cmd_rates: `flowcost rates [--region R] [--rates FILE]` — print the price
 * table the other commands would use, so a user can check (and save, edit
 * and feed back with --rates) every figure behind the dollars; and
 * `flowcost rates --fetch` — build that table from the AWS Price List Query
 * API and cache it, so every later run prices with AWS's current figures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "cmd.h"
#include "ipranges.h"
#include "pipeline.h"
#include "pricing.h"
#include "rates.h"
#include "rates_json.h"
#include "util.h"

/* --region R[,R...] (repeatable) into one list; names are checked by the
 * price list's answers, only their alphabet here. */
static size_t split_regions(const fc_opts *o, char *buf, size_t bufn, const char **out, size_t max)
{
    size_t n = 0, w = 0;
    for (size_t i = 0; i < o->n_regions; i++) {
        const char *s = o->regions[i];
        while (*s) {
            size_t l = strcspn(s, ",");
            if (l && n < max && w + l + 1 <= bufn) {
                memcpy(buf + w, s, l);
                buf[w + l] = '\0';
                out[n++] = buf + w;
                w += l + 1;
            }
            s += l;
            if (*s == ',') s++;
        }
    }
    return n;
}

static int fetch(const fc_opts *o)
{
    char err[FC_ERRLEN];
    char buf[4096];
    const char *regions[FC_MAX_LIST * 4];
    size_t n = split_regions(o, buf, sizeof buf, regions, sizeof regions / sizeof *regions);
    if (o->all_regions && n) {
        cli_error("--region and --all-regions exclude each other");
        return EXIT_USAGE;
    }
    aws_config c;
    /* The Price List Query API is served from us-east-1 whatever region is priced. */
    if (aws_config_load(&c, "us-east-1", o->profile, o->endpoint_url, o->verbose, err, sizeof err) < 0) {
        cli_error(err);
        return EXIT_RUNTIME;
    }
    if (!n && !o->all_regions) {
        /* Default: the configured region (AWS_REGION, the profile's), else us-east-1. */
        aws_config r;
        if (aws_config_load(&r, NULL, o->profile, NULL, 0, err, sizeof err) == 0 && r.region[0]) {
            snprintf(buf, sizeof buf, "%s", r.region);
            regions[n++] = buf;
        } else {
            regions[n++] = "us-east-1";
        }
        aws_config_clear(&r);
    }
    pricing_acc *a = pricing_acc_new(regions, o->all_regions ? 0 : n);
    int rc = pricing_fetch(a, &c, err, sizeof err);
    aws_config_clear(&c);
    if (rc < 0) {
        cli_error(err);
        pricing_acc_free(a);
        return EXIT_RUNTIME;
    }
    dbuf missing;
    dbuf_init(&missing, 0);
    rate_table *t = pricing_acc_table(a, &missing);
    pricing_acc_free(a);
    if (!t) {
        dbuf_free(&missing);
        cli_error("the Price List gave no product for any region asked for; nothing written");
        return EXIT_RUNTIME;
    }
    /* A figure AWS did not list keeps the embedded one: say which. */
    for (char *line = missing.data, *nl; line && *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl) break;
        *nl = '\0';
        dbuf msg;
        dbuf_init(&msg, 0);
        dbuf_printf(&msg, "no price in the Price List for %s; kept the embedded figure", line);
        fc_print_line("flowcost: warning: ", msg.data);
        dbuf_free(&msg);
    }
    dbuf_free(&missing);
    char path[1024];
    if (o->output) snprintf(path, sizeof path, "%s", o->output);
    else if (!ipranges_cache_file("rates.json", path, sizeof path)) {
        rates_free(t);
        cli_error("no cache directory: set XDG_CACHE_HOME or HOME, or give -o FILE");
        return EXIT_RUNTIME;
    }
    char *json = rates_to_json(t, NULL);
    int code = EXIT_OK;
    if (!o->output && ipranges_mkdir_parent(path, err, sizeof err) < 0) code = EXIT_RUNTIME;
    if (code == EXIT_OK && fc_write_file_atomic(path, json, strlen(json), err, sizeof err) < 0) code = EXIT_RUNTIME;
    if (code != EXIT_OK) cli_error(err);
    else if (!o->quiet && strcmp(path, "-") != 0)
        fprintf(stderr, "flowcost: wrote %s: %zu region%s, %zu inter-region pair%s\n", path, rates_count(t),
                rates_count(t) == 1 ? "" : "s", rates_pair_count(t), rates_pair_count(t) == 1 ? "" : "s");
    free(json);
    rates_free(t);
    return code;
}

int cmd_rates(const fc_opts *o)
{
    char err[FC_ERRLEN];
    if (o->fetch) return fetch(o);
    if (o->all_regions || o->output) {
        cli_error("--all-regions and -o go with --fetch");
        return EXIT_USAGE;
    }
    if (o->n_regions > 1) {
        cli_error("'rates' takes at most one --region");
        return EXIT_USAGE;
    }
    rate_table *t = rates_new_default();
    if (pipeline_load_rates(o, t, err, sizeof err) < 0) {
        cli_error(err);
        rates_free(t);
        return EXIT_RUNTIME;
    }
    const char *region = o->n_regions ? o->regions[0] : NULL;
    if (region) {
        int fb = 0;
        const region_rates *r = rates_for(t, region, &fb);
        if (fb) {
            dbuf msg;
            dbuf_init(&msg, 0);
            dbuf_printf(&msg, "no rates for region '%s'; using %s's (add it with --rates FILE)", region, r->region);
            fc_print_line("flowcost: warning: ", msg.data);
            dbuf_free(&msg);
        }
    }
    char *json = rates_to_json(t, region);
    int code = EXIT_OK;
    if (fputs(json, stdout) == EOF || fflush(stdout) == EOF) {
        cli_error("cannot write to standard output");
        code = EXIT_RUNTIME;
    }
    free(json);
    rates_free(t);
    return code;
}
