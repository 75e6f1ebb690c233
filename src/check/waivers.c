/*
 * waivers.c - the waivers of validate (see waivers.h).
 */
#include "waivers.h"

#include "ps_archive.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define WAIVERS_MAX_LINE 4096

static int valid_date(const char *s)
{
    int y, m, d;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return 0;
    y = atoi(s);
    m = atoi(s + 5);
    d = atoi(s + 8);
    return y >= 1970 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static ps_waiver *new_waiver(ps_waivers *w)
{
    ps_waiver *n = ps_realloc(w->items, (w->count + 1) * sizeof *n);

    if (n == NULL)
        return NULL;
    w->items = n;
    memset(&w->items[w->count], 0, sizeof *w->items);
    return &w->items[w->count++];
}

/* "CODE[:KB]" into it.  0, or -1 with err. */
static int parse_spec(ps_waiver *it, const char *spec, char *err, size_t errlen)
{
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    const char *names[PS_F__COUNT];
    char code[64];
    int found = -1;

    snprintf(code, sizeof code, "%.*s", (int)(n < 63 ? n : 63), spec);
    for (int i = 0; i < PS_F__COUNT; i++) {
        names[i] = ps_finding_code_name((ps_finding_code)i);
        if (strcmp(names[i], code) == 0)
            found = i;
    }
    if (found < 0 || n > 63) {
        const char *hint = ps_did_you_mean(code, names, PS_F__COUNT);
        ps_buf shown = {0};

        ps_ar_display_name(&shown, code);
        if (hint)
            snprintf(err, errlen, "unknown finding code '%s'; did you mean '%s'?",
                     shown.data ? shown.data : "", hint);
        else
            snprintf(err, errlen, "unknown finding code '%s'", shown.data ? shown.data : "");
        ps_buf_free(&shown);
        return -1;
    }
    it->code = (ps_finding_code)found;
    if (colon) {
        it->kb = ps_kb_normalize(colon + 1);
        if (it->kb == NULL) {
            ps_buf shown = {0};

            ps_ar_display_name(&shown, colon + 1);
            snprintf(err, errlen, "'%s' is not a KB number", shown.data ? shown.data : "");
            ps_buf_free(&shown);
            return -1;
        }
    }
    /* the text shown in findings: the code and the normalised KB */
    it->text = it->kb ? ps_asprintf("%s:%s", names[found], it->kb) : ps_strdup(names[found]);
    if (it->text == NULL)
        goto oom;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

int ps_waivers_add_spec(ps_waivers *w, const char *spec, char *err, size_t errlen)
{
    ps_waiver *it = new_waiver(w);

    if (it == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return parse_spec(it, spec, err, errlen);
}

int ps_waivers_parse(ps_waivers *w, const char *text, size_t len, const char *file, char *err,
                     size_t errlen)
{
    unsigned line = 0;
    size_t pos = 0;

    if (memchr(text, '\0', len) != NULL) {
        snprintf(err, errlen, "0: not a text file (a NUL byte)");
        return -1;
    }
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        char buf[WAIVERS_MAX_LINE + 1], *s, *hash, *spec, *rest;
        char why[256];
        ps_waiver *it;

        line++;
        if (n > WAIVERS_MAX_LINE) {
            snprintf(err, errlen, "%u: longer than %d bytes", line, WAIVERS_MAX_LINE);
            return -1;
        }
        memcpy(buf, text + pos, n);
        buf[n] = '\0';
        pos += n + (nl != NULL);
        if ((hash = strchr(buf, '#')) != NULL)
            *hash = '\0';
        for (char *t = buf + strlen(buf); t > buf && isspace((unsigned char)t[-1]); t--)
            t[-1] = '\0';
        s = buf + strspn(buf, " \t\r\f\v");
        if (*s == '\0')
            continue;
        spec = s;
        rest = spec + strcspn(spec, " \t\r\f\v");
        if (*rest)
            *rest++ = '\0';
        rest += strspn(rest, " \t\r\f\v");
        it = new_waiver(w);
        if (it == NULL || (file && (it->file = ps_strdup(file)) == NULL)) {
            snprintf(err, errlen, "%u: out of memory", line);
            return -1;
        }
        it->line = line;
        if (parse_spec(it, spec, why, sizeof why) != 0) {
            snprintf(err, errlen, "%u: %s", line, why);
            return -1;
        }
        if (strncmp(rest, "expires=", 8) == 0) {
            char *date = rest + 8;
            ps_buf shown = {0};

            rest = date + strcspn(date, " \t\r\f\v");
            if (*rest)
                *rest++ = '\0';
            rest += strspn(rest, " \t\r\f\v");
            if (!valid_date(date)) {
                ps_ar_display_name(&shown, date);
                snprintf(err, errlen, "%u: expires=%s is not a date (YYYY-MM-DD)", line,
                         shown.data ? shown.data : "");
                ps_buf_free(&shown);
                return -1;
            }
            memcpy(it->expires, date, 11);
        }
        if (*rest == '\0') {
            snprintf(err, errlen, "%u: a waiver needs a reason (CODE[:KB] "
                     "[expires=YYYY-MM-DD] REASON)", line);
            return -1;
        }
        {
            ps_buf r = {0};

            /* shown in findings: the display form of what was written */
            if (ps_ar_display_name(&r, rest) != 0 || (it->reason = ps_buf_steal(&r, NULL)) == NULL) {
                ps_buf_free(&r);
                snprintf(err, errlen, "%u: out of memory", line);
                return -1;
            }
        }
    }
    return 0;
}

int ps_waivers_apply(ps_waivers *w, ps_findings *f, const char *today)
{
    size_t nf = f->count;

    for (size_t k = 0; k < w->count; k++) {
        ps_waiver *it = &w->items[k];
        ps_where where = {it->file, NULL, it->line, PS_ARCH_NONE, NULL, it->kb};

        if (it->expires[0] && strcmp(it->expires, today) < 0) {
            if (ps_findings_add(f, PS_F_EXPIRED_WAIVER, &where,
                                "waiver '%s' expired on %s (%s): it waives nothing now; "
                                "renew it or fix what it waived", it->text, it->expires,
                                it->reason ? it->reason : "no reason given") != 0)
                return -1;
            continue;
        }
        for (size_t i = 0; i < nf; i++) {
            ps_finding *x = &f->items[i];

            if (x->code != it->code || (it->kb && (x->kb == NULL || !ps_streq_ci(x->kb, it->kb))))
                continue;
            x->waived = 1;
            it->used++;
        }
        if (it->used == 0 &&
            ps_findings_add(f, PS_F_UNUSED_WAIVER, &where,
                            "waiver '%s' matches no finding: remove it", it->text) != 0)
            return -1;
    }
    return 0;
}

void ps_waivers_free(ps_waivers *w)
{
    for (size_t i = 0; i < w->count; i++) {
        free(w->items[i].kb);
        free(w->items[i].reason);
        free(w->items[i].text);
        free(w->items[i].file);
    }
    free(w->items);
    w->items = NULL;
    w->count = 0;
}
