/*
 * util.c - strings, buffers, vectors, atomic writes.
 */
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *ps_strdup(const char *s)
{
    return s ? ps_strndup(s, strlen(s)) : NULL;
}

char *ps_strndup(const char *s, size_t n)
{
    char *r;

    if (s == NULL)
        return NULL;
    r = ps_malloc(n + 1);
    if (r == NULL)
        return NULL;
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

char *ps_vasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    char *r;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    r = ps_malloc((size_t)n + 1);
    if (r == NULL)
        return NULL;
    vsnprintf(r, (size_t)n + 1, fmt, ap);
    return r;
}

char *ps_asprintf(const char *fmt, ...)
{
    va_list ap;
    char *r;

    va_start(ap, fmt);
    r = ps_vasprintf(fmt, ap);
    va_end(ap);
    return r;
}

bool ps_streq_ci(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

bool ps_has_suffix_ci(const char *s, const char *suffix)
{
    size_t ls, lx;

    if (s == NULL || suffix == NULL)
        return false;
    ls = strlen(s);
    lx = strlen(suffix);
    return ls >= lx && ps_streq_ci(s + ls - lx, suffix);
}

bool ps_has_prefix_ci(const char *s, const char *prefix)
{
    if (s == NULL || prefix == NULL)
        return false;
    for (; *prefix; s++, prefix++)
        if (*s == '\0' || tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
            return false;
    return true;
}

int ps_set_str(char **dst, const char *src)
{
    char *c = NULL;

    if (src != NULL && (c = ps_strdup(src)) == NULL)
        return -1;
    free(*dst);
    *dst = c;
    return 0;
}

void ps_free_ptr(void *pp)
{
    void **p = pp;

    free(*p);
    *p = NULL;
}

const char *ps_basename(const char *s)
{
    const char *b = strrchr(s, '/');

    return b ? b + 1 : s;
}

static int buf_reserve(ps_buf *b, size_t extra)
{
    size_t need;
    char *d;

    if (b->failed)
        return -1;
    if (extra > SIZE_MAX - b->len - 1) {
        b->failed = 1;
        return -1;
    }
    need = b->len + extra + 1;
    if (b->max && need - 1 > b->max)
        return -2;
    if (need <= b->cap)
        return 0;
    d = ps_grow(b->data, &b->cap, need, 1, 64);
    if (d == NULL) {
        b->failed = 1;
        return -1;
    }
    b->data = d;
    return 0;
}

int ps_buf_append(ps_buf *b, const void *data, size_t len)
{
    int r = buf_reserve(b, len);

    if (r < 0)
        return r;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int ps_buf_puts(ps_buf *b, const char *s)
{
    return ps_buf_append(b, s, strlen(s));
}

int ps_buf_printf(ps_buf *b, const char *fmt, ...)
{
    va_list ap;
    char *s;
    int r;

    va_start(ap, fmt);
    s = ps_vasprintf(fmt, ap);
    va_end(ap);
    if (s == NULL) {
        b->failed = 1;
        return -1;
    }
    r = ps_buf_puts(b, s);
    free(s);
    return r;
}

void ps_buf_fail(ps_buf *b)
{
    b->failed = 1;
}

void ps_buf_free(ps_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

char *ps_buf_steal(ps_buf *b, size_t *len)
{
    char *d = b->data;

    if (b->failed) {
        /* a document missing a piece is never handed over */
        ps_buf_free(b);
        if (len)
            *len = 0;
        return NULL;
    }
    if (d == NULL)
        d = ps_strdup("");
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

int ps_strv_push(char ***v, size_t *n, const char *s)
{
    char **nv;
    char *c = ps_strdup(s);

    if (c == NULL)
        return -1;
    nv = ps_realloc(*v, (*n + 1) * sizeof **v);
    if (nv == NULL) {
        free(c);
        return -1;
    }
    nv[(*n)++] = c;
    *v = nv;
    return 0;
}

bool ps_strv_contains(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

void ps_strv_free(char ***v, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free((*v)[i]);
    free(*v);
    *v = NULL;
    *n = 0;
}

void ps_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

static int put_utf8(ps_buf *b, unsigned long cp)
{
    unsigned char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | (cp >> 6));
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | (cp >> 12));
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (unsigned char)(0xF0 | (cp >> 18));
        u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return ps_buf_append(b, u, n);
}

static unsigned long utf16_unit(const unsigned char *p, int big_endian)
{
    return big_endian ? ((unsigned long)p[0] << 8 | p[1]) : ((unsigned long)p[1] << 8 | p[0]);
}

int ps_utf16_to_utf8(const unsigned char *p, size_t len, int big_endian, ps_buf *out,
                     unsigned *line)
{
    unsigned ln = 1;

    if (len % 2 != 0)
        return -2;
    for (size_t i = 0; i < len; i += 2) {
        unsigned long c = utf16_unit(p + i, big_endian);

        if (c >= 0xD800 && c <= 0xDBFF) {
            unsigned long lo = i + 3 < len ? utf16_unit(p + i + 2, big_endian) : 0;

            if (lo < 0xDC00 || lo > 0xDFFF)
                goto bad;
            c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
            i += 2;
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
            goto bad;
        }
        if (c == '\n')
            ln++;
        if (put_utf8(out, c) != 0)
            return -1;
    }
    return 0;
bad:
    if (line)
        *line = ln;
    return -3;
}

int ps_text_utf8(const void *data, size_t len, ps_buf *conv, const char **text, size_t *tlen,
                 const char *odd, const char *surrogate, ps_finding_code finding, ps_err *err)
{
    const unsigned char *d = data;
    unsigned line = 0;

    if (len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF))) {
        switch (ps_utf16_to_utf8(d + 2, len - 2, d[0] == 0xFE, conv, &line)) {
        case 0:
            break;
        case -2:
            ps_err_set(err, finding, 0, "%s", odd);
            return -1;
        case -3:
            ps_err_set(err, finding, line, "%s", surrogate);
            return -1;
        default:
            ps_err_fail(err, PS_E_OOM, 0, "out of memory");
            return -1;
        }
        *text = conv->data != NULL ? conv->data : "";
        *tlen = conv->len;
        return 0;
    }
    *text = (const char *)d;
    *tlen = len;
    if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
        *text += 3, *tlen -= 3;
    return 0;
}

/* Damerau-Levenshtein distance (optimal string alignment), case-blind,
 * of two short words; large for long ones. */
static size_t distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b), d[33][33];

    if (n > 32 || m > 32)
        return 99;
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int ca = a[i - 1] | 0x20, cb = b[j - 1] | 0x20;
            size_t best = d[i - 1][j - 1] + (ca != cb);

            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && ca == (b[j - 2] | 0x20) && (a[i - 2] | 0x20) == cb &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

const char *ps_did_you_mean(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t bestd = 99, len = strlen(word);
    size_t limit = len <= 6 ? 1 : 2;

    for (size_t i = 0; i < n; i++) {
        size_t d = distance(word, cands[i]);

        if (d < bestd) {
            bestd = d;
            best = cands[i];
        }
    }
    return bestd <= limit ? best : NULL;
}

const char *ps_error_code_name(ps_error_code code)
{
    static const char *const names[PS_E__COUNT] = {"none", "oom", "io", "format", "limit", "usage"};

    return (unsigned)code < PS_E__COUNT ? names[code] : "unknown";
}

ps_error_code ps_error_set(ps_error *e, ps_error_code code, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return code;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return code;
}
