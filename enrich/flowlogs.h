/* flowlogs: the account's VPC flow logs as EC2 describes them
 * (DescribeFlowLogs, a signed Query API POST through http.c, paged with
 * NextToken), for `athena ddl --flow-log-id` and the field order of
 * cwl:// inputs. */
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

/* The flow logs that deliver to CloudWatch Logs group `group`
 * (DescribeFlowLogs filtered by log-group-name), as flowlogs_describe. */
int flowlogs_describe_group(const aws_config *c, const char *group, fl_desc **out, size_t *n, char *err,
                            size_t errlen);

/* One response page appended to *out (count *n); next = its NextToken or "".
 * -1 on an AWS error document or unreadable XML. */
int flowlogs_parse_xml(const char *xml, size_t len, fl_desc **out, size_t *n, char *next, size_t nextlen,
                       char *err, size_t errlen);

/* The format `flowlogs create` asks for: v5, every field the cost model
 * reads (ENI placement, NAT'd addresses, direction, path, AWS services). */
#define FL_RECOMMENDED_FORMAT                                                                          \
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} " \
    "${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} ${instance-id} " \
    "${az-id} ${pkt-srcaddr} ${pkt-dstaddr} ${region} ${flow-direction} ${traffic-path} "                \
    "${pkt-src-aws-service} ${pkt-dst-aws-service}"

typedef struct fl_create {
    const char *const *resources; /* vpc-, subnet- or eni- ids, one kind */
    size_t n_resources;
    const char *destination;      /* s3://bucket[/prefix] */
    bool parquet, hive, per_hour, dry_run;
    const char *client_token;     /* idempotency; NULL = none */
} fl_create;

/* The CreateFlowLogs request body (form-encoded), for --dry-run's print. */
int flowlogs_create_body(const fl_create *q, dbuf *body, char *err, size_t errlen);
/* CreateFlowLogs: the new ids, space-separated, into ids (none for a dry
 * run EC2 accepted). -1 with one line, also when a resource failed. */
int flowlogs_create(const aws_config *c, const fl_create *q, dbuf *ids, char *err, size_t errlen);

#endif
