/* STUB: placeholder until its owner lands the real module. */
#include "cmd.h"
int cmd_report(const fc_opts *o) { (void)o; cli_error("'report' is not implemented yet"); return EXIT_RUNTIME; }
