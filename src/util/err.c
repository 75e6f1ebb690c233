/*
 * err.c - the errors of the library's modules (ps_err): setting one (a
 * package parser's, which becomes a finding, or one that is none), and
 * wording one with the file it is about.
 */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void err_vset(ps_err *e, ps_error_code error, ps_finding_code finding, unsigned line,
                     const char *fmt, va_list ap) PS_PRINTF(5, 0);

static void err_vset(ps_err *e, ps_error_code error, ps_finding_code finding, unsigned line,
                     const char *fmt, va_list ap)
{
    e->error = error;
    e->finding = finding;
    e->line = line;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

void ps_err_set(ps_err *e, ps_finding_code finding, unsigned line, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return;
    va_start(ap, fmt);
    err_vset(e, finding == PS_F_UNSAFE_INPUT ? PS_E_LIMIT : PS_E_FORMAT, finding, line, fmt, ap);
    va_end(ap);
}

void ps_err_fail(ps_err *e, ps_error_code error, unsigned line, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return;
    va_start(ap, fmt);
    err_vset(e, error, PS_ERR_NO_FINDING, line, fmt, ap);
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

void ps_msg_line(char *dst, size_t n, const char *src, const char *fallback, bool flatten)
{
    size_t len;

    snprintf(dst, n, "%s", src ? src : fallback);
    len = strlen(dst);
    while (len > 0 && (dst[len - 1] == '\n' || dst[len - 1] == '\r' || dst[len - 1] == ' '))
        dst[--len] = '\0';
    if (!flatten)
        return;
    for (char *p = dst; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
}
