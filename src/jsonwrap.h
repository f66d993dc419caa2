/* jsonwrap: flow-log lines out of the JSON shapes AWS delivers them in —
 * Firehose / CloudWatch export lines {"message": "2 1234... OK"} and
 * CloudWatch Logs subscription payloads {"messageType": "DATA_MESSAGE",
 * "logEvents": [{"message": ...}, ...]}, one after another with or without
 * whitespace between them (Firehose concatenates them). A top-level array
 * of such objects is read element by element.
 *
 * A small scanner of its own rather than a JSON library: src/ links no
 * JSON parser, only these two shapes matter, and a scanner that copies
 * nothing but the message strings keeps the memory of a delivery bounded by
 * its largest single object. Every read is bounds-checked; the input is
 * untrusted (tests/fuzz/fuzz_jsonwrap.c).
 *
 * What is taken: the string "message" of a top-level object, and the
 * string "message" of each object of its "logEvents" array. A payload whose
 * "messageType" is "CONTROL_MESSAGE" (CloudWatch's destination health
 * check) gives nothing. Objects without a message give nothing. */
#ifndef FC_JSONWRAP_H
#define FC_JSONWRAP_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define JSONWRAP_MAX_VALUE (64u << 20) /* one top-level object; a subscription payload is ~1 MiB */
#define JSONWRAP_MAX_DEPTH 64

/* Take the next top-level value of p[0..n) (whitespace before it is
 * skipped). Returns 1 when a complete value was there: its messages are
 * appended to out, each unescaped and ended by '\n' (a trailing CR/LF of
 * the message itself is dropped), and *used is the number of bytes
 * consumed. Returns 0 when more input is needed (*used = the whitespace
 * skipped), or, at eof, when only whitespace is left. Returns -1 on bad
 * JSON, a value over JSONWRAP_MAX_VALUE or nesting over
 * JSONWRAP_MAX_DEPTH, with a reason in err and *used = the offset of the
 * fault. */
int jsonwrap_next(const char *p, size_t n, bool eof, dbuf *out, size_t *used, char *err, size_t errlen);

#endif
