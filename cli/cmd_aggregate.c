/* STUB: placeholder until its owner lands the real module. */
#include "cmd.h"
int cmd_aggregate(const fc_opts *o) { (void)o; cli_error("'aggregate' is not implemented yet"); return EXIT_RUNTIME; }
