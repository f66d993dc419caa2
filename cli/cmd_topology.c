/* STUB: placeholder until its owner lands the real module. */
#include "cmd.h"
int cmd_topology(const fc_opts *o) { (void)o; cli_error("'topology' is not implemented yet"); return EXIT_RUNTIME; }
