/* fuzz_mail: the mail encoders take input-derived text (names, tags, the
 * CSV). Whatever the bytes, quoted-printable must decode back to the same
 * text (with CRLF line ends), keep lines within 76 characters and never
 * start one with '.', and base64 must decode back exactly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "util.h"
#include "fuzz.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int b64val(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Text without NUL (QP input is a C string). */
    char *text = malloc(size + 1);
    if (!text) return 0;
    size_t tn = 0;
    for (size_t i = 0; i < size; i++)
        if (data[i]) text[tn++] = (char)data[i];
    text[tn] = '\0';

    dbuf q;
    dbuf_init(&q, 0);
    mail_qp(&q, text);
    /* Expected: the text with every "\n" or "\r\n" as CRLF, ending in CRLF if non-empty. */
    dbuf want;
    dbuf_init(&want, 0);
    for (size_t i = 0; i < tn; i++) {
        if (text[i] == '\r' && text[i + 1] == '\n') continue;
        if (text[i] == '\n') dbuf_puts(&want, "\r\n");
        else dbuf_append(&want, text + i, 1);
    }
    if (tn && !(want.len >= 2 && memcmp(want.data + want.len - 2, "\r\n", 2) == 0)) dbuf_puts(&want, "\r\n");
    dbuf got;
    dbuf_init(&got, 0);
    size_t col = 0;
    for (size_t i = 0; i < q.len; i++) {
        char c = q.data[i];
        if (c == '\r') {
            if (i + 1 >= q.len || q.data[i + 1] != '\n') __builtin_trap();
            dbuf_puts(&got, "\r\n");
            i++;
            col = 0;
            continue;
        }
        if (col == 0 && c == '.') __builtin_trap();
        if (++col > 76) __builtin_trap();
        if (c == '=') {
            if (i + 2 < q.len && q.data[i + 1] == '\r' && q.data[i + 2] == '\n') {
                i += 2; /* soft break */
                col = 0;
                continue;
            }
            if (i + 2 >= q.len) __builtin_trap();
            int h = hexval(q.data[i + 1]), l = hexval(q.data[i + 2]);
            if (h < 0 || l < 0) __builtin_trap();
            char ch = (char)(h * 16 + l);
            dbuf_append(&got, &ch, 1);
            i += 2;
            col += 2;
            continue;
        }
        if ((unsigned char)c < 33 && c != ' ' && c != '\t') __builtin_trap();
        dbuf_append(&got, &c, 1);
    }
    if (got.len != want.len || (got.len && memcmp(got.data, want.data, got.len) != 0)) __builtin_trap();

    dbuf b;
    dbuf_init(&b, 0);
    mail_base64(&b, data, size);
    size_t outn = 0;
    unsigned char *dec = malloc(size + 3);
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < b.len; i++) {
        char c = b.data[i];
        if (c == '\r' || c == '\n' || c == '=') continue;
        int v = b64val(c);
        if (v < 0) __builtin_trap();
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (outn >= size) __builtin_trap();
            dec[outn++] = (unsigned char)(acc >> bits);
        }
    }
    if (outn != size || (size && memcmp(dec, data, size) != 0)) __builtin_trap();
    free(dec);
    dbuf_free(&b);
    dbuf_free(&q);
    dbuf_free(&want);
    dbuf_free(&got);
    free(text);
    return 0;
}
