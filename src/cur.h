/* cur: the AWS Cost and Usage Report as far as network charges go — the
 * data-transfer and data-processing line items that flow logs can explain
 * (docs/reconciliation.md). Reads CUR 2.0 (Data Exports, snake_case
 * columns: line_item_usage_type ...) and legacy CUR (lineItem/UsageType
 * ...), CSV plain or gzip, or Parquet (plain or gzip; both schemas name
 * the columns line_item_usage_type ... there, read with parquet_cols),
 * from a file or every file below a directory.
 *
 * Only line items whose usage type is one of the byte usage types of
 * cur_class are kept (a month of CUR has millions of other lines), and only
 * usage line items (Usage, DiscountedUsage, SavingsPlanCoveredUsage): tax,
 * credits and refunds are not traffic.
 *
 * Ownership: a cur owns its lines and their strings until cur_free(). */
#ifndef FC_CUR_H
#define FC_CUR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a byte usage type bills (region prefix and operation decide). */
typedef enum cur_class {
    CUR_NONE = 0,
    CUR_NAT_BYTES,          /* [REG-]NatGateway-Bytes */
    CUR_INTERZONE_OUT,      /* [REG-]DataTransfer-Regional-Bytes, operation InterZone-Out */
    CUR_INTERZONE_IN,       /* ... operation InterZone-In */
    CUR_REGIONAL_PUBLIC,    /* ... operation PublicIP-In / PublicIP-Out */
    CUR_INTERNET_OUT,       /* [REG-]DataTransfer-Out-Bytes */
    CUR_INTER_REGION,       /* SRC-DST-AWS-Out-Bytes */
    CUR_ENDPOINT_BYTES,     /* [REG-]VpcEndpoint-Bytes */
    CUR_TGW_BYTES,          /* [REG-]TransitGateway-Bytes */
    CUR_CLASS_COUNT
} cur_class;

/* The class of a line item, CUR_NONE for every usage type flows cannot
 * explain (hours, storage, DataTransfer-In-Bytes, which is free). */
cur_class cur_classify(const char *usage_type, const char *operation);
const char *cur_class_name(cur_class c); /* "nat_bytes", "interzone_out", ... */

typedef struct cur_line {
    cur_class cls;
    const char *usage_type, *operation;
    const char *resource;   /* the resource's id: nat-…, i-… (the last part of an ARN); "" when none */
    int64_t start, end;     /* line_item_usage_start_date / _end_date (unix) */
    double gb;              /* line_item_usage_amount: GB for every byte usage type */
    double usd;             /* line_item_unblended_cost */
} cur_line;

typedef struct cur cur;

cur *cur_new(void);
void cur_free(cur *c);

/* One report file's bytes (CSV, gzip CSV or Parquet, plain or in gzip,
 * by magic bytes); name is for messages. 0, or -1 with "NAME:LINE: ..." or "NAME: ..." in err. */
int cur_read_mem(cur *c, const char *name, const void *data, size_t len, char *err, size_t errlen);
/* A file, or every file below a directory in name order (manifests and
 * other .json/.yml/.sql files skipped). 0, or -1 with err. */
int cur_read_path(cur *c, const char *path, char *err, size_t errlen);

/* Whether a file of an export is a report (not a manifest, .json, .yml,
 * .sql, .md, .txt or dot file): what cur_read_path reads of a directory,
 * and what an s3:// reader should fetch. */
bool cur_is_report_name(const char *name);

size_t cur_count(const cur *c);
const cur_line *cur_at(const cur *c, size_t i);
/* Files read and line items seen (all kinds), for the report's summary. */
size_t cur_files(const cur *c);
uint64_t cur_items(const cur *c);

#endif
