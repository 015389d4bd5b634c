/* SPDX-License-Identifier: GPL-2.0-only */
/* xenlog's option parser (opts.h): one table per command, one loop for all. */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "opts.h"

#define MAX_OPTS 32

struct common_opts common;

enum { K_RUN_DIR = -100, K_LOG_DIR, K_VERBOSE, K_HELP, K_VERSION };

static const struct opt common_table[] = {
    { "run-dir", 0, "DIR", K_RUN_DIR,
      "FIFO directory and control socket (default: what xenlogd advertises)" },
    { "log-dir", 0, "DIR", K_LOG_DIR, "log directory (default: what xenlogd advertises)" },
    { "verbose", 'v', NULL, K_VERBOSE, "log what xenlog does on stderr" },
    { "help", 'h', NULL, K_HELP, "print this usage and exit" },
    { "version", 'V', NULL, K_VERSION, "print the version and exit" },
    { 0 },
};

static const char *cmd_word(const struct cmd_spec *spec)
{
    return spec->name ? spec->name : "";
}

void opts_usage_error(const struct cmd_spec *spec, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "xenlog: %s%s", cmd_word(spec), spec->name ? ": " : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'xenlog help%s%s' for more information.\n",
            spec->name ? " " : "", cmd_word(spec));
    exit(XL_EXIT_USAGE);
}

/* text from column `col` on, broken at spaces before column `width`. */
static void wrap(FILE *f, const char *text, int col, int width)
{
    while ((int)strlen(text) > width - col) {
        int cut = width - col;

        while (cut > 0 && text[cut] != ' ')
            cut--;
        if (cut == 0)
            break;              /* one long word: as it is */
        fprintf(f, "%.*s\n%*s", cut, text, col, "");
        text += cut + 1;
    }
    fprintf(f, "%s\n", text);
}

static void usage_table(FILE *f, const char *title, const struct opt *t)
{
    if (!t || !t->name)
        return;
    fprintf(f, "\n%s:\n", title);
    for (; t->name; t++) {
        char left[48];

        snprintf(left, sizeof(left), "%c%c%s--%s%s%s", t->short_name ? '-' : ' ',
                 t->short_name ? t->short_name : ' ', t->short_name ? ", " : "  ", t->name,
                 t->arg ? " " : "", t->arg ? t->arg : "");
        fprintf(f, "  %-22s ", left);
        wrap(f, t->help, 25, 79);
    }
}

void opts_usage(FILE *f, const struct cmd_spec *spec)
{
    fprintf(f, "Usage: xenlog%s%s %s\n\n%s", spec->name ? " " : "", cmd_word(spec),
            spec->synopsis, spec->text);
    usage_table(f, "Options", spec->opts);
    usage_table(f, spec->name ? "Options of every command" : "Options (also after the command)",
                common_table);
}

/* getopt_long's view of both tables; false if there is no room. */
static bool build(const struct opt *t, struct option *lo, size_t *nlo, char *so, size_t *nso)
{
    for (; t && t->name; t++) {
        if (*nlo + 1 >= MAX_OPTS || *nso + 3 >= MAX_OPTS * 2)
            return false;
        lo[*nlo] = (struct option){ t->name, t->arg ? required_argument : no_argument,
                                    NULL, (int)(*nlo + 1000) };
        (*nlo)++;
        if (t->short_name) {
            so[(*nso)++] = t->short_name;
            if (t->arg)
                so[(*nso)++] = ':';
        }
    }
    return true;
}

/* The table entry of what getopt_long returned. */
static const struct opt *entry(int c, const struct opt *own)
{
    const struct opt *tabs[2] = { own, common_table };
    int n = 0;

    for (int k = 0; k < 2; k++)
        for (const struct opt *t = tabs[k]; t && t->name; t++, n++)
            if (c == n + 1000 || (c < 256 && c == t->short_name))
                return t;
    return NULL;
}

static void common_option(const struct cmd_spec *spec, int key, const char *arg)
{
    switch (key) {
    case K_RUN_DIR: common.run_dir = arg; break;
    case K_LOG_DIR: common.log_dir = arg; break;
    case K_VERBOSE: common.verbose++; break;
    case K_HELP:
        opts_usage(stdout, spec);
        exit(fflush(stdout) ? XL_EXIT_FAILURE : XL_EXIT_OK);
    case K_VERSION:
        printf("xenlog %s\n", PACKAGE_VERSION);
        exit(fflush(stdout) ? XL_EXIT_FAILURE : XL_EXIT_OK);
    }
}

static void bad_option(const struct cmd_spec *spec, int c, char **argv)
{
    const char *word = argv[optind - 1];

    if (c == ':')
        opts_usage_error(spec, "option '%s' needs an argument", word);
    if (optopt && strncmp(word, "--", 2) != 0)
        opts_usage_error(spec, "unknown option '-%c'", optopt);
    opts_usage_error(spec, "unknown option '%s'", word);
}

/* The option c that getopt_long returned, to the command's fn or here. */
static void one_option(const struct cmd_spec *spec, int c, opt_fn *fn, void *data)
{
    const struct opt *t = entry(c, spec->opts);
    const char *why = t->key < 0 ? (common_option(spec, t->key, optarg), NULL)
                                 : fn(t->key, optarg, data);

    if (why)
        opts_usage_error(spec, "--%s: %s", t->name, why);
}

int opts_parse(int argc, char **argv, const struct cmd_spec *spec, opt_fn *fn, void *data,
               const char **ops, int *rest)
{
    struct option lo[MAX_OPTS];
    char so[MAX_OPTS * 2] = "+:";
    size_t nlo = 0, nso = 2;
    int nops = 0;

    if (!build(spec->opts, lo, &nlo, so, &nso) || !build(common_table, lo, &nlo, so, &nso))
        abort();                /* a table too big: a bug */
    lo[nlo] = (struct option){ 0 };
    so[nso] = '\0';
    if (rest)
        *rest = argc;
    optind = 0;                 /* GNU: start afresh */
    opterr = 0;
    for (;;) {
        int before = optind ? optind : 1;
        int c = getopt_long(argc, argv, so, lo, NULL);

        if (c == '?' || c == ':')
            bad_option(spec, c, argv);
        if (c != -1) {
            one_option(spec, c, fn, data);
            continue;
        }
        bool dashdash = optind == before + 1 && !strcmp(argv[before], "--");

        if (optind >= argc)
            break;
        if (spec->rest && (dashdash || nops == spec->max_ops)) {
            *rest = optind;
            break;
        }
        if (dashdash) {                     /* the rest are operands */
            while (optind < argc && nops < spec->max_ops)
                ops[nops++] = argv[optind++];
            if (optind < argc)
                opts_usage_error(spec, "too many operands");
            break;
        }
        if (nops == spec->max_ops)
            opts_usage_error(spec, "too many operands ('%s')", argv[optind]);
        ops[nops++] = argv[optind++];       /* and on with the options after it */
    }
    if (nops < spec->min_ops)
        opts_usage_error(spec, "missing operand (%s)", spec->synopsis);
    return nops;
}
