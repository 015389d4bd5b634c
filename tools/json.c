/* SPDX-License-Identifier: GPL-2.0-only */
#include <stdbool.h>
#include <stdint.h>

#include "json.h"

/* The length of the valid UTF-8 sequence of 2 to 4 bytes at s (n bytes
 * left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
    uint32_t cp;

    if (s[0] < 0xc2 || s[0] > 0xf4 || n < len)
        return 0;
    cp = s[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

static void json_char(FILE *f, unsigned char ch)
{
    static const char shortcut[] = { ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n',
                                     ['\r'] = 'r', ['\t'] = 't' };

    if (ch == '"' || ch == '\\')
        fprintf(f, "\\%c", ch);
    else if (ch < sizeof(shortcut) && shortcut[ch])
        fprintf(f, "\\%c", shortcut[ch]);
    else if (ch < 0x20 || ch == 0x7f)
        fprintf(f, "\\u%04x", ch);
    else
        putc(ch, f);
}

void json_string(FILE *f, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    putc('"', f);
    while (i < n) {
        size_t len;

        if (p[i] < 0x80) {
            json_char(f, p[i++]);
            continue;
        }
        len = utf8_len(p + i, n - i);
        if (len) {
            fwrite(p + i, 1, len, f);
            i += len;
        } else {
            fputs("\\ufffd", f);
            i++;
        }
    }
    putc('"', f);
}
