/* util: allocation, buffers, errors, atomic writes and formatting shared by
 * every module, so that out-of-memory handling and number formatting live in
 * one place. */
/* O_DIRECT (Linux) is a GNU extension of fcntl.h */
#define _GNU_SOURCE
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void fc_oom(size_t n)
{
    fprintf(stderr, "flowcost: fatal: out of memory (%zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) fc_oom(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) fc_oom(count * size);
    return p;
}

void *xzeroed(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) fc_oom(SIZE_MAX);
    void *p = xmalloc(count * size);
    memset(p, 0, count * size);
    return p;
}

bool fc_simd_avx2(void)
{
    const char *e = getenv("FLOWCOST_SIMD");
    if (e && strcmp(e, "sse2") == 0) return false;
#if defined(__x86_64__) && defined(__GNUC__)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
           __builtin_cpu_supports("popcnt");
#else
    return false;
#endif
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) fc_oom(n);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void fc_free_each(void *const *p, size_t n)
{
    for (size_t i = 0; i < n; i++) free(p[i]);
}

void fc_free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

int fc_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void dbuf_init(dbuf *b, size_t cap_limit)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->cap_limit = cap_limit;
}

void dbuf_free(dbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void dbuf_reset(dbuf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

static int dbuf_reserve(dbuf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1) return -1;
    size_t need = b->len + extra + 1;
    if (b->cap_limit && need > b->cap_limit) return -1;
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (b->cap_limit && cap > b->cap_limit) cap = b->cap_limit;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
    return 0;
}

int dbuf_append(dbuf *b, const void *p, size_t n)
{
    if (dbuf_reserve(b, n) < 0) return -1;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int dbuf_puts(dbuf *b, const char *s)
{
    return dbuf_append(b, s, strlen(s));
}

int dbuf_vprintf(dbuf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) return -1;
    if (dbuf_reserve(b, (size_t)n) < 0) return -1;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int dbuf_printf(dbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = dbuf_vprintf(b, fmt, ap);
    va_end(ap);
    return r;
}

char *dbuf_take(dbuf *b, size_t *len)
{
    if (!b->data) dbuf_append(b, "", 0);
    char *p = b->data;
    if (len) *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

const char fc_digit_pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
const uint64_t fc_pow10_u64[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull, 100000000ull,
    1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull, 10000000000000ull,
    100000000000000ull, 1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
    1000000000000000000ull, 10000000000000000000ull};

int fc_stream_open(fc_stream *s, const char *path, bool direct, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    s->fd = -1;
    dbuf_init(&s->mem, 0);
    if (strcmp(path, "-") == 0) return 0;
    /* A device or a FIFO (-o /dev/null, a pipe to another program) is
     * written in place at the commit, as standard output is: a temp file
     * renamed over it would replace the device itself (as root, /dev/null
     * became a regular file). */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        s->in_place = true;
        return 0;
    }
    size_t plen = strlen(path);
    char *t = xmalloc(plen + 16);
    snprintf(t, plen + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(t);
    if (fd < 0) {
        int e = errno;
        free(t);
        return fc_err(err, errlen, "cannot write '%s': %s", path, strerror(e));
    }
    s->tmp = t;
    s->fd = fd;
    /* mkstemp creates 0600; a report is an ordinary file. umask() can
     * only be read by setting it, so here, before any writer thread runs */
    mode_t um = umask(0);
    umask(um);
    s->mode = 0666 & ~um;
#ifdef O_DIRECT
    /* Direct I/O where the file system takes it: the bytes go from our
     * buffer to the disk, which fsync waits for anyway, without a copy into
     * fresh page-cache pages (44 MB of .fca: 0.12 s of system time
     * buffered, 0.01 s direct). Whole aligned blocks only; the rest, and
     * everything on a file system that refuses, is written buffered. */
    if (direct) {
        int fl = fcntl(fd, F_GETFL);
        s->buf = aligned_alloc(FC_STREAM_ALIGN, FC_STREAM_BUF);
        if (s->buf && fl >= 0 && fcntl(fd, F_SETFL, fl | O_DIRECT) == 0) {
            s->direct = true;
        } else {
            free(s->buf);
            s->buf = NULL;
        }
    }
#else
    (void)direct;
#endif
    return 0;
}

/* Direct I/O off for good (a refused write, or the file's last bytes). */
static void stream_buffered(fc_stream *s)
{
#ifdef O_DIRECT
    int fl = fcntl(s->fd, F_GETFL);
    if (fl >= 0) fcntl(s->fd, F_SETFL, fl & ~O_DIRECT);
#endif
    s->direct = false;
}

/* Runs on a writer thread (aggregate's CSV): fc_strerror, not strerror. */
static int stream_out(fc_stream *s, const char *p, size_t len, char *err, size_t errlen)
{
    while (len) {
        ssize_t w = write(s->fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EINVAL && s->direct) {
            stream_buffered(s); /* alignment this file system does not take */
            continue;
        }
        if (w < 0) {
            int e = errno;
            fc_err(err, errlen, "cannot write '%s': %s", s->path, fc_strerror(e, (char[96]){0}, 96));
            fc_stream_abort(s);
            return -1;
        }
        if ((size_t)w % FC_STREAM_ALIGN && s->direct) stream_buffered(s); /* a short write: unaligned from here */
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int fc_stream_write(fc_stream *s, const void *data, size_t len, char *err, size_t errlen)
{
    if (!s->tmp) {
        dbuf_append(&s->mem, data, len);
        return 0;
    }
    const char *p = data;
    while (s->direct && len) {
        size_t k = FC_STREAM_BUF - s->len < len ? FC_STREAM_BUF - s->len : len;
        memcpy(s->buf + s->len, p, k);
        s->len += k;
        p += k;
        len -= k;
        if (s->len == FC_STREAM_BUF) {
            s->len = 0;
            if (stream_out(s, s->buf, FC_STREAM_BUF, err, errlen) < 0) return -1;
        }
    }
    if (!s->direct && s->len) { /* direct I/O went off with bytes held */
        size_t held = s->len;
        s->len = 0;
        if (stream_out(s, s->buf, held, err, errlen) < 0) return -1;
    }
    return stream_out(s, p, len, err, errlen);
}

int fc_stream_close(fc_stream *s, char *err, size_t errlen)
{
    if (!s->tmp) return 0;
    if (s->len) {
        size_t whole = s->len / FC_STREAM_ALIGN * FC_STREAM_ALIGN, held = s->len;
        s->len = 0;
        if (whole && stream_out(s, s->buf, whole, err, errlen) < 0) return -1;
        if (s->direct) stream_buffered(s);
        if (held > whole && stream_out(s, s->buf + whole, held - whole, err, errlen) < 0) return -1;
    }
    fchmod(s->fd, s->mode);
    int fd = s->fd;
    s->fd = -1;
    if (fsync(fd) < 0 || close(fd) < 0) {
        int e = errno;
        fc_err(err, errlen, "cannot write '%s': %s", s->path, fc_strerror(e, (char[96]){0}, 96));
        fc_stream_abort(s);
        return -1;
    }
    return 0;
}

void fc_stream_abort(fc_stream *s)
{
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
    if (s->tmp) unlink(s->tmp);
    free(s->tmp);
    s->tmp = NULL;
    free(s->buf);
    s->buf = NULL;
    s->len = 0;
    s->direct = false;
    dbuf_free(&s->mem);
    s->path = NULL;
}

int fc_streams_commit(size_t n, fc_stream *const *s, char *err, size_t errlen)
{
    int rc = 0;
    /* every file complete on disk before any takes its name */
    for (size_t i = 0; i < n; i++) {
        if (!s[i]->tmp) continue;
        if (rc == 0 && rename(s[i]->tmp, s[i]->path) < 0)
            rc = fc_err(err, errlen, "cannot write '%s': %s", s[i]->path, strerror(errno));
        if (rc != 0) unlink(s[i]->tmp);
        free(s[i]->tmp);
        s[i]->tmp = NULL;
    }
    /* devices and FIFOs, then standard output: what was written there
     * cannot be taken back */
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!s[i]->in_place) continue;
        const dbuf *m = &s[i]->mem;
        int fd = open(s[i]->path, O_WRONLY | O_CLOEXEC), e = fd < 0 ? errno : 0;
        for (size_t done = 0; !e && done < m->len;) {
            ssize_t w = write(fd, m->data + done, m->len - done);
            if (w < 0 && errno != EINTR) e = errno;
            if (w > 0) done += (size_t)w;
        }
        if (fd >= 0 && close(fd) < 0 && !e) e = errno;
        if (e) rc = fc_err(err, errlen, "cannot write '%s': %s", s[i]->path, strerror(e));
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!s[i]->path || strcmp(s[i]->path, "-") != 0) continue;
        const dbuf *m = &s[i]->mem;
        /* a small write only fails at the flush (a full disk, a closed pipe) */
        if ((m->len && fwrite(m->data, 1, m->len, stdout) != m->len) || fflush(stdout) != 0)
            rc = fc_err(err, errlen, "cannot write to standard output: %s", strerror(errno));
    }
    return rc;
}

int fc_write_files_atomic(size_t n, const fc_output *out, char *err, size_t errlen)
{
    fc_stream *st = xcalloc(n + 1, sizeof *st);
    fc_stream **sp = xcalloc(n + 1, sizeof *sp);
    int rc = 0;
    size_t opened = 0;
    /* every file complete on disk before any takes its name */
    for (; opened < n && rc == 0; opened++) {
        sp[opened] = &st[opened];
        if (fc_stream_open(&st[opened], out[opened].path, false, err, errlen) < 0) {
            rc = -1;
        } else if (!st[opened].tmp) {
            /* standard output: straight from the caller's buffer, not a copy */
            st[opened].mem.data = (char *)(uintptr_t)out[opened].data;
            st[opened].mem.len = out[opened].len;
        } else if (fc_stream_write(&st[opened], out[opened].data, out[opened].len, err, errlen) < 0 ||
                   fc_stream_close(&st[opened], err, errlen) < 0) {
            rc = -1;
        }
    }
    if (rc == 0) rc = fc_streams_commit(opened, sp, err, errlen);
    for (size_t i = 0; i < opened; i++) {
        if (!st[i].tmp) dbuf_init(&st[i].mem, 0); /* borrowed */
        fc_stream_abort(&st[i]);
    }
    free(sp);
    free(st);
    return rc;
}

int fc_write_file_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    fc_output one = {path, data, len};
    return fc_write_files_atomic(1, &one, err, errlen);
}

int fc_read_file(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return fc_err(err, errlen, "cannot open '%s': %s", path, strerror(errno));
    dbuf b;
    dbuf_init(&b, 0);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) dbuf_append(&b, chunk, n);
    int bad = ferror(f);
    if (f != stdin) fclose(f);
    if (bad) {
        dbuf_free(&b);
        return fc_err(err, errlen, "cannot read '%s'", path);
    }
    *out = dbuf_take(&b, len);
    return 0;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's algorithm: no timezone state, no timegm portability issues. */
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int fc_parse_time(const char *s, int64_t *out)
{
    if (!s || !*s) return -1;
    const char *p = s;
    bool digits = true;
    for (const char *q = s; *q; q++)
        if (*q < '0' || *q > '9') digits = false;
    if (digits) {
        int64_t v = 0;
        for (; *p; p++) {
            if (v > (INT64_MAX - 9) / 10) return -1;
            v = v * 10 + (*p - '0');
        }
        *out = v;
        return 0;
    }
    int Y, M, D, h = 0, mi = 0, sec = 0, n = 0;
    if (sscanf(p, "%4d-%2d-%2d%n", &Y, &M, &D, &n) != 3) return -1;
    p += n;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        /* Seconds are optional ("2026-11-02T05:00"), as users type it. */
        if (sscanf(p, "%2d:%2d%n", &h, &mi, &n) != 2) return -1;
        p += n;
        if (*p == ':') {
            p++;
            if (sscanf(p, "%2d%n", &sec, &n) != 1 || n != 2) return -1;
            p += n;
        }
        if (*p == '.')
            for (p++; *p >= '0' && *p <= '9'; p++) {}
    }
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || mi > 59 || sec > 60) return -1;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
    if (D > mdays[M - 1] || (M == 2 && D == 29 && !leap)) return -1; /* 2026-02-30 is no date */
    int64_t t = days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 + h * 3600 + mi * 60 + sec;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        /* exactly ±HH:MM: the p += 6 below must not step over the terminating NUL */
        for (int k = 1; k <= 5; k++)
            if (k == 3 ? p[k] != ':' : (p[k] < '0' || p[k] > '9')) return -1;
        int oh = (p[1] - '0') * 10 + (p[2] - '0'), om = (p[4] - '0') * 10 + (p[5] - '0');
        if (oh > 23 || om > 59) return -1;
        int off = oh * 3600 + om * 60;
        t -= *p == '+' ? off : -off;
        p += 6;
    }
    if (*p) return -1;
    *out = t;
    return 0;
}

int fc_parse_span(const char *s, int64_t *secs)
{
    static const struct {
        char unit;
        int64_t secs;
    } units[] = {{'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 7 * 86400}};
    if (!s || *s < '0' || *s > '9') return -1;
    int64_t v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > 100000000) return -1; /* far beyond any flow-log retention */
        v = v * 10 + (*p - '0');
    }
    if (v == 0 || !p[0] || p[1]) return -1;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (*p == units[i].unit) {
            *secs = v * units[i].secs;
            return 0;
        }
    return -1;
}

void fc_format_time(int64_t t, char *buf, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void group_thousands(const char *digits, char *buf, size_t n)
{
    size_t len = strlen(digits), o = 0;
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

void fc_format_count(uint64_t v, char *buf, size_t n)
{
    char d[32];
    snprintf(d, sizeof d, "%llu", (unsigned long long)v);
    group_thousands(d, buf, n);
}

void fc_format_usd(double usd, char *buf, size_t n)
{
    char tmp[64], ip[48];
    bool neg = usd < 0;
    snprintf(tmp, sizeof tmp, "%.2f", neg ? -usd : usd);
    char *dot = strchr(tmp, '.');
    *dot = '\0';
    group_thousands(tmp, ip, sizeof ip);
    /* "-0.00" would be noise. */
    if (neg && strcmp(ip, "0") == 0 && strcmp(dot + 1, "00") == 0) neg = false;
    snprintf(buf, n, "%s%s.%s", neg ? "-" : "", ip, dot + 1);
}

void fc_format_bytes(uint64_t bytes, char *buf, size_t n)
{
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024.0 && u < 5) {
        v /= 1024.0;
        u++;
    }
    if (u == 0) snprintf(buf, n, "%llu B", (unsigned long long)bytes);
    else snprintf(buf, n, "%.2f %s", v, units[u]);
}

void fc_print_line(const char *prefix, const char *msg)
{
    flockfile(stderr);
    fputs(prefix, stderr);
    for (const unsigned char *c = (const unsigned char *)msg; *c; c++) {
        if ((*c < 0x20 && *c != '\t') || *c == 0x7f) fprintf(stderr, "\\x%02x", *c);
        else fputc(*c, stderr);
    }
    fputc('\n', stderr);
    funlockfile(stderr);
}

const char *fc_strerror(int e, char *buf, size_t n)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    /* this file is built with _GNU_SOURCE (for O_DIRECT): glibc's
     * strerror_r is then the GNU one, which returns the text, not always
     * in buf */
    const char *m = strerror_r(e, buf, n);
    if (m != buf) snprintf(buf, n, "%s", m ? m : "");
#else
    if (strerror_r(e, buf, n) != 0) snprintf(buf, n, "error %d", e);
#endif
    return buf;
}

int fc_addr_spec(const char *addr, char *buf, size_t n)
{
    if (!addr) return -1;
    const char *s = addr, *e = addr + strlen(addr);
    const char *lt = strrchr(addr, '<');
    if (lt) {
        const char *gt = strchr(lt, '>');
        if (!gt) return -1;
        s = lt + 1;
        e = gt;
    }
    while (s < e && (*s == ' ' || *s == '\t')) s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
    if (e == s || (size_t)(e - s) >= n) return -1;
    const char *at = NULL;
    for (const char *p = s; p < e; p++) {
        if (*p == '@') at = p;
        if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == ',') return -1;
    }
    if (!at || at == s || at + 1 == e) return -1;
    memcpy(buf, s, (size_t)(e - s));
    buf[e - s] = '\0';
    return 0;
}
