/*
 * csv.c - RFC 4180 records with line numbers and a caller-given field cap
 * (csv.h).
 */
#include "csv.h"

#include <string.h>

static int oom(ps_err *err)
{
    ps_err_fail(err, PS_E_OOM, 0, "out of memory");
    return -1;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

const char *ps_csv_trim(const char *s, size_t *n)
{
    while (*n > 0 && (is_blank(*s) || *s == '\r'))
        s++, (*n)--;
    while (*n > 0 && (is_blank(s[*n - 1]) || s[*n - 1] == '\r'))
        (*n)--;
    return s;
}

int ps_csv_field_is(const char *field, const char *name)
{
    size_t n = strlen(field), m = strlen(name);

    field = ps_csv_trim(field, &n);
    if (n != m)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char a = field[i], b = name[i];

        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

void ps_csv_init(ps_csv *c, const char *p, const char *end, unsigned line, size_t *off,
                 size_t max_fields)
{
    memset(c, 0, sizeof *c);
    c->p = p;
    c->end = end;
    c->line = line;
    c->off = off;
    c->max_fields = max_fields;
}

void ps_csv_free(ps_csv *c)
{
    ps_buf_free(&c->rec);
    c->n = 0;
}

static int csv_put(ps_csv *c, const char *s, size_t n, ps_err *err)
{
    return ps_buf_append(&c->rec, s, n) < 0 ? oom(err) : 0;
}

/* A quoted field; c->p is past the opening quote. */
static int csv_quoted(ps_csv *c, ps_err *err)
{
    unsigned opened = c->line;

    for (;;) {
        const char *s = c->p;
        const char *q = memchr(s, '"', (size_t)(c->end - s));

        if (q == NULL) {
            ps_err_fail(err, PS_E_FORMAT, opened,
                       "quoted field not closed before the end of the file");
            return -1;
        }
        for (const char *t = s; t < q; t++)
            if (*t == '\n')
                c->line++;
        if (csv_put(c, s, (size_t)(q - s), err) < 0)
            return -1;
        c->p = q + 1;
        if (c->p < c->end && *c->p == '"') {
            if (csv_put(c, "\"", 1, err) < 0)
                return -1;
            c->p++;
            continue;
        }
        break;
    }
    /* CRs before the end of the line belong to the line end */
    {
        const char *t = c->p;

        while (t < c->end && *t == '\r')
            t++;
        if (t == c->end || *t == '\n')
            c->p = t;
    }
    if (c->p < c->end && *c->p != ',' && *c->p != '\n') {
        ps_err_fail(err, PS_E_FORMAT, c->line,
                   "text after the closing quote of a field");
        return -1;
    }
    return 0;
}

/* An unquoted field: up to a comma or the end of the line. */
static int csv_plain(ps_csv *c, int *blank, ps_err *err)
{
    const char *s = c->p;
    size_t n;

    while (c->p < c->end && *c->p != ',' && *c->p != '\n')
        c->p++;
    n = (size_t)(c->p - s);
    if (c->p == c->end || *c->p == '\n')
        while (n > 0 && s[n - 1] == '\r')
            n--;
    for (size_t i = 0; i < n; i++)
        if (!is_blank(s[i]))
            *blank = 0;
    return csv_put(c, s, n, err);
}

/* One record: 1, or 0 for a blank line, -1 on error. */
static int csv_record(ps_csv *c, ps_err *err)
{
    int blank = 1;

    c->rec.len = 0;
    c->n = 0;
    c->rec_line = c->line;
    for (;;) {
        if (c->n == c->max_fields) {
            ps_err_fail(err, PS_E_LIMIT, c->rec_line, "more than %zu fields in a record",
                       c->max_fields);
            return -1;
        }
        c->off[c->n++] = c->rec.len;
        if (c->p < c->end && *c->p == '"') {
            blank = 0;
            c->p++;
            if (csv_quoted(c, err) < 0)
                return -1;
        } else if (csv_plain(c, &blank, err) < 0) {
            return -1;
        }
        if (csv_put(c, "", 1, err) < 0)
            return -1;
        if (c->p < c->end && *c->p == ',') {
            blank = 0;
            c->p++;
            continue;
        }
        if (c->p < c->end) { /* '\n' */
            c->p++;
            c->line++;
        }
        return blank ? 0 : 1;
    }
}

/* The next non-blank record: 1, 0 at the end of the text, -1 on error. */
int ps_csv_next(ps_csv *c, ps_err *err)
{
    while (c->p < c->end) {
        int r = csv_record(c, err);

        if (r != 0)
            return r;
    }
    return 0;
}

const char *ps_csv_field(const ps_csv *c, size_t i)
{
    return c->rec.data + c->off[i];
}

/* Index of the column named name in the current record, or -1. */
long ps_csv_column(const ps_csv *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (ps_csv_field_is(ps_csv_field(c, i), name))
            return (long)i;
    return -1;
}
