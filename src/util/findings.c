/*
 * findings.c - the finding list, and the one table of codes and severities.
 */
#include "findings.h"
#include "escape.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    ps_severity severity;
} codes[PS_F__COUNT] = {
#define PS_X_ROW(e, s, v) [PS_F_##e] = {s, v},
    PS_FINDING_CODES(PS_X_ROW)
#undef PS_X_ROW
};

const char *ps_finding_code_name(ps_finding_code code)
{
    return (unsigned)code < PS_F__COUNT ? codes[code].name : "unknown";
}

ps_severity ps_finding_code_severity(ps_finding_code code)
{
    return (unsigned)code < PS_F__COUNT ? codes[code].severity : PS_SEV_ERROR;
}

const char *ps_severity_name(ps_severity sev)
{
    switch (sev) {
    case PS_SEV_INFO:
        return "info";
    case PS_SEV_WARNING:
        return "warning";
    case PS_SEV_ERROR:
        return "error";
    }
    return "error";
}

const char *ps_container_name(ps_container c)
{
    return c == PS_CONTAINER_CAB ? "cab" : "msu";
}

int ps_findings_addv(ps_findings *f, ps_finding_code code, const ps_where *where,
                     const char *fmt, va_list ap)
{
    ps_finding *it;
    static const ps_where none = {0};

    if (where == NULL)
        where = &none;
    if (f->count == f->cap) {
        ps_finding *n = ps_grow(f->items, &f->cap, f->count + 1, sizeof *n, 16);

        if (n == NULL)
            return -1;
        f->items = n;
    }
    it = &f->items[f->count];
    memset(it, 0, sizeof *it);
    it->code = code;
    it->severity = ps_finding_code_severity(code);
    it->arch = where->arch;
    it->line = where->line;
    it->message = ps_vasprintf(fmt, ap);
    if (it->message == NULL || ps_set_str(&it->os, where->os) || ps_set_str(&it->kb, where->kb) ||
        ps_set_str(&it->file, where->file) || ps_set_str(&it->member, where->member)) {
        ps_finding_clear(it);
        return -1;
    }
    f->count++;
    return 0;
}

int ps_findings_add(ps_findings *f, ps_finding_code code, const ps_where *where,
                    const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = ps_findings_addv(f, code, where, fmt, ap);
    va_end(ap);
    return r;
}

int ps_findings_max_severity(const ps_findings *f)
{
    int max = -1;

    for (size_t i = 0; i < f->count; i++)
        if ((int)f->items[i].severity > max)
            max = (int)f->items[i].severity;
    return max;
}

size_t ps_findings_count_code(const ps_findings *f, ps_finding_code code)
{
    size_t n = 0;

    for (size_t i = 0; i < f->count; i++)
        n += f->items[i].code == code;
    return n;
}

static int cmp_finding(const ps_finding *a, const ps_finding *b)
{
    int c;

    if ((c = ps_strcmp_null_first(a->file, b->file)) != 0)
        return c;
    if (a->arch != b->arch)
        return (int)a->arch - (int)b->arch;
    if (a->code != b->code)
        return (int)a->code - (int)b->code;
    if ((c = ps_strcmp_null_first(a->kb, b->kb)) != 0)
        return c;
    return ps_strcmp_null_first(a->message, b->message);
}

void ps_findings_sort(ps_findings *f)
{
    /* insertion sort: stable, and finding lists are short */
    for (size_t i = 1; i < f->count; i++) {
        ps_finding t = f->items[i];
        size_t j = i;

        while (j > 0 && cmp_finding(&f->items[j - 1], &t) > 0) {
            f->items[j] = f->items[j - 1];
            j--;
        }
        f->items[j] = t;
    }
}

void ps_finding_clear(ps_finding *x)
{
    free(x->os);
    free(x->kb);
    free(x->file);
    free(x->member);
    free(x->message);
    memset(x, 0, sizeof *x);
}

int ps_findings_append(ps_findings *dst, const ps_findings *src)
{
    size_t before = dst->count;

    for (size_t i = 0; i < src->count; i++) {
        const ps_finding *x = &src->items[i];
        ps_where w = {x->file, x->member, x->line, x->arch, x->os, x->kb};

        if (ps_findings_add(dst, x->code, &w, "%s", x->message) < 0) {
            while (dst->count > before)
                ps_finding_clear(&dst->items[--dst->count]);
            return -1;
        }
    }
    return 0;
}

void ps_findings_keep_arch(ps_findings *f, unsigned mask)
{
    size_t j = 0;

    if (mask == 0)
        return;
    for (size_t i = 0; i < f->count; i++) {
        ps_finding *it = &f->items[i];

        if (it->arch == PS_ARCH_NONE || (mask & PS_ARCH_BIT(it->arch)))
            f->items[j++] = *it;
        else
            ps_finding_clear(it);
    }
    f->count = j;
}

void ps_findings_free(ps_findings *f)
{
    for (size_t i = 0; i < f->count; i++)
        ps_finding_clear(&f->items[i]);
    free(f->items);
    f->items = NULL;
    f->count = f->cap = 0;
}

void ps_findings_render_text(ps_buf *b, const ps_findings *f)
{
    ps_findings_render_text_color(b, f, 0);
}

void ps_findings_render_text_color(ps_buf *b, const ps_findings *f, int color)
{
    static const char *const sev_color[] = {"\033[36m", "\033[33m", "\033[1;31m"};

    for (size_t i = 0; i < f->count; i++) {
        const ps_finding *it = &f->items[i];

        if (it->file)
            ps_esc_printf(b, ps_esc_text, "%s: ", it->file);
        if (it->member && it->line)
            ps_esc_printf(b, ps_esc_text, "%s:%u: ", it->member, it->line);
        else if (it->member)
            ps_esc_printf(b, ps_esc_text, "%s: ", it->member);
        else if (it->line)
            ps_esc_printf(b, ps_esc_text, "line %u: ", it->line);
        if (color && (unsigned)it->severity <= PS_SEV_ERROR)
        {
            /* the colour is the template's; the names go through the escaper */
            ps_buf_puts(b, sev_color[it->severity]);
            ps_esc_printf(b, ps_esc_text, "%s", ps_severity_name(it->severity));
            ps_buf_puts(b, "\033[0m");
            ps_esc_printf(b, ps_esc_text, ": %s", ps_finding_code_name(it->code));
        } else
            ps_esc_printf(b, ps_esc_text, "%s: %s", ps_severity_name(it->severity),
                          ps_finding_code_name(it->code));
        if (it->arch != PS_ARCH_NONE)
            ps_esc_printf(b, ps_esc_text, " [%s]", ps_arch_name(it->arch));
        if (it->waived)
            ps_buf_puts(b, " (waived)");
        ps_esc_printf(b, ps_esc_text, ": %s\n", it->message);
    }
}
