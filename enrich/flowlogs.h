/* flowlogs: the account's VPC flow logs as EC2 describes them
 * (DescribeFlowLogs, a signed Query API POST through http.c, paged with
 * NextToken), for `athena ddl --flow-log-id`. */
#ifndef FC_FLOWLOGS_H
#define FC_FLOWLOGS_H

#include <stdbool.h>
#include <stddef.h>

#include "aws.h"

typedef struct fl_desc {
    char id[64], resource[128], dest_type[32], destination[1024], format[4096];
    char file_format[32];   /* "plain-text" | "parquet" ("" when not said) */
    char status[32], deliver_status[32], deliver_error[512], created[64];
    long max_aggregation;   /* seconds; 0 when not said */
    bool hive, per_hour;
} fl_desc;

/* The default format, for a flow log described without a LogFormat. */
#define FL_DEFAULT_FORMAT                                                                              \
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} " \
    "${packets} ${bytes} ${start} ${end} ${action} ${log-status}"

/* DescribeFlowLogs for one id (NULL: all of the region): *out (malloc'd)
 * holds *n descriptions. -1 with a one-line message. */
int flowlogs_describe(const aws_config *c, const char *id, fl_desc **out, size_t *n, char *err, size_t errlen);

/* One response page appended to *out (count *n); next = its NextToken or "".
 * -1 on an AWS error document or unreadable XML. */
int flowlogs_parse_xml(const char *xml, size_t len, fl_desc **out, size_t *n, char *next, size_t nextlen,
                       char *err, size_t errlen);

#endif
