/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlog's one option parser: every command describes its options in a
 * table; options may come before or after the operands (GNU getopt
 * permutation), the options every command takes are added here, and the
 * usage printed by --help and `xenlog help` is made from the same table.
 */
#ifndef XENLOG_OPTS_H
#define XENLOG_OPTS_H

#include <stdbool.h>
#include <stdio.h>

struct opt {
    const char *name;       /* long name, without "--" */
    char short_name;        /* 0: none */
    const char *arg;        /* the argument's name in the usage ("N"), NULL: a flag */
    int key;                /* passed to the command's handler */
    const char *help;       /* one line of usage */
};

struct cmd_spec {
    const char *name;       /* "list" (NULL: xenlog itself, before the command) */
    const char *synopsis;   /* after "xenlog NAME ": "[OPTIONS] [DOMAIN]" */
    const char *text;       /* what the command does (the usage's body) */
    const struct opt *opts; /* the command's own, ended by { 0 }; may be NULL */
    int min_ops, max_ops;   /* operands */
    bool rest;              /* words after max_ops operands (or after "--") are
                             * passed on, not options (run's COMMAND) */
};

/* The options every command takes (set by opts_parse). */
struct common_opts {
    const char *run_dir, *log_dir;
    int verbose;
};
extern struct common_opts common;

/* A command's option: NULL if fine, else what is wrong (a usage error). */
typedef const char *opt_fn(int key, const char *arg, void *data);

/*
 * Parses argv[1..argc): options (the command's and the common ones) into
 * fn, operands into ops[] (room for spec->max_ops). Returns the number of
 * operands; with spec->rest, *rest is the index of the first word passed
 * on (argc if none). --help prints the usage and exits 0; a usage error
 * exits XL_EXIT_USAGE with a message.
 */
int opts_parse(int argc, char **argv, const struct cmd_spec *spec, opt_fn *fn, void *data,
               const char **ops, int *rest);

/* The usage of a command, made from its table. */
void opts_usage(FILE *f, const struct cmd_spec *spec);
/* "xenlog: [NAME: ]MESSAGE" and a hint on stderr; exits XL_EXIT_USAGE. */
void opts_usage_error(const struct cmd_spec *spec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

#endif
