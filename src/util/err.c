/*
 * err.c - the errors of the library's modules (ps_err): setting one, and
 * wording one with the file it is about.
 */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>

void ps_err_set(ps_err *e, ps_finding_code code, unsigned line, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return;
    e->code = code;
    e->line = line;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

void ps_err_where(const ps_err *e, const char *path, char *out, size_t outlen)
{
    if (e->line > 0)
        ps_msg_set(out, outlen, "%s:%u: %s", path, e->line, e->msg);
    else
        ps_msg_set(out, outlen, "%s: %s", path, e->msg);
}

void ps_msg_set(char *out, size_t outlen, const char *fmt, ...)
{
    va_list ap;

    if (out == NULL || outlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(out, outlen, fmt, ap);
    va_end(ap);
}
