/*
 * props.c - <name>-pkgProperties.txt: Key="Value" lines in ASCII/UTF-8
 * (optional BOM) or UTF-16 with a BOM, CRLF or LF line ends.
 */
#include "parse.h"

#include "facts.h"

#include <stdlib.h>
#include <string.h>

/* Real files hold about 15 lines and 600 bytes. */
#define PROPS_MAX_BYTES (64u * 1024u)
#define PROPS_MAX_LINES 1024u

static int oom(ps_err *err)
{
    ps_err_fail(err, PS_E_OOM, 0, "out of memory");
    return -1;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    size_t k;
    unsigned long cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        k = 2, cp = s[0] & 0x1Fu;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        k = 3, cp = s[0] & 0x0Fu;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        k = 4, cp = s[0] & 0x07u;
    else
        return 0;
    if (k > n)
        return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    if ((k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return k;
}

/* Valid UTF-8 without NUL or control characters other than tab. */
static int check_line(const char *s, size_t n, unsigned line, ps_err *err)
{
    const unsigned char *u = (const unsigned char *)s;

    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(u + i, n - i);

        if (k == 0) {
            ps_err_set(err, PS_F_UNREADABLE_PACKAGE, line, "invalid UTF-8 text");
            return -1;
        }
        if (k == 1 && ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7F)) {
            ps_err_set(err, PS_F_UNREADABLE_PACKAGE, line, "control character 0x%02x in text",
                       u[i]);
            return -1;
        }
        i += k;
    }
    return 0;
}

/* The properties the reader keeps, each checked against its grammar. */
static int check_fact(const char *key, const char *val, unsigned line, ps_err *err)
{
    static const struct {
        const char *key;
        ps_fact_kind kind;
        const char *field;
    } facts[] = {
        {"KB Article Number", PS_FACT_KB, "pkgProperties \"KB Article Number\""},
        {"Processor Architecture", PS_FACT_ARCH, "pkgProperties \"Processor Architecture\""},
        {"Package Type", PS_FACT_LABEL, "pkgProperties \"Package Type\""},
        {"Installer Version", PS_FACT_VERSION, "pkgProperties \"Installer Version\""},
        {"Build Date", PS_FACT_SLASH_DATE, "pkgProperties \"Build Date\""},
    };

    for (size_t i = 0; i < PS_ARRAY_LEN(facts); i++)
        if (ps_streq_ci(key, facts[i].key))
            return ps_fact_check(facts[i].kind, facts[i].field, val, line, err);
    return 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* One non-empty line: Key="Value". */
static int parse_line(ps_props *p, const char *s, size_t n, unsigned line, ps_err *err)
{
    const char *eq, *v;
    size_t klen, vlen;
    char *key = NULL, *val = NULL;
    char **nk, **nv;

    eq = memchr(s, '=', n);
    if (eq == NULL) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, line, "line is not Key=\"Value\": no '='");
        return -1;
    }
    klen = (size_t)(eq - s);
    while (klen > 0 && is_blank(s[klen - 1]))
        klen--;
    if (klen == 0) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, line, "line is not Key=\"Value\": empty key");
        return -1;
    }
    v = eq + 1;
    vlen = n - (size_t)(v - s);
    while (vlen > 0 && is_blank(*v))
        v++, vlen--;
    if (vlen < 2 || v[0] != '"' || v[vlen - 1] != '"') {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, line,
                   "line is not Key=\"Value\": the value is not in double quotes");
        return -1;
    }
    if (p->count >= PROPS_MAX_LINES) {
        ps_err_set(err, PS_F_UNSAFE_INPUT, line, "more than %u properties", PROPS_MAX_LINES);
        return -1;
    }
    key = ps_strndup(s, klen);
    val = ps_strndup(v + 1, vlen - 2);
    if (key == NULL || val == NULL)
        goto nomem;
    if (check_fact(key, val, line, err) < 0) {
        free(key);
        free(val);
        return -1;
    }
    nk = ps_realloc(p->keys, (p->count + 1) * sizeof *nk);
    if (nk == NULL)
        goto nomem;
    p->keys = nk;
    nv = ps_realloc(p->values, (p->count + 1) * sizeof *nv);
    if (nv == NULL)
        goto nomem;
    p->values = nv;
    p->keys[p->count] = key;
    p->values[p->count] = val;
    p->count++;
    return 0;
nomem:
    free(key);
    free(val);
    return oom(err);
}

int ps_props_parse(const void *data, size_t len, ps_props *out, ps_err *err)
{
    const unsigned char *d = data;
    ps_buf conv = {0};
    ps_props p = {0};
    const char *text, *end;
    char odd[64];
    size_t tlen;
    unsigned line = 0;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (len == 0) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0, "empty properties file");
        goto out;
    }
    if (len > PROPS_MAX_BYTES) {
        ps_err_set(err, PS_F_UNSAFE_INPUT, 0,
                   "properties file of %zu bytes exceeds the limit of %u bytes", len,
                   PROPS_MAX_BYTES);
        goto out;
    }
    snprintf(odd, sizeof odd, "UTF-16 text has an odd number of bytes (%zu)", len);
    if (ps_text_utf8(d, len, &conv, &text, &tlen, odd, "invalid UTF-16: unpaired surrogate",
                     PS_F_UNREADABLE_PACKAGE, err) < 0)
        goto out;
    end = text + tlen;
    while (text < end) {
        const char *nl = memchr(text, '\n', (size_t)(end - text));
        const char *eol = nl != NULL ? nl : end;
        size_t n = (size_t)(eol - text);

        line++;
        if (n > 0 && text[n - 1] == '\r')
            n--;
        while (n > 0 && is_blank(text[n - 1]))
            n--;
        while (n > 0 && is_blank(*text))
            text++, n--;
        if (check_line(text, n, line, err) < 0)
            goto out;
        if (n > 0 && parse_line(&p, text, n, line, err) < 0)
            goto out;
        text = nl != NULL ? nl + 1 : end;
    }
    if (p.count == 0) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0, "no Key=\"Value\" line in properties file");
        goto out;
    }
    *out = p;
    memset(&p, 0, sizeof p);
    rc = 0;
out:
    ps_props_free(&p);
    ps_buf_free(&conv);
    return rc;
}

const char *ps_props_get(const ps_props *p, const char *key)
{
    for (size_t i = 0; p != NULL && key != NULL && i < p->count; i++)
        if (ps_streq_ci(p->keys[i], key))
            return p->values[i];
    return NULL;
}

void ps_props_free(ps_props *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->count; i++) {
        free(p->keys[i]);
        free(p->values[i]);
    }
    ps_free_ptr(&p->keys);
    ps_free_ptr(&p->values);
    p->count = 0;
}
