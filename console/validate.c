/* SPDX-License-Identifier: GPL-2.0-only */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

bool parse_id(const char *s, unsigned *out)
{
    uint64_t v;

    if (parse_decimal(s, 0, ID_MAX, &v))
        return false;
    *out = (unsigned)v;
    return true;
}

const char *path_beneath(const char *dir, const char *path, const char **rel)
{
    size_t dl = strlen(dir);
    const char *p, *comp;

    if (!path || path[0] != '/')
        return "not an absolute path";
    if (strlen(path) >= PATH_MAX)
        return "too long";
    for (p = path; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return "control character";
    if (strncmp(path, dir, dl) != 0 || path[dl] != '/' || !path[dl + 1])
        return "outside its directory";
    *rel = path + dl + 1;
    for (comp = *rel; ; ) {
        const char *end = strchr(comp, '/');
        size_t len = end ? (size_t)(end - comp) : strlen(comp);

        if (len == 0)
            return "empty path component";
        if ((len == 1 && comp[0] == '.') || (len == 2 && comp[0] == '.' && comp[1] == '.'))
            return "'.' or '..' component";
        if (!end)
            break;
        comp = end + 1;
    }
    return NULL;
}

static bool fail(char *err, size_t errlen, const char *node, const char *why)
{
    snprintf(err, errlen, "%s: %s", node, why);
    return false;
}

/* The optional on/off nodes: absent is -1 (the policy decides). */
static bool switches(const struct spec *sp, struct params *out, char *err, size_t errlen)
{
    out->timestamp = out->compress = -1;
    if (sp->timestamp && strcmp(sp->timestamp, "1") && strcmp(sp->timestamp, "0"))
        return fail(err, errlen, "timestamp", "not 0 or 1");
    if (sp->timestamp)
        out->timestamp = sp->timestamp[0] == '1';
    if (sp->compress && strcmp(sp->compress, "zstd") && strcmp(sp->compress, "none"))
        return fail(err, errlen, "compress", "not zstd or none");
    if (sp->compress)
        out->compress = sp->compress[0] == 'z';
    return true;
}

void params_free(struct params *out)
{
    free(out->strs);
    out->strs = NULL;
    out->pipe_rel = out->input_rel = out->file_dir = out->file_base = "";
}

/* The four names into one allocation. */
static bool keep_names(struct params *out, const char *pipe, const char *input,
                       const char *dir, size_t dirlen, const char *base)
{
    size_t lp = strlen(pipe) + 1, li = strlen(input) + 1, lb = strlen(base) + 1;
    char *p = malloc(lp + li + dirlen + 1 + lb);

    if (!p)
        return false;
    out->strs = p;
    out->pipe_rel = memcpy(p, pipe, lp);
    out->input_rel = memcpy(p + lp, input, li);
    memcpy(p + lp + li, dir, dirlen);
    p[lp + li + dirlen] = '\0';
    out->file_dir = p + lp + li;
    out->file_base = memcpy(p + lp + li + dirlen + 1, base, lb);
    return true;
}

static const char *file_parts(const char *rel, const char **dir, size_t *dirlen)
{
    const char *slash = strrchr(rel, '/');

    *dir = slash ? rel : ".";
    *dirlen = slash ? (size_t)(slash - rel) : 1;
    return slash ? slash + 1 : rel;
}

bool spec_validate(const struct spec *sp, const char *run_dir, const char *log_dir,
                   struct params *out, char *err, size_t errlen)
{
    const char *why, *pipe, *input = "", *rel, *dir, *base;
    size_t dirlen;
    uint64_t v;

    params_free(out);
    if (!sp->pipe)
        return fail(err, errlen, "pipe", "missing");
    if (!sp->file)
        return fail(err, errlen, "file", "missing");
    if ((why = path_beneath(run_dir, sp->pipe, &pipe)))
        return fail(err, errlen, "pipe", why);
    if (sp->input) {
        /* Checked exactly like pipe; opened the same way (beneath.c). */
        if ((why = path_beneath(run_dir, sp->input, &input)))
            return fail(err, errlen, "input", why);
        if (strcmp(input, pipe) == 0)
            return fail(err, errlen, "input", "same FIFO as pipe");
    }
    if ((why = path_beneath(log_dir, sp->file, &rel)))
        return fail(err, errlen, "file", why);
    base = file_parts(rel, &dir, &dirlen);
    if (strlen(base) > NAME_MAX_LEN)
        return fail(err, errlen, "file", "name too long");
    if (strncmp(base, RESERVED_PREFIX, strlen(RESERVED_PREFIX)) == 0)
        return fail(err, errlen, "file", "name reserved for the daemon's record");
    if (!keep_names(out, pipe, input, dir, dirlen, base))
        return fail(err, errlen, "file", "out of memory");

    out->limit = 0;
    if (sp->limit && (why = parse_decimal(sp->limit, LIMIT_MIN, LIMIT_MAX, &out->limit)))
        return fail(err, errlen, "limit", why);
    out->copies = 0;
    out->copies_set = sp->copies != NULL;
    if (sp->copies && (why = parse_decimal(sp->copies, 0, COPIES_MAX, &v)))
        return fail(err, errlen, "copies", why);
    if (sp->copies)
        out->copies = (unsigned)v;
    return switches(sp, out, err, errlen);
}
