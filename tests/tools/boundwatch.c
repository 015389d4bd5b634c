/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * boundwatch DIR BASE LIMIT COPIES [INTERVAL_MS]: samples the files BASE,
 * BASE.1 .. BASE.COPIES in DIR until SIGTERM/SIGINT and checks the bound
 * LIMIT * (COPIES + 1) and that no file exceeds LIMIT and no BASE.(COPIES+1)
 * exists. A sample counts only if no rename happened while it was taken
 * (same inode under every name before and after), so a rotation in the
 * middle of a sample cannot make a false alarm: a counted sample is never
 * more than the real total at the moment it ended.
 * Prints "samples S max_total M violations V" and exits 1 on a violation.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAXC 100

static volatile sig_atomic_t stop;

static void on_sig(int s)
{
    (void)s;
    stop = 1;
}

static ino_t ino_of(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? st.st_ino : 0;
}

int main(int argc, char **argv)
{
    char names[MAXC + 2][4096];
    ino_t ino[MAXC + 2];
    unsigned long long limit, samples = 0, maxt = 0, viol = 0, skipped = 0;
    unsigned copies, i, interval;

    if (argc < 5) {
        fputs("usage: boundwatch DIR BASE LIMIT COPIES [INTERVAL_MS]\n", stderr);
        return 100;
    }
    limit = strtoull(argv[3], NULL, 10);
    copies = (unsigned)strtoul(argv[4], NULL, 10);
    interval = argc > 5 ? (unsigned)strtoul(argv[5], NULL, 10) : 5;
    if (copies > MAXC)
        return 100;
    for (i = 0; i <= copies + 1; i++) {
        if (i == 0)
            snprintf(names[i], sizeof(names[i]), "%s/%s", argv[1], argv[2]);
        else
            snprintf(names[i], sizeof(names[i]), "%s/%s.%u", argv[1], argv[2], i);
    }
    signal(SIGTERM, on_sig);
    signal(SIGINT, on_sig);
    while (!stop) {
        unsigned long long total = 0, big = 0;
        int changed = 0;
        struct stat st;

        for (i = 0; i <= copies; i++)
            ino[i] = ino_of(names[i]);
        for (i = 0; i <= copies; i++) {
            if (stat(names[i], &st) < 0)
                continue;
            if (st.st_ino != ino[i])
                changed = 1;
            total += (unsigned long long)st.st_size;
            if ((unsigned long long)st.st_size > big)
                big = (unsigned long long)st.st_size;
        }
        for (i = 0; i <= copies; i++)
            if (ino_of(names[i]) != ino[i])
                changed = 1;
        if (changed) {
            skipped++;
        } else {
            samples++;
            if (total > maxt)
                maxt = total;
            if (total > limit * (copies + 1ULL) || big > limit) {
                if (viol++ < 5)
                    fprintf(stderr, "boundwatch: total %llu, largest file %llu\n", total, big);
            }
        }
        if (access(names[copies + 1], F_OK) == 0) {
            if (viol++ < 5)
                fprintf(stderr, "boundwatch: %s exists\n", names[copies + 1]);
        }
        usleep(interval * 1000);
    }
    printf("samples %llu skipped %llu max_total %llu violations %llu\n", samples, skipped,
           maxt, viol);
    return viol ? 1 : 0;
}
