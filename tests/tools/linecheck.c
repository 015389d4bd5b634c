/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * linecheck SEED: reads lines from stdin and checks that they are good
 * lines of SEED with consecutive numbers. Prints
 *   "first F last L lines C gaps G lost X bad B"
 * and exits 0 only if there is no gap and no bad line.
 * Options after SEED: --allow-gaps (count gaps instead of failing),
 * --allow-repeats (whole lines written again, as after a SIGKILLed daemon:
 * counted as "repeated N", not as gaps).
 * The daemon's boot marker lines (xenlogd.conf(5) boot_marker: a stamp, then
 * "xenlogd: start of domain") are not the writer's: they are counted apart
 * ("markers N") and are neither good nor bad lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"

/* "2026-11-30T18:57:42.123Z xenlogd: start of domain ..." */
static int is_marker(const char *line)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ xenlogd: start of domain ";
    size_t i;

    for (i = 0; shape[i]; i++) {
        if (shape[i] == 'd' ? (line[i] < '0' || line[i] > '9') : line[i] != shape[i])
            return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    char *line = NULL, want[256];
    size_t cap = 0;
    ssize_t len;
    uint64_t seed, first = 0, last = 0, count = 0, gaps = 0, lost = 0, bad = 0, rep = 0;
    uint64_t markers = 0;
    int allow_gaps = 0, allow_repeats = 0, i;

    if (argc < 2) {
        fputs("usage: linecheck SEED [--allow-gaps]\n", stderr);
        return 100;
    }
    seed = strtoull(argv[1], NULL, 10);
    for (i = 2; i < argc; i++)
        if (strcmp(argv[i], "--allow-gaps") == 0)
            allow_gaps = 1;
        else if (strcmp(argv[i], "--allow-repeats") == 0)
            allow_repeats = 1;
    while ((len = getline(&line, &cap, stdin)) > 0) {
        unsigned long long s, n;
        size_t wl;

        if (is_marker(line)) {
            markers++;
            continue;
        }
        if (sscanf(line, "S%llu N%llu ", &s, &n) != 2 || s != seed) {
            if (bad++ < 5)
                fprintf(stderr, "bad line after %llu: %.60s\n", (unsigned long long)last, line);
            continue;
        }
        wl = lines_make(want, seed, n);
        if ((size_t)len != wl || memcmp(line, want, wl) != 0) {
            if (bad++ < 5)
                fprintf(stderr, "torn or corrupt line %llu\n", n);
            continue;
        }
        if (count == 0) {
            first = n;
        } else if (allow_repeats && n <= last) {
            rep++;
            count++;
            continue;
        } else if (n != last + 1) {
            if (gaps++ < 5)
                fprintf(stderr, "gap: %llu after %llu\n", n, (unsigned long long)last);
            if (n > last)
                lost += n - last - 1;
        }
        last = n;
        count++;
    }
    free(line);
    printf("first %llu last %llu lines %llu gaps %llu lost %llu bad %llu",
           (unsigned long long)first, (unsigned long long)last, (unsigned long long)count,
           (unsigned long long)gaps, (unsigned long long)lost, (unsigned long long)bad);
    if (allow_repeats)
        printf(" repeated %llu", (unsigned long long)rep);
    if (markers)
        printf(" markers %llu", (unsigned long long)markers);
    putchar('\n');
    return (bad || (gaps && !allow_gaps) || count == 0) ? 1 : 0;
}
