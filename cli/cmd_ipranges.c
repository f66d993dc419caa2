/* cmd_ipranges: `flowcost ipranges update` — refresh the ip-ranges.json
 * that every pricing command uses by default (the cache), so addresses AWS
 * added after the bundled copy are priced as AWS, not as Internet. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ipranges.h"
#include "util.h"

int cmd_ipranges(const fc_opts *o)
{
    if (o->n_inputs != 1 || strcmp(o->inputs[0], "update") != 0) {
        cli_error("usage: flowcost ipranges update [--url URL] [--ca-bundle FILE] [-o FILE]");
        return EXIT_USAGE;
    }
    ipranges_update_opts uo = {.url = o->url, .ca_bundle = o->ca_bundle, .output = o->output, .verbose = o->verbose};
    ipranges_update_result res;
    char err[FC_ERRLEN];
    if (ipranges_update(&uo, &res, err, sizeof err) < 0) {
        cli_error(err);
        return EXIT_RUNTIME;
    }
    if (!o->quiet)
        fprintf(stderr, "flowcost: %s %s: syncToken %s, createDate %s, %zu IPv4 prefixes\n",
                res.not_modified ? "not modified (304), kept" : "wrote", res.path, res.sync_token, res.create_date,
                res.prefixes);
    return EXIT_OK;
}
