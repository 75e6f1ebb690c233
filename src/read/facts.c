/*
 * facts.c - the facts the reader keeps (see facts.h): the grammar each one
 * is checked against, the facts of the file name, and the merge of the
 * sources into the package, in their fallback order.
 */
#include "facts.h"

#include "escape.h"
#include "parse.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_alnum(char c)
{
    return is_alpha(c) || is_digit(c);
}

static int is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int version_ok(const char *s)
{
    int parts = 0;

    for (;;) {
        unsigned long v = 0;
        int n = 0;

        while (is_digit(*s)) {
            if (++n > 5)
                return 0;
            v = v * 10 + (unsigned long)(*s++ - '0');
        }
        if (n == 0 || v > 65535 || ++parts > 4)
            return 0;
        if (*s == '\0')
            return 1;
        if (*s++ != '.')
            return 0;
    }
}

static int kb_ok(const char *s)
{
    size_t n;

    if ((s[0] == 'K' || s[0] == 'k') && (s[1] == 'B' || s[1] == 'b'))
        s += 2;
    n = strspn(s, "0123456789");
    return n >= 6 && n <= 8 && s[n] == '\0';
}

static int charset_ok(const char *s, size_t max, const char *extra)
{
    size_t n = 0;

    for (; *s; s++, n++)
        if (!is_alnum(*s) && strchr(extra, *s) == NULL)
            return 0;
    return n >= 1 && n <= max;
}

static int language_ok(const char *s)
{
    size_t n = 0;

    if (ps_streq_ci(s, "neutral") || strcmp(s, "*") == 0)
        return 1;
    while (is_alpha(s[n]))
        n++;
    if (n < 2 || n > 8)
        return 0;
    s += n;
    for (int sub = 0; *s; sub++) {
        if (*s++ != '-' || sub >= 4)
            return 0;
        for (n = 0; is_alnum(s[n]); n++)
            ;
        if (n < 1 || n > 8)
            return 0;
        s += n;
    }
    return 1;
}

static int date_ok(const char *s, char sep)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;

    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != sep : !is_digit(s[i]))
            return 0;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1980 || y > 2099 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return 0;
    if (m == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0)))
        return 0;
    return 1;
}

static int guid_ok(const char *s)
{
    static const int groups[] = {8, 4, 4, 4, 12};

    for (int g = 0; g < 5; g++) {
        for (int i = 0; i < groups[g]; i++)
            if (!is_hex(*s++))
                return 0;
        if (g < 4 && *s++ != '-')
            return 0;
    }
    return *s == '\0';
}

static int label_ok(const char *s, size_t max, const char *refused)
{
    size_t n = 0;

    for (; *s; s++, n++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E || strchr(refused, *s) != NULL)
            return 0;
    return n >= 1 && n <= max;
}

int ps_fact_ok(ps_fact_kind kind, const char *s)
{
    static const char *const arches[] = {"x86",  "amd64", "x64", "ia64",   "wow64",
                                         "msil", "arm",   "arm64", "neutral"};

    if (s == NULL)
        return 0;
    switch (kind) {
    case PS_FACT_VERSION:
        return version_ok(s);
    case PS_FACT_KB:
        return kb_ok(s);
    case PS_FACT_ARCH:
        for (size_t i = 0; i < PS_ARRAY_LEN(arches); i++)
            if (ps_streq_ci(s, arches[i]))
                return 1;
        return 0;
    case PS_FACT_LANGUAGE:
        return language_ok(s);
    case PS_FACT_TOKEN:
        return strlen(s) == 16 && strspn(s, "0123456789abcdefABCDEF") == 16;
    case PS_FACT_NAME:
        return s[0] != '.' && s[0] != '-' && charset_ok(s, 255, "._-");
    case PS_FACT_IDENTIFIER:
        return charset_ok(s, 64, "._-");
    case PS_FACT_LABEL:
        return label_ok(s, 64, "");
    case PS_FACT_DATE:
        return strlen(s) == 10 && date_ok(s, '-');
    case PS_FACT_SLASH_DATE:
        return strlen(s) == 10 && date_ok(s, '/');
    case PS_FACT_TIMESTAMP: {
        size_t n = strlen(s);

        if (n < 10 || !date_ok(s, '-'))
            return 0;
        if (n == 10)
            return 1;
        if (s[10] != 'T' && s[10] != ' ')
            return 0;
        return n > 11 && n <= 43 && strspn(s + 11, "0123456789:.Z+-") == n - 11;
    }
    case PS_FACT_GUID:
        return guid_ok(s);
    case PS_FACT_DECIMAL:
        return s[0] != '\0' && strlen(s) <= 10 && strspn(s, "0123456789") == strlen(s);
    case PS_FACT_SOURCE:
        return label_ok(s, 260, "\"%<>|&^!`");
    case PS_FACT_TITLE:
        return label_ok(s, 255, "");
    }
    return 0;
}

const char *ps_fact_grammar(ps_fact_kind kind)
{
    switch (kind) {
    case PS_FACT_VERSION:
        return "a version (1 to 4 dot-separated decimal numbers up to 65535)";
    case PS_FACT_KB:
        return "a KB number (KB and 6 to 8 digits)";
    case PS_FACT_ARCH:
        return "an architecture (x86, amd64, x64, ia64, wow64, msil, arm, arm64 or neutral)";
    case PS_FACT_LANGUAGE:
        return "a language (neutral, * or a language tag)";
    case PS_FACT_TOKEN:
        return "a public key token (16 hex digits)";
    case PS_FACT_NAME:
        return "a name (1 to 255 letters, digits, '.', '_' or '-')";
    case PS_FACT_IDENTIFIER:
        return "an identifier (1 to 64 letters, digits, '.', '_' or '-')";
    case PS_FACT_LABEL:
        return "a label (1 to 64 printable ASCII characters)";
    case PS_FACT_DATE:
        return "a date (YYYY-MM-DD)";
    case PS_FACT_SLASH_DATE:
        return "a date (YYYY/MM/DD)";
    case PS_FACT_TIMESTAMP:
        return "a time stamp (YYYY-MM-DD, then T and the time)";
    case PS_FACT_GUID:
        return "a GUID (8-4-4-4-12 hex digits)";
    case PS_FACT_DECIMAL:
        return "a decimal number (1 to 10 digits)";
    case PS_FACT_SOURCE:
        return "a source location (1 to 260 printable ASCII characters without \"%<>|&^!`)";
    case PS_FACT_TITLE:
        return "a title (1 to 255 printable ASCII characters)";
    }
    return "valid";
}

int ps_fact_check(ps_fact_kind kind, const char *field, const char *value, unsigned line,
                  ps_err *err)
{
    enum { SHOW = 40 };
    ps_buf shown = {0};
    char head[SHOW + 1];
    size_t n;

    if (value == NULL || ps_fact_ok(kind, value))
        return 0;
    n = strlen(value);
    memcpy(head, value, n < SHOW ? n : SHOW);
    head[n < SHOW ? n : SHOW] = '\0';
    shown.max = 4096;
    if (ps_esc_text(&shown, head) < 0) {
        ps_buf_free(&shown);
        ps_err_set(err, PS_F_UNSAFE_INPUT, line, "unsafe value in %s: not %s", field,
                   ps_fact_grammar(kind));
        return -1;
    }
    ps_err_set(err, PS_F_UNSAFE_INPUT, line, "unsafe value in %s: \"%s\"%s is not %s", field,
               shown.data ? shown.data : "", n > SHOW ? "..." : "", ps_fact_grammar(kind));
    ps_buf_free(&shown);
    return -1;
}

/* ------------------------------------------------------------------ */
/* Facts from the file name                                            */
/* ------------------------------------------------------------------ */

/* "-x86", "-x64", "-ia64" followed by '.', '_', '-' or the end. */
static ps_arch name_arch(const char *base)
{
    static const struct {
        const char *tok;
        ps_arch arch;
    } t[] = {{"-x86", PS_ARCH_X86}, {"-x64", PS_ARCH_X64}, {"-ia64", PS_ARCH_IA64}};

    for (const char *s = base; *s; s++) {
        if (*s != '-')
            continue;
        for (size_t i = 0; i < PS_ARRAY_LEN(t); i++) {
            size_t n = strlen(t[i].tok);
            char c;

            if (!ps_has_prefix_ci(s, t[i].tok))
                continue;
            c = s[n];
            if (c == '\0' || c == '.' || c == '_' || c == '-')
                return t[i].arch;
        }
    }
    return PS_ARCH_NONE;
}

/* N of "-vN" followed by '-', '.', '_' or the end. */
static unsigned name_revision(const char *base)
{
    for (const char *s = base; *s; s++) {
        unsigned v = 0;
        size_t i = 2;

        if (s[0] != '-' || (s[1] != 'v' && s[1] != 'V') || !isdigit((unsigned char)s[2]))
            continue;
        while (isdigit((unsigned char)s[i]) && i < 6)
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (s[i] == '-' || s[i] == '.' || s[i] == '_' || s[i] == '\0')
            return v;
    }
    return 0;
}

/* "Windows6.0-..." -> "6.0" */
static char *name_os(const char *base)
{
    const char *s = base + 7;
    size_t i = 0;

    if (!ps_has_prefix_ci(base, "windows"))
        return NULL;
    while (isdigit((unsigned char)s[i]) && i < 3)
        i++;
    if (i == 0 || s[i] != '.')
        return NULL;
    i++;
    if (!isdigit((unsigned char)s[i]))
        return NULL;
    while (isdigit((unsigned char)s[i]) && i < 7)
        i++;
    if (s[i] != '-')
        return NULL;
    return ps_strndup(s, i);
}

/* The first "KB<digits>" in the name. */
static char *name_kb(const char *base)
{
    for (const char *s = base; *s; s++) {
        size_t n = 0;
        char buf[24];

        if (!ps_has_prefix_ci(s, "kb"))
            continue;
        while (isdigit((unsigned char)s[2 + n]) && n < 12)
            n++;
        if (n == 0 || isdigit((unsigned char)s[2 + n]))
            continue;
        snprintf(buf, sizeof buf, "KB%.*s", (int)n, s + 2);
        return ps_strdup(buf);
    }
    return NULL;
}

/* "Windows 6.1" -> "6.1" */
static char *os_of_applies_to(const char *v)
{
    const char *s;
    size_t n = 0;

    if (v == NULL || !ps_has_prefix_ci(v, "windows "))
        return NULL;
    s = v + 8;
    while ((isdigit((unsigned char)s[n]) || s[n] == '.') && n < 8)
        n++;
    if (n < 3 || s[n] != '\0')
        return NULL;
    return ps_strndup(s, n);
}

/* "2020/05/01" -> "2020-05-01" */
static char *date_of_build_date(const char *v)
{
    char d[11];

    if (v == NULL || strlen(v) != 10 || v[4] != '/' || v[7] != '/')
        return NULL;
    memcpy(d, v, 10);
    d[10] = '\0';
    d[4] = d[7] = '-';
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)d[i]))
            return NULL;
    return ps_strdup(d);
}

const char *ps_kb_source_name(ps_kb_source source)
{
    static const char *const names[PS_KB_SOURCE__COUNT] = {
        [PS_KB_SOURCE_MUM] = "update.mum",
        [PS_KB_SOURCE_PROPS] = "pkgProperties",
        [PS_KB_SOURCE_FILE_NAME] = "file name",
    };

    return (unsigned)source < PS_KB_SOURCE__COUNT ? names[source] : NULL;
}

void ps_facts_of_name(ps_package *p, const char *base)
{
    p->revision = name_revision(base);
    p->name_arch = name_arch(base);
    p->name_os = name_os(base);
}

/* ------------------------------------------------------------------ */
/* The fact merge                                                      */
/* ------------------------------------------------------------------ */

static int set_or_fallback(char **dst, const char *a, const char *b)
{
    return ps_set_str(dst, a != NULL ? a : b);
}

static const char *prop(const ps_fact_sources *s, const char *key)
{
    return s->props != NULL ? ps_props_get(s->props, key) : NULL;
}

int ps_facts_fill(ps_package *p, const ps_fact_sources *s)
{
    const ps_mum *m = s->mum;

    /* KB: update.mum, then pkgProperties, then the file name. */
    if (m != NULL && m->kb != NULL) {
        if (ps_set_str(&p->kb, m->kb) < 0)
            return -1;
        p->kb_source = PS_KB_SOURCE_MUM;
    } else if (prop(s, "KB Article Number") != NULL &&
               (p->kb = ps_kb_normalize(prop(s, "KB Article Number"))) != NULL) {
        p->kb_source = PS_KB_SOURCE_PROPS;
    } else if ((p->kb = name_kb(s->base)) != NULL) {
        p->kb_source = PS_KB_SOURCE_FILE_NAME;
    }

    if (m != NULL && m->identity.name != NULL) {
        if (ps_identity_copy(&p->identity, &m->identity) < 0)
            return -1;
    } else if (s->unattend != NULL && s->unattend->identity.name != NULL) {
        if (ps_identity_copy(&p->identity, &s->unattend->identity) < 0)
            return -1;
    }

    p->arch = ps_arch_parse(p->identity.arch);
    if (p->arch == PS_ARCH_NONE)
        p->arch = ps_arch_parse(prop(s, "Processor Architecture"));
    if (p->arch == PS_ARCH_NONE)
        p->arch = p->name_arch;

    if (m != NULL && m->os != NULL) {
        if (ps_set_str(&p->os, m->os) < 0)
            return -1;
    } else if (p->name_os != NULL) {
        if (ps_set_str(&p->os, p->name_os) < 0)
            return -1;
    } else {
        p->os = os_of_applies_to(prop(s, "Applies to"));
    }

    if (set_or_fallback(&p->release_type, m ? m->release_type : NULL,
                        prop(s, "Package Type")) < 0 ||
        ps_set_str(&p->restart, m ? m->restart : NULL) < 0 ||
        set_or_fallback(&p->installer_version, m ? m->installer_version : NULL,
                        prop(s, "Installer Version")) < 0 ||
        ps_set_str(&p->provides_stack, s->stack) < 0 ||
        ps_set_str(&p->kernel_version, s->kernel) < 0)
        return -1;
    if (m != NULL && m->creation_date != NULL) {
        if (ps_set_str(&p->build_date, m->creation_date) < 0)
            return -1;
    } else {
        p->build_date = date_of_build_date(prop(s, "Build Date"));
    }
    if (s->digests != NULL) {
        p->catalog_digests = *s->digests;
        p->sha2_only = ps_catalog_sha2_only(*s->digests);
    }
    /* readable: update.mum or a fallback gave the identity or the KB (a KB
     * from the file name alone does not count); never after a read error
     * or in a package with an unsafe member name */
    p->readable = !s->refused &&
                  (p->identity.name != NULL ||
                   (p->kb != NULL && p->kb_source != PS_KB_SOURCE_FILE_NAME));
    return 0;
}

