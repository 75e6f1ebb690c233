/*
 * window.c - the time model (its defaults, its file format and reading
 * that file, the estimate of one install) and the maintenance windows a plan is cut into.
 */
#include "plan.h"
#include "plan_int.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ps_time_model_default(ps_time_model *m)
{
    m->servicing_stack = 5 * 60;
    m->sha2_support = 5 * 60;
    m->licensing = 3 * 60;
    m->rollup = 20 * 60;
    m->security_only = 15 * 60;
    m->other = 8 * 60;
    m->optional = 8 * 60;
    m->per_mib = 3;
    m->reboot = 4 * 60;
}

static unsigned *time_model_field(ps_time_model *m, const char *name, size_t n)
{
    static const struct {
        const char *name;
        size_t off;
    } fields[] = {
        {"servicing-stack", offsetof(ps_time_model, servicing_stack)},
        {"sha2-support", offsetof(ps_time_model, sha2_support)},
        {"licensing", offsetof(ps_time_model, licensing)},
        {"rollup", offsetof(ps_time_model, rollup)},
        {"security-only", offsetof(ps_time_model, security_only)},
        {"other", offsetof(ps_time_model, other)},
        {"optional", offsetof(ps_time_model, optional)},
        {"per-mib", offsetof(ps_time_model, per_mib)},
        {"reboot", offsetof(ps_time_model, reboot)},
    };

    for (size_t i = 0; i < PS_ARRAY_LEN(fields); i++)
        if (strlen(fields[i].name) == n && memcmp(fields[i].name, name, n) == 0)
            return (unsigned *)(void *)((char *)m + fields[i].off);
    return NULL;
}

/* "12", "0.05", "7.5" minutes -> seconds (rounded); -1 when not a number
 * or above 10000 minutes. */
static long minutes_to_seconds(const char *s, size_t n)
{
    unsigned long whole = 0, frac = 0, scale = 100;
    size_t i = 0, digits = 0;

    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
        whole = whole * 10 + (unsigned long)(s[i] - '0');
        if (whole > 10000)
            return -1;
    }
    if (i < n && s[i] == '.') {
        size_t fd = 0;

        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, fd++) {
            if (fd >= 2)
                return -1;
            scale /= 10;
            frac += (unsigned long)(s[i] - '0') * scale;
        }
        if (fd == 0)
            return -1;
        digits += fd;
    }
    if (i != n || digits == 0)
        return -1;
    return (long)(whole * 60 + (frac * 60 + 50) / 100);
}

int ps_time_model_parse(ps_time_model *m, const char *text, size_t len, char *err, size_t errlen)
{
    size_t pos = 0;
    unsigned line = 0;

    while (pos < len) {
        size_t end = pos, a, b, eq;
        unsigned *field;
        long secs;

        while (end < len && text[end] != '\n')
            end++;
        line++;
        a = pos;
        b = end;
        pos = end + 1;
        for (size_t i = a; i < b; i++)
            if (text[i] == '#') {
                b = i;
                break;
            }
        while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r'))
            a++;
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
            b--;
        if (a == b)
            continue;
        for (eq = a; eq < b && text[eq] != '='; eq++)
            ;
        if (eq == b) {
            snprintf(err, errlen, "line %u: expected 'name = minutes'", line);
            return -1;
        }
        {
            size_t ne = eq, vs = eq + 1;

            while (ne > a && (text[ne - 1] == ' ' || text[ne - 1] == '\t'))
                ne--;
            while (vs < b && (text[vs] == ' ' || text[vs] == '\t'))
                vs++;
            field = time_model_field(m, text + a, ne - a);
            if (field == NULL) {
                snprintf(err, errlen, "line %u: unknown name '%.*s' (servicing-stack, "
                         "sha2-support, licensing, rollup, security-only, other, optional, "
                         "per-mib, reboot)", line, (int)(ne - a > 40 ? 40 : ne - a), text + a);
                return -1;
            }
            secs = minutes_to_seconds(text + vs, b - vs);
            if (secs < 0) {
                snprintf(err, errlen, "line %u: '%.*s' is not a number of minutes (0 to "
                         "10000, at most two decimals)", line, (int)(b - vs > 40 ? 40 : b - vs),
                         text + vs);
                return -1;
            }
            *field = (unsigned)secs;
        }
    }
    return 0;
}

int ps_time_model_load(ps_time_model *m, const char *path, char *err, size_t errlen)
{
    char why[256], msg[256];
    char *text;
    size_t len;
    int rc = -1;

    switch (ps_read_file(path, PS_TIME_MODEL_MAX_BYTES, 0, &text, &len, why, sizeof why, NULL)) {
    case PS_READ_OK:
        break;
    case PS_READ_OPEN:
    case PS_READ_NOT_REGULAR:
        snprintf(err, errlen, "%s: cannot open the time model: %s", path, why);
        return -1;
    case PS_READ_TOO_LARGE:
        snprintf(err, errlen, "%s: larger than %u bytes", path, PS_TIME_MODEL_MAX_BYTES);
        return -1;
    case PS_READ_IO:
        snprintf(err, errlen, "%s: read error", path);
        return -1;
    default:
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (ps_time_model_parse(m, text, len, msg, sizeof msg) != 0)
        snprintf(err, errlen, "%s: %s", path, msg);
    else
        rc = 0;
    free(text);
    return rc;
}

unsigned long ps_time_model_install(const ps_time_model *m, const char *phase, uint64_t size)
{
    ps_time_model copy = *m;
    const unsigned *base = phase ? time_model_field(&copy, phase, strlen(phase)) : NULL;
    uint64_t mib = size / (1024u * 1024u);

    if (base == NULL || base == &copy.per_mib || base == &copy.reboot)
        base = &copy.other;
    if (mib > 1000000u)
        mib = 1000000u;
    return (unsigned long)*base + (unsigned long)(mib * m->per_mib);
}

static int window_push(ps_arch_plan *ap, size_t first, size_t last, unsigned long secs,
                       int overrun)
{
    ps_plan_window *nw = ps_realloc(ap->windows, (ap->n_windows + 1) * sizeof *nw);

    if (nw == NULL)
        return -1;
    ap->windows = nw;
    nw[ap->n_windows].first = first;
    nw[ap->n_windows].last = last;
    nw[ap->n_windows].seconds = secs;
    nw[ap->n_windows].overrun = overrun;
    ap->n_windows++;
    return 0;
}

/*
 * Cuts the steps into segments that end after a reboot (or at the end),
 * then fills windows greedily with whole segments up to the length asked;
 * a segment longer than that alone gets a window of its own and a
 * window-overrun warning.
 */
int ps_plan_make_windows(ps_arch_plan *ap, const ps_plan_opts *opts, ps_findings *f)
{
    ps_time_model def;
    const ps_time_model *m = opts->time_model;
    unsigned long limit = (unsigned long)opts->window_minutes * 60ul;
    unsigned long cur = 0, seg = 0;
    size_t wfirst = 0, sfirst = 0;
    int open = 0;

    if (m == NULL) {
        ps_time_model_default(&def);
        m = &def;
    }
    ap->window_minutes = opts->window_minutes;
    for (size_t i = 0; i < ap->n_steps; i++) {
        const ps_plan_step *st = &ap->steps[i];

        if (st->action == PS_STEP_MANUAL)
            continue; /* the administrator's step: not estimated */
        if (st->action == PS_STEP_REBOOT)
            seg += m->reboot;
        else
            seg += ps_time_model_install(m, ap->nodes[st->node].phase_name,
                                         ap->nodes[st->node].pkg->size);
        if (st->action != PS_STEP_REBOOT && i + 1 < ap->n_steps)
            continue;
        /* segment sfirst..i is complete */
        if (open && cur + seg > limit) {
            if (window_push(ap, wfirst, sfirst - 1, cur, 0) != 0)
                return -1;
            open = 0;
        }
        if (!open) {
            wfirst = sfirst;
            cur = 0;
            open = 1;
        }
        cur += seg;
        if (cur > limit) { /* one segment alone, longer than a window */
            ps_where w = {NULL, NULL, 0, ap->arch, ap->os, NULL};

            if (window_push(ap, wfirst, i, cur, 1) != 0 ||
                ps_plan_why_window_overrun(f, &w, ap->n_windows, wfirst + 1, i + 1,
                                           (cur + 59) / 60, opts->window_minutes) != 0)
                return -1;
            open = 0;
        }
        sfirst = i + 1;
        seg = 0;
    }
    if (open && window_push(ap, wfirst, ap->n_steps - 1, cur, 0) != 0)
        return -1;
    return 0;
}
