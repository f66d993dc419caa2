/* flowlogs: the account's VPC flow logs as EC2 describes them
 * (DescribeFlowLogs, a signed Query API POST through http.c, paged with
 * NextToken), for `athena ddl --flow-log-id` and the field order of
 * cwl:// inputs. */
#ifndef FC_FLOWLOGS_H
#define FC_FLOWLOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws.h"

typedef struct fl_desc {
    char id[64], resource[128], dest_type[32], destination[1024], format[4096];
    char log_group[512];    /* CloudWatch Logs destinations */
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

/* The newest delivery file of an S3 flow log: the greatest time in the
 * names of its files (AWS names each after the end of its 5 minutes; an
 * object's LastModified is its upload, later by the upload's time), found
 * by walking AWSLogs/ under the destination (plain and Hive layouts) with
 * delimited listings, newest date first. */
typedef struct fl_newest {
    bool found;
    int64_t end;             /* epoch seconds, from the file name */
    char url[1400];          /* s3://bucket/key of that file */
    char searched[1400];     /* s3://bucket/prefix/AWSLogs/ */
} fl_newest;
/* 0 (out->found false when no file of d->id is there), or -1 with one line. */
int flowlogs_newest_object(const aws_config *c, const fl_desc *d, fl_newest *out, char *err, size_t errlen);
/* The time in a delivery file's name for flow log id, -1 when it is not one. */
int64_t flowlogs_key_time(const char *key, const char *id);

/* The vended-logs delivery price of a month's gb (2^30 bytes) of flow logs
 * to S3 (parquet: with the conversion surcharge) or to CloudWatch Logs,
 * us-east-1's tiers (flowlogs.c). */
#define FL_PARQUET_PER_GB 0.035
double flowlogs_delivery_usd(double gb, bool to_s3, bool parquet);

#endif
