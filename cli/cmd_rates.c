/* cmd_rates: `flowcost rates [--region R] [--rates FILE]` — print the price
 * table the other commands would use, so a user can check (and save, edit
 * and feed back with --rates) every figure behind the dollars. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "rates.h"
#include "rates_json.h"
#include "util.h"

int cmd_rates(const fc_opts *o)
{
    char err[FC_ERRLEN];
    if (o->n_regions > 1) {
        cli_error("'rates' takes at most one --region");
        return EXIT_USAGE;
    }
    rate_table *t = rates_new_default();
    if (o->rates && rates_load_json(t, o->rates, err, sizeof err) < 0) {
        cli_error(err);
        rates_free(t);
        return EXIT_RUNTIME;
    }
    const char *region = o->n_regions ? o->regions[0] : NULL;
    if (region) {
        int fb = 0;
        const region_rates *r = rates_for(t, region, &fb);
        if (fb)
            fprintf(stderr, "flowcost: warning: no rates for region '%s'; using %s's (add it with --rates FILE)\n",
                    region, r->region);
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
