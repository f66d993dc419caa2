/* parquet: a reader for flat Apache Parquet files such as AWS's flow logs in
 * Parquet (S3 delivery with FileFormat=parquet). The footer's FileMetaData
 * is read with a bounds-checked Thrift compact-protocol reader; row groups
 * are decoded one at a time, and only the columns that name a flow-log
 * field the aggregate uses (by name, `_` or `-`: interface_id ->
 * interface-id) are read at all.
 *
 * Supported: data pages v1 and v2, dictionary pages; PLAIN (INT32, INT64,
 * BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, BOOLEAN), PLAIN_DICTIONARY /
 * RLE_DICTIONARY, RLE / bit-packed levels, DELTA_BINARY_PACKED and
 * DELTA_LENGTH_BYTE_ARRAY; codecs UNCOMPRESSED, SNAPPY, GZIP, ZSTD; required
 * and optional leaves (a null is the flow-log `-`). Nested schemas,
 * repeated fields, encryption and external column chunks are refused.
 *
 * Rows come out as text lines (parquet_rows_read), or as records built
 * from the column values with the line parser's field rules
 * (parquet_recs_read, flowlog_parse_values: no line is written or
 * tokenized again), with any row whose text the parser might take
 * otherwise flagged for the text path, so the same records give the same
 * aggregate either way.
 *
 * The file is untrusted: every length, count and offset is checked, and a
 * bad file gives -1 with a one-line reason ("bad footer: ...", "column
 * srcaddr, row group 2: ..."); the caller adds the file name. */
#ifndef FC_PARQUET_H
#define FC_PARQUET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "flowlog.h"

typedef struct parquet_file parquet_file;

bool parquet_is(const void *data, size_t len); /* "PAR1" magic */

/* From memory (the caller keeps data alive until parquet_close), or from
 * a file descriptor (only the footer is read here; column chunks later by
 * pread; the caller keeps fd open). NULL with a reason on error. */
parquet_file *parquet_open_mem(const void *data, size_t len, char *err, size_t errlen);
parquet_file *parquet_open_fd(int fd, char *err, size_t errlen);
void parquet_close(parquet_file *f);

size_t parquet_row_groups(const parquet_file *f);
int64_t parquet_num_rows(const parquet_file *f);
/* The columns rows come out with: a flow-log format of the projected
 * fields, in schema order. */
const flowlog_format *parquet_format(const parquet_file *f);

/* Rows of row groups [rg0, rg1) as text lines ("v1 v2 ...\n", `-` for a
 * null). Peak memory is one row group's projected columns. */
typedef struct parquet_rows parquet_rows;
parquet_rows *parquet_rows_open(parquet_file *f, size_t rg0, size_t rg1);
/* Whole lines into buf: bytes written, 0 at the end, -1 with a reason.
 * n must exceed the longest row (the caller's 4 MiB buffer does: values
 * longer than PARQUET_MAX_VALUE are an error). */
ssize_t parquet_rows_read(parquet_rows *r, char *buf, size_t n, char *err, size_t errlen);
void parquet_rows_close(parquet_rows *r);

/* The same rows as records, without the text: up to n of the next rows
 * into recs (flowlog_parse_values on each column), len[i] = the length
 * of row i's text line (newline included), bad[i] set for a row the text
 * path must read (parquet_row_text, then flowlog_parse_line): a value it
 * would reject or take otherwise, or a line over FLOWLOG_MAX_LINE. The
 * records' views point into the reader's row group: use them before the
 * next call. 0 at the end, -1 with a reason (as parquet_rows_read with a
 * buffer of linemax bytes). */
ssize_t parquet_recs_read(parquet_rows *r, fl_rec *recs, uint8_t *bad, uint32_t *len, size_t n, size_t linemax,
                          char *err, size_t errlen);
/* Row i of the last parquet_recs_read as its text line (len[i] bytes
 * into buf, which holds linemax). */
size_t parquet_row_text(const parquet_rows *r, size_t i, char *buf);
/* Rows i.. of the last parquet_recs_read come again (from either reader). */
void parquet_recs_unread(parquet_rows *r, size_t i);

#define PARQUET_MAX_VALUE 65536

/* Columns by name, for tables other than flow logs (the Cost and Usage
 * Report: src/cur.c). A file opened with parquet_open_*_any keeps every
 * leaf (nested groups such as CUR 2.0's map columns are allowed, but only
 * top-level leaves can be read) and is read with parquet_cols only. The
 * pages go through the same decoders as flow-log rows. */
parquet_file *parquet_open_mem_any(const void *data, size_t len, char *err, size_t errlen);
parquet_file *parquet_open_fd_any(int fd, char *err, size_t errlen);
/* A top-level column's index by exact name, or -1; names by index
 * (NULL for a nested leaf or past the end). */
int parquet_column(const parquet_file *f, const char *name);
size_t parquet_columns(const parquet_file *f);
const char *parquet_column_name(const parquet_file *f, size_t i);

typedef struct parquet_cols parquet_cols;
/* Rows of the n columns cols[] (1..FLOWLOG_MAX_FIELDS; one reader per
 * file at a time). NULL with a reason. */
parquet_cols *parquet_cols_open(parquet_file *f, const int *cols, size_t n, char *err, size_t errlen);
/* The next row: 1 with vals[i] the text of column cols[i] (NUL-terminated,
 * lens[i] bytes, valid until the next call) or NULL for a null; 0 at the
 * end; -1 with a reason. As text: strings as they are; integers in
 * decimal; FLOAT/DOUBLE with 9/17 significant digits (strtod gives the
 * same value back); DECIMAL with its scale's digits after the point;
 * timestamps (INT64 in ms/us/ns, INT96) as RFC 3339 UTC
 * "2026-11-02T05:00:00Z" with a fraction only when there is one; DATE as
 * "2026-11-02". A one-byte "-" in an optional string column reads as a
 * null (the row decoder marks nulls so). */
int parquet_cols_next(parquet_cols *c, const char **vals, size_t *lens, char *err, size_t errlen);
void parquet_cols_close(parquet_cols *c);

/* Exposed for the unit tests. */
/* Skip one compact-protocol struct at p[0..n); bytes used, or -1. */
int parquet_thrift_skip_struct(const uint8_t *p, size_t n, size_t *used, char *err, size_t errlen);
/* RLE / bit-packed hybrid (no length prefix) of `count` values of
 * bit width bw (0..32). 0 or -1. */
int parquet_rle_decode(const uint8_t *p, size_t n, int bw, uint32_t *out, size_t count, char *err,
                       size_t errlen);
/* DELTA_BINARY_PACKED: all the values the header announces (at most cap);
 * returns their number and the bytes used, or -1. */
ssize_t parquet_dbp_decode(const uint8_t *p, size_t n, int64_t *out, size_t cap, size_t *used, char *err,
                           size_t errlen);

#endif
