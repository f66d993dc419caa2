/* cmd_topology: `flowcost topology` — price the inputs with the shared
 * pipeline and draw them with render/graph (issue 6). Exists apart from the
 * report so the picture can be regenerated alone, at any --level, as .svg,
 * .dot or .png for design docs and incident reviews. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "graph.h"
#include "pipeline.h"
#include "util.h"

int cmd_topology(const fc_opts *o)
{
    char err[FC_ERRLEN], msg[FC_ERRLEN + 64];
    const char *path = o->output ? o->output : "topology.svg";
    /* "-" writes SVG to stdout; otherwise the extension picks the format. */
    const char *fmt = strcmp(path, "-") == 0 ? "svg" : graph_format_of(path);
    if (!fmt) {
        snprintf(msg, sizeof msg, "cannot tell the format of '%s': use a .svg, .dot or .png file name", path);
        cli_error(msg);
        return EXIT_USAGE;
    }
    if (graph_level_check(o->level, err, sizeof err) < 0) {
        cli_error(err);
        return EXIT_USAGE;
    }

    pipeline p;
    int code = pipeline_start(o, &p);
    if (code) return code;
    graph_opts go = {
        .level = o->level,
        .top = o->top < 0 ? 0 : (size_t)o->top,
        .min_bytes = o->min_bytes,
        .focus = o->focus,
        .format = fmt,
        .inline_svg = 0,
    };
    dbuf out;
    dbuf_init(&out, 0);
    code = EXIT_OK;
    if (graph_render(p.res, p.inv, &go, &out, err, sizeof err) < 0 ||
        fc_write_file_atomic(path, out.data, out.len, err, sizeof err) < 0) {
        cli_error(err);
        code = EXIT_RUNTIME;
    }
    if (code == EXIT_OK) pipeline_done(o, strcmp(path, "-") ? path : "the graph to standard output", p.res);
    dbuf_free(&out);
    pipeline_free(&p);
    return code;
}
