/* Unit tests of src/util.c: buffers with caps, formatting, time parsing and
 * atomic writes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "util.h"

/* fc_print_line's bytes on stderr, caught in a temporary file. */
static void check_print_line(const char *prefix, const char *msg, const char *want)
{
    char path[] = "/tmp/fc_print_lineXXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    fflush(stderr);
    dup2(fd, 2);
    fc_print_line(prefix, msg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char got[256] = "";
    ssize_t n = pread(fd, got, sizeof got - 1, 0);
    got[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
    CHECK_STR(got, want);
}

/* FC_COMPARATOR: keys in order, the first that differs decides. */
typedef struct srow {
    int dir;
    double usd;
    const char *name;
} srow;
FC_COMPARATOR(srow_cmp, srow, FC_ASC(dir) FC_DESC(usd) FC_KEY(strcmp(a->name, b->name)))

static void check_comparator(void)
{
    srow v[] = {{1, 5.0, "b"}, {0, 1.0, "z"}, {1, 5.0, "a"}, {0, 3.0, "y"}, {1, 9.0, "c"}};
    qsort(v, sizeof v / sizeof *v, sizeof *v, srow_cmp);
    /* dir 0 first (ascending): usd 3 before 1 (descending) -> y, z; then dir
     * 1: usd 9 (c), then the two at 5 by name: a, b. */
    const char *want[] = {"y", "z", "c", "a", "b"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) CHECK_STR(v[i].name, want[i]);
    CHECK(srow_cmp(&v[3], &v[3]) == 0);
}

/* FC_FREE and fc_free_strs release everything (ASan's leak check sees a miss). */
static void check_free(void)
{
    char **strs = xcalloc(3, sizeof *strs);
    for (int i = 0; i < 3; i++) strs[i] = xstrdup("s");
    fc_free_strs(strs, 3);
    char *a = xstrdup("a"), *b = NULL;
    int *c = xcalloc(4, sizeof *c);
    FC_FREE(a, b, c);
}

int main(void)
{
    check_comparator();
    check_free();
    /* Control bytes but tab become \xNN (newline 0a, ESC 1b, DEL 7f, CR 0d);
     * UTF-8 and tab pass; one newline ends the line. */
    check_print_line("flowcost: error: ", "a\nb", "flowcost: error: a\\x0ab\n");
    check_print_line("flowcost: warning: ", "\x1b[31mred\t\x7f\r", "flowcost: warning: \\x1b[31mred\t\\x7f\\x0d\n");
    check_print_line("p: ", "caf\xC3\xA9", "p: caf\xC3\xA9\n");

    char buf[64];
    fc_format_usd(1234567.891, buf, sizeof buf);
    CHECK_STR(buf, "1,234,567.89");
    fc_format_usd(0.004, buf, sizeof buf);
    CHECK_STR(buf, "0.00");
    fc_format_usd(-0.001, buf, sizeof buf);
    CHECK_STR(buf, "0.00");
    fc_format_usd(-12.5, buf, sizeof buf);
    CHECK_STR(buf, "-12.50");
    fc_format_usd(999.995, buf, sizeof buf);
    CHECK(strcmp(buf, "1,000.00") == 0 || strcmp(buf, "999.99") == 0 || strcmp(buf, "1,000.00") == 0);
    fc_format_count(4812331, buf, sizeof buf);
    CHECK_STR(buf, "4,812,331");
    fc_format_count(0, buf, sizeof buf);
    CHECK_STR(buf, "0");
    fc_format_count(100, buf, sizeof buf);
    CHECK_STR(buf, "100");
    fc_format_bytes(10737418240ull, buf, sizeof buf);
    CHECK_STR(buf, "10.00 GiB");
    fc_format_bytes(512, buf, sizeof buf);
    CHECK_STR(buf, "512 B");

    int64_t t;
    CHECK(fc_parse_time("2015-08-30T12:36:00Z", &t) == 0 && t == 1440938160);
    CHECK(fc_parse_time("1440938160", &t) == 0 && t == 1440938160);
    CHECK(fc_parse_time("2015-08-30T14:36:00+02:00", &t) == 0 && t == 1440938160);
    CHECK(fc_parse_time("2015-08-30", &t) == 0 && t == 1440892800);
    CHECK(fc_parse_time("2015-13-30T00:00:00Z", &t) < 0);
    CHECK(fc_parse_time("yesterday", &t) < 0);
    CHECK(fc_parse_time("99999999999999999999999", &t) < 0);
    fc_format_time(1440938160, buf, sizeof buf);
    CHECK_STR(buf, "2015-08-30T12:36:00Z");

    dbuf b;
    dbuf_init(&b, 16);
    CHECK(dbuf_puts(&b, "0123456789") == 0);
    CHECK(dbuf_puts(&b, "0123456789") < 0); /* cap reached: refused, not grown */
    CHECK(b.len == 10);
    CHECK(dbuf_printf(&b, "%d", 42) == 0);
    CHECK_STR(b.data, "012345678942");
    dbuf_free(&b);

    char err[FC_ERRLEN], path[] = "/tmp/fc_util_testXXXXXX";
    int fd = mkstemp(path);
    close(fd);
    CHECK(fc_write_file_atomic(path, "hello", 5, err, sizeof err) == 0);
    char *data;
    size_t len;
    CHECK(fc_read_file(path, &data, &len, err, sizeof err) == 0 && len == 5 && memcmp(data, "hello", 5) == 0);
    free(data);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0444));
    unlink(path);
    CHECK(fc_write_file_atomic("/nonexistent-dir/x.html", "x", 1, err, sizeof err) < 0);
    CHECK(strstr(err, "/nonexistent-dir/x.html") != NULL);
    /* fc_stream: pieces of odd sizes past the 1 MiB buffer (direct I/O
     * where /tmp takes it): the file is every byte in order, 0666 less the
     * umask, and appears only at the commit; an aborted stream leaves nothing */
    char spath[] = "/tmp/fc_util_streamXXXXXX";
    fd = mkstemp(spath);
    close(fd);
    unlink(spath);
    size_t total = 0;
    unsigned char *want = xmalloc(3u << 20);
    for (size_t i = 0; i < (3u << 20); i++) want[i] = (unsigned char)(i * 131 + (i >> 9));
    fc_stream s, *sp = &s;
    CHECK(fc_stream_open(&s, spath, true, err, sizeof err) == 0);
    static const size_t piece[] = {1, 4095, 4097, 1u << 20, 777, (1u << 20) + 5, 3};
    for (size_t k = 0; k < sizeof piece / sizeof *piece; k++) {
        CHECK(fc_stream_write(&s, want + total, piece[k], err, sizeof err) == 0);
        total += piece[k];
    }
    CHECK(fc_stream_close(&s, err, sizeof err) == 0);
    CHECK(access(spath, F_OK) != 0); /* not before the commit */
    CHECK(fc_streams_commit(1, &sp, err, sizeof err) == 0);
    fc_stream_abort(&s);
    CHECK(fc_read_file(spath, &data, &len, err, sizeof err) == 0 && len == total && memcmp(data, want, total) == 0);
    free(data);
    mode_t um = umask(0);
    umask(um);
    CHECK(stat(spath, &st) == 0 && (st.st_mode & 0777) == (0666 & ~um));
    unlink(spath);
    CHECK(fc_stream_open(&s, spath, true, err, sizeof err) == 0);
    CHECK(fc_stream_write(&s, want, 5000, err, sizeof err) == 0);
    char *tmpname = xstrdup(s.tmp);
    fc_stream_abort(&s);
    CHECK(access(tmpname, F_OK) != 0 && access(spath, F_OK) != 0);
    free(tmpname);
    free(want);
    CHECK(fc_stream_open(&s, "/nonexistent-dir/x.fca", true, err, sizeof err) < 0);
    CHECK(strstr(err, "cannot write '/nonexistent-dir/x.fca'") != NULL);
    /* fc_strerror gives the text, whichever strerror_r the build has */
    char eb[96];
    CHECK_STR(fc_strerror(ENOENT, eb, sizeof eb), "No such file or directory");
    CHECK_STR(fc_strerror(EFBIG, eb, sizeof eb), "File too large");
    CHECK(fc_read_file("/nonexistent-file", &data, &len, err, sizeof err) < 0);
    CHECK(strstr(err, "No such file") != NULL);
    return check_done();
}
