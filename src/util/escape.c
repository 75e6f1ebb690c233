/*
 * escape.c - one escaper per output format (see escape.h).
 */
#include "escape.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t ps_utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
    unsigned long c;
    size_t len, i;

    if (n == 0) {
        *cp = 0;
        return 0;
    }
    c = s[0];
    *cp = c;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        c &= 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static int put(ps_buf *b, const char *s, size_t n)
{
    return ps_buf_append(b, s, n) < 0 ? -1 : 0;
}

static int puts_(ps_buf *b, const char *s)
{
    return put(b, s, strlen(s));
}

/* prefix, then v as upper-case hex of at least `digits` digits */
static int put_hex(ps_buf *b, const char *prefix, unsigned long v, int digits)
{
    static const char hex[] = "0123456789ABCDEF";
    char tmp[16];
    int n = 0;

    v &= 0x1FFFFF;
    while (n < digits || (v >> (4 * n)) != 0)
        n++;
    for (int i = 0; i < n; i++)
        tmp[i] = hex[(v >> (4 * (n - 1 - i))) & 0xF];
    if (puts_(b, prefix) < 0)
        return -1;
    return put(b, tmp, (size_t)n);
}

/* Characters that terminal text shows as an escape (beyond C0 and DEL). */
static int invisible_or_break(unsigned long cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0x200E || cp == 0x200F || cp == 0x061C || cp == 0xFEFF || cp == 0xFFFE ||
           cp == 0xFFFF;
}

/* The visible escape of a control / invisible character or invalid byte,
 * with the backslash written as `bs`. */
static int visible(ps_buf *b, const char *bs, unsigned long cp, int invalid_byte)
{
    if (puts_(b, bs) < 0)
        return -1;
    if (invalid_byte || cp < 0x80) {
        switch (cp) {
        case '\n':
            if (!invalid_byte)
                return puts_(b, "n");
            break;
        case '\r':
            if (!invalid_byte)
                return puts_(b, "r");
            break;
        case '\t':
            if (!invalid_byte)
                return puts_(b, "t");
            break;
        default:
            break;
        }
        return put_hex(b, "x", cp, 2);
    }
    return put_hex(b, "u", cp, 4);
}

/*
 * The walk the backslash escapers share (text, md, dot): an invalid byte,
 * a control or an invisible character becomes a visible escape with the
 * backslash written as `bs`; every other character goes to the format's
 * rule, which writes it its own way (1), or has it copied as it is (0),
 * or fails (-1).  w->i is the offset of the character in the value.
 */
typedef struct walk {
    const unsigned char *p;
    size_t n, i;
} walk;

typedef int (*char_rule)(ps_buf *b, const walk *w, unsigned long cp);

static int visible_walk(ps_buf *b, const char *s, const char *bs, char_rule rule)
{
    walk w = {(const unsigned char *)s, s ? strlen(s) : 0, 0};

    while (w.i < w.n) {
        unsigned long cp;
        size_t l = ps_utf8_decode(w.p + w.i, w.n - w.i, &cp);
        int r;

        if (l == 0) {
            r = visible(b, bs, w.p[w.i], 1);
            l = 1;
        } else if (cp < 0x20 || cp == 0x7F || invisible_or_break(cp)) {
            r = visible(b, bs, cp, 0);
        } else {
            r = rule ? rule(b, &w, cp) : 0;
            if (r == 0)
                r = put(b, s + w.i, l);
        }
        if (r < 0)
            return -1;
        w.i += l;
    }
    return 0;
}

/* The character cp behind a backslash. */
static int backslashed(ps_buf *b, unsigned long cp)
{
    char e[2] = {'\\', (char)cp};

    return put(b, e, 2) < 0 ? -1 : 1;
}

int ps_esc_text(ps_buf *b, const char *s)
{
    return visible_walk(b, s, "\\", NULL);
}

/* Markdown: its punctuation behind a backslash; a value may begin a line,
 * so a list marker, a quote or a heading at its start is escaped, and a
 * leading space (it could make a code block) kept visible. */
static int md_rule(ps_buf *b, const walk *w, unsigned long cp)
{
    size_t digits = 0;

    if (cp < 0x80 && strchr("\\`*_{}[]<>#|~&!", (int)cp) != NULL)
        return backslashed(b, cp);
    if ((cp == '-' || cp == '+' || cp == '=') && w->i == 0)
        return backslashed(b, cp);
    if (cp == '.' || cp == ')') {
        while (digits < w->n && w->p[digits] >= '0' && w->p[digits] <= '9')
            digits++;
        if (digits > 0 && w->i == digits &&
            (w->i + 1 == w->n || w->p[w->i + 1] == ' ' || w->p[w->i + 1] == '\t'))
            return backslashed(b, cp);
    }
    if (cp == ' ' && w->i == 0)
        return puts_(b, "&#32;") < 0 ? -1 : 1;
    return 0;
}

int ps_esc_md(ps_buf *b, const char *s)
{
    return visible_walk(b, s, "\\\\", md_rule);
}

/* DOT: '"' and '\' behind a backslash. */
static int dot_rule(ps_buf *b, const walk *w, unsigned long cp)
{
    (void)w;
    return cp == '"' || cp == '\\' ? backslashed(b, cp) : 0;
}

int ps_esc_dot(ps_buf *b, const char *s)
{
    return visible_walk(b, s, "\\\\", dot_rule);
}

static int xml_allowed(unsigned long cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

static int markup(ps_buf *b, const char *s, int html)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = s ? strlen(s) : 0, i = 0;

    while (i < n) {
        unsigned long cp;
        size_t l = ps_utf8_decode(p + i, n - i, &cp);
        const char *rep = NULL;

        if (l == 0) {
            rep = "\xEF\xBF\xBD";
            l = 1;
        } else if (!xml_allowed(cp) || (html && (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)))) {
            rep = "\xEF\xBF\xBD";
        } else {
            switch (cp) {
            case '&': rep = "&amp;"; break;
            case '<': rep = "&lt;"; break;
            case '>': rep = "&gt;"; break;
            case '"': rep = "&quot;"; break;
            case '\'': rep = "&#39;"; break;
            case '\t': rep = "&#9;"; break;
            case '\n': rep = "&#10;"; break;
            case '\r': rep = "&#13;"; break;
            default: break;
            }
        }
        if (rep ? puts_(b, rep) < 0 : put(b, s + i, l) < 0)
            return -1;
        i += l;
    }
    return 0;
}

int ps_esc_xml(ps_buf *b, const char *s)
{
    return markup(b, s, 0);
}

int ps_esc_html(ps_buf *b, const char *s)
{
    return markup(b, s, 1);
}

int ps_esc_yaml(ps_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = s ? strlen(s) : 0, i = 0;

    while (i < n) {
        unsigned long cp;
        size_t l = ps_utf8_decode(p + i, n - i, &cp);
        int r;

        if (l == 0) {
            r = puts_(b, "\\uFFFD");
            l = 1;
        } else if (cp == '"' || cp == '\\') {
            char e[2] = {'\\', (char)cp};

            r = put(b, e, 2);
        } else if (cp == '\n') {
            r = puts_(b, "\\n");
        } else if (cp == '\t') {
            r = puts_(b, "\\t");
        } else if (cp == '\r') {
            r = puts_(b, "\\r");
        } else if (cp < 0x20 || cp == 0x7F) {
            r = put_hex(b, "\\x", cp, 2);
        } else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0xFEFF || !xml_allowed(cp) ||
                   invisible_or_break(cp)) {
            r = put_hex(b, "\\u", cp, 4);
        } else {
            r = put(b, s + i, l);
        }
        if (r < 0)
            return -1;
        i += l;
    }
    return 0;
}

int ps_esc_ansible(ps_buf *b, const char *s)
{
    if (puts_(b, "!unsafe \"") < 0 || ps_esc_yaml(b, s) != 0 || puts_(b, "\"") < 0)
        return -1;
    return 0;
}

/* A literal of a script line: 1 to PS_CMD_LINE_MAX / 2 bytes. */
static int literal_len_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    return n > 0 && n <= PS_CMD_LINE_MAX / 2;
}

/* The bytes cmd.exe takes in an unquoted word: [A-Za-z0-9._+-]. */
static int cmd_word_byte(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '+' || c == '-';
}

/* The bytes cmd.exe takes inside "...": printable ASCII but for the quote,
 * the expansions and the escape ('"', '%', '!', '^'). */
static int cmd_quoted_byte(unsigned char c)
{
    return c >= 0x20 && c < 0x7F && strchr("\"%!^", c) == NULL;
}

/* s as it is when its length is right and every byte passes `ok`; else
 * PS_ESC_REFUSED, and nothing is appended. */
static int cmd_literal(ps_buf *b, const char *s, int (*ok)(unsigned char c))
{
    if (!literal_len_ok(s))
        return PS_ESC_REFUSED;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!ok(*p))
            return PS_ESC_REFUSED;
    return puts_(b, s);
}

int ps_esc_cmd_word(ps_buf *b, const char *s)
{
    return cmd_literal(b, s, cmd_word_byte);
}

int ps_esc_cmd_quoted(ps_buf *b, const char *s)
{
    return cmd_literal(b, s, cmd_quoted_byte);
}

bool ps_cmd_lines_ok(const char *text, size_t len)
{
    size_t col = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c == '\n') {
            col = 0;
        } else if (c == '\r') {
            if (i + 1 >= len || text[i + 1] != '\n')
                return false;
        } else if (c == '\0') {
            return false;
        } else if (++col > PS_CMD_LINE_MAX) {
            return false;
        }
    }
    return true;
}

int ps_esc_ps1_sq(ps_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = s ? strlen(s) : 0, i = 0, start;

    if (!literal_len_ok(s) || strstr(s, "$(") != NULL)
        return PS_ESC_REFUSED;
    /* check first, so that a refused value appends nothing */
    while (i < n) {
        unsigned long cp;
        size_t l = ps_utf8_decode(p + i, n - i, &cp);

        if (l == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 ||
            cp == 0x2029 || invisible_or_break(cp))
            return PS_ESC_REFUSED;
        i += l;
    }
    start = b->len;
    for (i = 0; i < n;) {
        unsigned long cp;
        size_t l = ps_utf8_decode(p + i, n - i, &cp);
        int r;

        if (cp == '\'' || (cp >= 0x2018 && cp <= 0x201B))
            r = puts_(b, "''");
        else
            r = put(b, s + i, l);
        if (r < 0) {
            b->len = start;
            if (b->data)
                b->data[start] = '\0';
            return -1;
        }
        i += l;
    }
    return 0;
}

/* One printf conversion other than %s and %%, formatted by snprintf. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
static int one_conv(ps_buf *b, const char *spec, char len, char conv, va_list *ap, int star,
                    int starval)
{
    char tmp[512];
    int n = -1;

#define PS_CONV(T) \
    (star ? snprintf(tmp, sizeof tmp, spec, starval, va_arg(*ap, T)) \
          : snprintf(tmp, sizeof tmp, spec, va_arg(*ap, T)))
    switch (conv) {
    case 'd':
    case 'i':
        n = len == 'l' ? PS_CONV(long) : len == 'L' ? PS_CONV(long long) : len == 'z' ? PS_CONV(ptrdiff_t)
            : len == 'j' ? PS_CONV(intmax_t) : len == 't' ? PS_CONV(ptrdiff_t) : PS_CONV(int);
        break;
    case 'u':
    case 'o':
    case 'x':
    case 'X':
        n = len == 'l' ? PS_CONV(unsigned long) : len == 'L' ? PS_CONV(unsigned long long)
            : len == 'z' ? PS_CONV(size_t) : len == 'j' ? PS_CONV(uintmax_t)
            : len == 't' ? PS_CONV(ptrdiff_t) : PS_CONV(unsigned);
        break;
    case 'c':
        n = PS_CONV(int);
        break;
    case 'p':
        n = PS_CONV(void *);
        break;
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
        n = PS_CONV(double);
        break;
    default:
        return -1;
    }
#undef PS_CONV
    if (n < 0)
        return -1;
    return put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

int ps_esc_vprintf(ps_buf *b, int (*esc)(ps_buf *, const char *), const char *fmt, va_list ap)
{
    va_list cp;
    int rc = 0;

    va_copy(cp, ap);
    while (*fmt && rc == 0) {
        const char *pct = strchr(fmt, '%');
        char spec[32];
        size_t sl = 0;
        int left = 0, width = -1, prec = -1, star = 0, starval = 0;
        char len = 0;

        if (pct == NULL) {
            rc = puts_(b, fmt);
            break;
        }
        if (pct > fmt && put(b, fmt, (size_t)(pct - fmt)) < 0) {
            rc = -1;
            break;
        }
        fmt = pct + 1;
        if (*fmt == '%') {
            rc = put(b, "%", 1);
            fmt++;
            continue;
        }
        spec[sl++] = '%';
        while (*fmt && strchr("-+ #0", *fmt) && sl < 8) {
            left |= *fmt == '-';
            spec[sl++] = *fmt++;
        }
        if (*fmt == '*') {
            star = 1;
            starval = va_arg(cp, int);
            width = starval;
            spec[sl++] = *fmt++;
        } else if (*fmt >= '0' && *fmt <= '9') {
            width = 0;
            while (*fmt >= '0' && *fmt <= '9' && sl < 16) {
                width = width * 10 + (*fmt - '0');
                spec[sl++] = *fmt++;
            }
        }
        if (*fmt == '.') {
            spec[sl++] = *fmt++;
            prec = 0;
            while (*fmt >= '0' && *fmt <= '9' && sl < 24) {
                prec = prec * 10 + (*fmt - '0');
                spec[sl++] = *fmt++;
            }
        }
        if (*fmt == 'h') {
            spec[sl++] = *fmt++;
            if (*fmt == 'h')
                spec[sl++] = *fmt++;
        } else if (*fmt == 'l') {
            spec[sl++] = *fmt++;
            len = 'l';
            if (*fmt == 'l') {
                spec[sl++] = *fmt++;
                len = 'L';
            }
        } else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't') {
            len = *fmt;
            spec[sl++] = *fmt++;
        }
        if (*fmt == '\0') {
            rc = -1;
            break;
        }
        spec[sl++] = *fmt;
        spec[sl] = '\0';
        if (*fmt == 's') {
            const char *v = va_arg(cp, const char *);
            ps_buf e = {0};
            char *cut = NULL;
            size_t pad;

            if (v == NULL)
                v = "(null)";
            if (prec >= 0 && strlen(v) > (size_t)prec) {
                cut = ps_strndup(v, (size_t)prec);
                if (cut == NULL) {
                    ps_buf_fail(b);
                    rc = -1;
                    break;
                }
                v = cut;
            }
            pad = width > 0 && strlen(v) < (size_t)width ? (size_t)width - strlen(v) : 0;
            e.max = b->max;
            if (esc(&e, v) < 0)
                rc = -1;
            if (e.failed)
                ps_buf_fail(b); /* out of memory: the document is not whole */
            for (size_t i = 0; rc == 0 && !left && i < pad; i++)
                rc = put(b, " ", 1);
            if (rc == 0 && e.data)
                rc = put(b, e.data, e.len);
            for (size_t i = 0; rc == 0 && left && i < pad; i++)
                rc = put(b, " ", 1);
            ps_buf_free(&e);
            free(cut);
        } else {
            rc = one_conv(b, spec, len, *fmt, &cp, star, starval);
        }
        fmt++;
    }
    va_end(cp);
    return rc;
}

int ps_esc_printf(ps_buf *b, int (*esc)(ps_buf *, const char *), const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = ps_esc_vprintf(b, esc, fmt, ap);
    va_end(ap);
    return rc;
}
