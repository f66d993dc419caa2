/* util: the few helpers every module needs — allocation that aborts on
 * out-of-memory in one place, a growable byte buffer with a hard cap, error
 * buffers, and atomic file writes.
 *
 * Error convention (house style): functions return 0 on success and -1 on
 * failure, writing a one-line, lower-case message without a full stop into a
 * caller-provided buffer `char *err, size_t errlen` (may be NULL). The caller
 * adds context (file:line, AWS request id). Only cli/main.c picks exit codes. */
#ifndef FC_UTIL_H
#define FC_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdbool.h>

#define FC_ERRLEN 512

/* Never return NULL: on out-of-memory they print one line and abort. */
/* Out of memory: one message and abort(), wherever memory runs out (the
 * x* allocators, and libraries that allocate for us, such as cJSON). */
__attribute__((noreturn)) void fc_oom(size_t n);
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
/* Zeroed by writing, for a hash table whose probes read a slot before
 * writing it: a read of an untouched calloc'd page maps the shared zero
 * page, and the write that follows copies it and flushes the TLB on every
 * CPU the process runs on (an interrupt to the other workers: 4-8% of the
 * CPU time at 3M groups). Use it where every page gets written anyway. */
void *xzeroed(size_t count, size_t size);
/* The CPU has AVX2, BMI1/2 and POPCNT, and FLOWCOST_SIMD is not "sse2":
 * the tests set it to run the SSE2 paths (the line parser's, the header
 * scan's) on a machine that has AVX2. Read when a layout or a job starts,
 * not per line. */
bool fc_simd_avx2(void);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grow a dynamic array before appending: doubles, starting at 64. */
#define GROW(arr, n, cap)                                        \
    do {                                                         \
        if ((n) == (cap)) {                                      \
            (cap) = (cap) ? (cap) * 2 : 64;                      \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));      \
        }                                                        \
    } while (0)

/* One sort policy for qsort comparators over fields: a list of keys, the first that
 * differs decides. FC_COMPARATOR(name, T, FC_ASC(f) FC_DESC(g) FC_KEY(expr))
 * defines `static int name(const void *, const void *)` over `const T *a, *b`;
 * FC_KEY takes a three-way expression such as ip_cmp(&a->ip, &b->ip). All
 * keys equal: 0. Fields compare with != and <, > exactly as the hand-written
 * comparators did, so every sort order stays what it was. */
#define FC_ASC(f)  if (a->f != b->f) return a->f < b->f ? -1 : 1;
#define FC_DESC(f) if (a->f != b->f) return a->f > b->f ? -1 : 1;
#define FC_KEY(e)  { int c_ = (e); if (c_) return c_; }
#define FC_COMPARATOR(name, T, keys)                 \
    static int name(const void *x_, const void *y_) \
    {                                                \
        const T *a = x_, *b = y_;                    \
        keys return 0;                               \
    }

/* free() each pointer given (the members of a struct, then the struct);
 * fc_free_strs: each of n strings, then their array. */
void fc_free_each(void *const *p, size_t n);
void fc_free_strs(char **v, size_t n);
#define FC_FREE(...) \
    fc_free_each((void *const[]){__VA_ARGS__}, sizeof((void *const[]){__VA_ARGS__}) / sizeof(void *))

/* printf into err (if err != NULL && errlen > 0); always returns -1 so that
 * `return fc_err(err, errlen, "...")` reads naturally. */
int fc_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* strerror for code that worker threads run: the text of errno value e,
 * written into buf (strerror may share one buffer for the process);
 * returns buf. */
const char *fc_strerror(int e, char *buf, size_t n);
/* One diagnostic line on stderr: prefix ("flowcost: warning: "), then msg
 * with its control bytes (but tab) written as \xNN, so that a newline in a
 * file name or a terminal escape cannot forge or hide a line; under the
 * stream's lock, as worker threads warn too. */
void fc_print_line(const char *prefix, const char *msg);

/* A growable buffer. `cap_limit` (0 = none) bounds growth: an append past it
 * fails with -1 instead of growing without bound. data is always
 * NUL-terminated after a successful append. */
typedef struct dbuf {
    char *data;
    size_t len, cap, cap_limit;
} dbuf;

void dbuf_init(dbuf *b, size_t cap_limit);
void dbuf_free(dbuf *b);
void dbuf_reset(dbuf *b);
int dbuf_append(dbuf *b, const void *p, size_t n);
int dbuf_puts(dbuf *b, const char *s);
int dbuf_printf(dbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int dbuf_vprintf(dbuf *b, const char *fmt, va_list ap);
/* Hand the buffer over (caller frees); b is reset to empty. */
char *dbuf_take(dbuf *b, size_t *len);

/* Write `len` bytes to `path` atomically: a temp file in the same directory,
 * fsync, rename. "-" means stdout. Never leaves a half-written file. */
int fc_write_file_atomic(const char *path, const void *data, size_t len,
                         char *err, size_t errlen);
/* Several outputs of one run, all or none: every file is written and
 * fsync'd under a temp name first, and only then are they renamed; on a
 * failure no file is replaced. "-" (stdout) is written last. */
typedef struct fc_output {
    const char *path;
    const void *data;
    size_t len;
} fc_output;
int fc_write_files_atomic(size_t n, const fc_output *out, char *err, size_t errlen);
/* One output written while it is produced, so that a big file needs no
 * buffer of its size: fc_stream_open makes the temp file next to path
 * ("-", or a device or a FIFO: the bytes are kept in memory and written at
 * the commit, after the renames), fc_stream_write appends,
 * fc_stream_close makes it complete on disk (fsync), and fc_streams_commit
 * renames every stream of a run into place (then writes the standard
 * output ones), all or none as fc_write_files_atomic. Any error: -1 with
 * err, and that stream's temp file is gone. fc_stream_abort removes a temp
 * file not committed and frees the stream (always call it at the end).
 * Streams are opened and committed on one thread (opening reads the
 * process's umask by setting it); in between, each may be written and
 * closed by a thread of its own. */
typedef struct fc_stream {
    const char *path;
    char *tmp;        /* the temp file; NULL for "-" or once committed/aborted */
    int fd;
    unsigned mode;    /* the file's permissions: 0666 less the umask */
    bool direct;      /* O_DIRECT: whole blocks of buf written */
    bool in_place;    /* path is a device or a FIFO: mem is written to it at the commit */
    char *buf;        /* FC_STREAM_BUF bytes, FC_STREAM_ALIGN-aligned; len held */
    size_t len;
    dbuf mem;         /* "-": what was written */
} fc_stream;
#define FC_STREAM_BUF (1u << 20)
#define FC_STREAM_ALIGN 4096u
/* direct: write through O_DIRECT where the file system allows (big
 * outputs that nothing reads back at once; see util.c) */
int fc_stream_open(fc_stream *s, const char *path, bool direct, char *err, size_t errlen);
int fc_stream_write(fc_stream *s, const void *data, size_t len, char *err, size_t errlen);
int fc_stream_close(fc_stream *s, char *err, size_t errlen);
int fc_streams_commit(size_t n, fc_stream *const *s, char *err, size_t errlen);
void fc_stream_abort(fc_stream *s);
/* Read a whole file (or "-" for stdin) into memory; caller frees *out. */
int fc_read_file(const char *path, char **out, size_t *len, char *err, size_t errlen);

/* One linked library, for `flowcost --version --json`. The module that
 * includes the library's header fills it (one header, one file), so the
 * CLI asks modules rather than including every library itself. */
typedef struct fc_lib_info {
    const char *name;        /* "libcurl" */
    char version[64];        /* the running library's version; "" when it has no call for it */
    const char *built_with;  /* the headers' version */
    const void *symbol;      /* one of its functions: dladdr names the file it was loaded from */
} fc_lib_info;

/* The addr-spec of "Name <a@b>" or "a@b" into buf (n bytes); -1 when
 * there is none, or it holds spaces, controls, angle brackets or commas.
 * One parser for the mail headers, the SMTP envelope and the CLI checks. */
int fc_addr_spec(const char *addr, char *buf, size_t n);

/* Time helpers. Parse RFC 3339 ("2026-11-20T00:00:00Z", offsets allowed,
 * seconds optional, no offset = UTC) or a unix time in seconds; -1 on error. */
int fc_parse_time(const char *s, int64_t *out);
/* Parse a span back from now: a positive count and one unit, m (minutes),
 * h, d or w ("90m", "36h", "7d", "2w"), into seconds; -1 when s is not one. */
int fc_parse_span(const char *s, int64_t *secs);
/* Format a unix time as RFC 3339 UTC "YYYY-MM-DDTHH:MM:SSZ". buf >= 21. */
void fc_format_time(int64_t t, char *buf, size_t n);

/* Money and bytes for humans: "1,234.57" (2 decimals, thousands
 * separators) and "12.34 GiB" (1 GiB = 2^30 bytes). */
void fc_format_usd(double usd, char *buf, size_t n);
void fc_format_bytes(uint64_t bytes, char *buf, size_t n);
/* Integer with thousands separators: "4,812,331". */
void fc_format_count(uint64_t v, char *buf, size_t n);

#define FC_GIB 1073741824.0

/* Counters saturate instead of wrapping: a sum past 2^64-1 (only hostile
 * input gets there) reads as the maximum, never as a small number. */
static inline void fc_add_sat(uint64_t *a, uint64_t b)
{
    if (__builtin_add_overflow(*a, b, a)) *a = UINT64_MAX;
}

/* Decimal text of u at o, two digits at a time; returns the end (no NUL).
 * Written backwards from its last digit: the count comes from the bit length
 * (log10(2) ~ 1233/4096) and one comparison. Inline: the Parquet row writer
 * and aggregate's CSV call it per value. */
extern const char fc_digit_pairs[201];
extern const uint64_t fc_pow10_u64[20];
static inline char *fc_put_u64(char *o, uint64_t u)
{
    int bits = 64 - __builtin_clzll(u | 1);
    int nd = (bits * 1233) >> 12;
    nd += u >= fc_pow10_u64[nd] || nd == 0; /* 0 has one digit */
    char *e = o + nd, *q = e;
    while (u >= 100) {
        unsigned d = (unsigned)(u % 100) * 2;
        u /= 100;
        q -= 2;
        memcpy(q, fc_digit_pairs + d, 2);
    }
    if (u >= 10) memcpy(q - 2, fc_digit_pairs + u * 2, 2);
    else q[-1] = (char)('0' + u);
    return e;
}

#endif
