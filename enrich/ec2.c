/* STUB: placeholder until its owner lands the real module. */
#include "ec2.h"
#include "util.h"
int ec2_fetch_inventory(inventory *inv, const aws_config *c, char *err, size_t errlen) { (void)inv; (void)c; return fc_err(err, errlen, "ec2 not implemented yet"); }
int ec2_fetch_enis(inventory *inv, const aws_config *c, const char *const *ids, size_t n, char *err, size_t errlen) { (void)inv; (void)c; (void)ids; (void)n; return fc_err(err, errlen, "ec2 not implemented yet"); }
int ec2_parse_xml(inventory *inv, const char *xml, size_t len, const char *region, char *err, size_t errlen) { (void)inv; (void)xml; (void)len; (void)region; return fc_err(err, errlen, "ec2 not implemented yet"); }
