/* cmd_enrich: `flowcost enrich [--region R]... [--eni-snapshot F]... -o
 * snapshot.json` — fetch the EC2 inventory of each region into the JSON
 * snapshot, merging with what the output file (and any --eni-snapshot)
 * already holds, so ENIs that have since disappeared keep their last_seen
 * and last week's flow logs still resolve. It also refreshes the cached
 * ip-ranges.json (as `ipranges update` does), since enrich is the command a
 * user runs with network access; a refresh that fails never fails enrich. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "aws.h"
#include "cmd.h"
#include "ec2.h"
#include "inventory.h"
#include "ipranges.h"
#include "pipeline.h"
#include "snapshot.h"
#include "util.h"

static int fail(inventory *inv, const char *msg, int code)
{
    cli_error(msg);
    inv_free(inv);
    return code;
}

/* The inventory is what enrich is for: a refresh that fails (no network, a
 * proxy's page, a bad certificate) is one warning and the copy the pricing
 * commands already use stays. FLOWCOST_IPRANGES_URL=off skips it (offline
 * machines, the test suite; docs/ip-ranges.md). */
static void refresh_ipranges(const fc_opts *o)
{
    const char *url = getenv("FLOWCOST_IPRANGES_URL");
    if (url && strcmp(url, "off") == 0) return;
    ipranges_update_opts uo = {.verbose = o->verbose};
    ipranges_update_result res;
    char err[FC_ERRLEN], msg[FC_ERRLEN + 1200];
    if (ipranges_update(&uo, &res, err, sizeof err) < 0) {
        char cache[1024];
        struct stat st;
        if (ipranges_cache_file("ip-ranges.json", cache, sizeof cache) && stat(cache, &st) == 0)
            snprintf(msg, sizeof msg, "ip-ranges.json not refreshed: %s; still using the cache %s", err, cache);
        else
            snprintf(msg, sizeof msg, "ip-ranges.json not refreshed: %s; still using the bundled copy", err);
        fc_print_line("flowcost: warning: ", msg);
    } else if (o->verbose) {
        fprintf(stderr, "flowcost: ip-ranges: %s %s (syncToken %s, createDate %s)\n",
                res.not_modified ? "not modified (304), kept" : "wrote", res.path, res.sync_token, res.create_date);
    }
}

int cmd_enrich(const fc_opts *o)
{
    char err[FC_ERRLEN + 256];
    const char *out = o->output ? o->output : "-";
    inventory *inv = inv_new();

    /* Re-running merges into the existing output; a file we cannot read is
     * an error rather than something to overwrite. */
    struct stat st;
    size_t kept_from = 0;
    if (strcmp(out, "-") != 0) {
        if (stat(out, &st) == 0) {
            if (snapshot_load(inv, out, err, sizeof err) < 0) return fail(inv, err, EXIT_RUNTIME);
        } else if (errno != ENOENT) {
            snprintf(err, sizeof err, "cannot open '%s': %s", out, strerror(errno));
            return fail(inv, err, EXIT_RUNTIME);
        }
    }
    for (size_t i = 0; i < o->n_snapshots; i++)
        if (snapshot_load(inv, o->snapshots[i], err, sizeof err) < 0) return fail(inv, err, EXIT_RUNTIME);
    kept_from = inv_eni_count(inv);

    /* One fetch time for the whole run, whatever the number of regions:
     * "last_seen < fetched_at" must mean "gone", not "fetched a second earlier". */
    const int64_t run_time = (int64_t)time(NULL);
    char regions[512];
    if (pipeline_fetch_inventory(o, inv, run_time, regions, sizeof regions, err, sizeof err) < 0)
        return fail(inv, err, EXIT_RUNTIME);
    inv_finalize(inv);

    int64_t fetched = inv_fetched_at(inv);
    size_t managed = 0, stale = 0;
    for (size_t i = 0; i < inv_eni_count(inv); i++) {
        const inv_eni *e = inv_eni_at(inv, i);
        managed += eni_kind_is_managed(e->kind);
        stale += e->last_seen < fetched;
    }
    char *json = snapshot_to_json(inv, fetched);
    int rc = fc_write_file_atomic(out, json, strlen(json), err, sizeof err);
    free(json);
    if (rc < 0) return fail(inv, err, EXIT_RUNTIME);
    refresh_ipranges(o);
    if (!o->quiet)
        fprintf(stderr, "flowcost: %zu ENIs (%zu managed, %zu no longer seen), %zu subnets, %zu VPCs from %s%s%s\n",
                inv_eni_count(inv), managed, stale, inv_subnet_count(inv), inv_vpc_count(inv), regions,
                kept_from ? " merged into " : " written to ", strcmp(out, "-") ? out : "stdout");
    inv_free(inv);
    return EXIT_OK;
}
