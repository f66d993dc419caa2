/* logs: cwl://LOG-GROUP[/STREAM-PREFIX] inputs — CloudWatch Logs
 * FilterLogEvents (JSON 1.1 API, target Logs_20140328.FilterLogEvents,
 * SigV4 service "logs") over http.c, each event's message a flow-log line,
 * streamed page by page (nextToken) into ingest_stream: one page in memory
 * at a time.
 *
 * - The URL: a log group name may hold slashes ("/aws/vpc/flowlogs"), so
 *   the last segment is taken as a stream-name prefix only when it starts
 *   the way AWS names flow-log streams: "eni-" (VPC flow logs, one stream
 *   per ENI) or "tgw-attach-" (Transit Gateway flow logs). Everything else
 *   is the group: cwl:///aws/vpc/flowlogs is group "/aws/vpc/flowlogs";
 *   cwl://flows/eni-0a1 is group "flows", streams "eni-0a1*".
 * - --since/--until become startTime/endTime in milliseconds (endTime is
 *   inclusive in the API, so until - 1 ms). Events are filtered by their
 *   timestamp, which CloudWatch sets from the record's start; ingest
 *   filters the records by start again, as for files.
 * - Field order: the events hold no header line, so --fields, else the
 *   LogFormat of the flow logs that deliver to the group
 *   (ec2:DescribeFlowLogs filtered by log-group-name; a denied call is a
 *   warning, two different formats an error), else the v2 default.
 * - Failures: http.c's retry policy (ThrottlingException and 5xx retried
 *   with backoff; FilterLogEvents is read-only, so retry_safe); other errors
 *   become one line "cwl://...: FilterLogEvents: <Code>: <message>". */
#ifndef FC_LOGS_H
#define FC_LOGS_H

#include <stdbool.h>
#include <stddef.h>

#include "agg.h"
#include "aws.h"
#include "ingest.h"
#include "util.h"

bool logs_is_url(const char *s);
/* Group and stream prefix (prefix "" when none); caller frees both. */
int logs_parse_url(const char *url, char **group, char **prefix, char *err, size_t errlen);
/* Read every event of the group (and prefix) in the window into a. 0, -1
 * or INGEST_MALFORMED (strict), with err filled. */
int logs_ingest(agg *a, const char *url, const aws_config *c, const ingest_opts *o, char *err, size_t errlen);

/* The group's newest event (DescribeLogStreams ordered by LastEventTime,
 * one stream): *ms its timestamp in epoch milliseconds (-1 when no stream
 * has an event), stream that stream's name. 0, or -1 with one line. */
int logs_newest_event(const aws_config *c, const char *group, int64_t *ms, char *stream, size_t streamlen, char *err,
                      size_t errlen);

/* --- exposed for tests --- */
/* The request body of one FilterLogEvents call (token NULL for the first). */
char *logs_request_body(const char *group, const char *prefix, int64_t since, int64_t until, const char *token);
/* One response: each event's message appended to lines with a newline;
 * *next = nextToken (malloc'd) or NULL. -1 when it is not a
 * FilterLogEvents response. */
int logs_parse_page(const char *json, size_t len, dbuf *lines, char **next, size_t *n_events, char *err,
                    size_t errlen);

#endif
