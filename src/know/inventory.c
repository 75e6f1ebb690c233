/*
 * inventory.c - the installed updates of a machine, from systeminfo,
 * wmic qfe, Get-HotFix exports or a plain KB list (see inventory.h).
 *
 * The text is decoded to UTF-8 first, checked (no control characters,
 * bounded lines), then recognised from its first non-blank line: "#TYPE"
 * or a line with a comma or a quote starts a CSV, a KB number or a '#'
 * comment starts a KB list.
 */
#include "inventory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXCERPT_MAX 40u

/* What the KB numbers are collected in before sorting. */
typedef struct kbvec {
    char **v;
    size_t n;
    size_t cap;
} kbvec;

/* A CSV reader over decoded text.  The fields of the current record are
 * NUL-terminated strings in rec at offsets off[0..n). */
typedef struct csv {
    const char *p;
    const char *end;
    unsigned line;     /* line of p */
    unsigned rec_line; /* line where the current record starts */
    ps_buf rec;
    size_t off[PS_INVENTORY_MAX_FIELDS];
    size_t n;
} csv;

static int oom(ps_err *err)
{
    ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0, "out of memory");
    return -1;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Printable ASCII of s[0..n) for a message, '?' for anything else,
 * shortened with "..." beyond EXCERPT_MAX characters. */
static void excerpt(const char *s, size_t n, char *out, size_t outlen)
{
    size_t k = 0, lim = n > EXCERPT_MAX ? EXCERPT_MAX : n;

    for (size_t i = 0; i < lim && k + 1 < outlen; i++) {
        unsigned char c = (unsigned char)s[i];

        out[k++] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
    }
    if (n > lim)
        for (int i = 0; i < 3 && k + 1 < outlen; i++)
            out[k++] = '.';
    out[k] = '\0';
}

/* s[0..*n) without leading and trailing blanks and CRs. */
static const char *trim(const char *s, size_t *n)
{
    while (*n > 0 && (is_blank(*s) || *s == '\r'))
        s++, (*n)--;
    while (*n > 0 && (is_blank(s[*n - 1]) || s[*n - 1] == '\r'))
        (*n)--;
    return s;
}

static int eq_trim_ci(const char *field, const char *name)
{
    size_t n = strlen(field), m = strlen(name);

    field = trim(field, &n);
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

/* ---- decoding ------------------------------------------------------ */

/* UTF-16 text after its byte order mark to UTF-8 in out. */
static int decode_utf16(const unsigned char *p, size_t len, int big_endian, ps_buf *out,
                        ps_err *err)
{
    unsigned line = 0;

    switch (ps_utf16_to_utf8(p, len, big_endian, out, &line)) {
    case 0:
        return 0;
    case -2:
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0,
                   "UTF-16 text (byte order mark) with an odd number of bytes");
        return -1;
    case -3:
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, line, "invalid UTF-16 text: unpaired surrogate");
        return -1;
    default:
        return oom(err);
    }
}

/* Text only: no control character but tab, CR and LF; bounded lines; not
 * only white space. */
static int check_text(const char *s, size_t n, ps_err *err)
{
    unsigned line = 1;
    size_t col = 0;
    int content = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '\n') {
            line++;
            col = 0;
            continue;
        }
        if (++col > PS_INVENTORY_MAX_LINE) {
            ps_err_set(err, PS_F_UNSAFE_INPUT, line, "line longer than %u bytes",
                       PS_INVENTORY_MAX_LINE);
            return -1;
        }
        if (c == 0) {
            ps_err_set(err, PS_F_UNREADABLE_PACKAGE, line,
                       "NUL byte: binary data, or UTF-16 text without a byte order mark");
            return -1;
        }
        if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F) {
            ps_err_set(err, PS_F_UNREADABLE_PACKAGE, line,
                       "control character 0x%02x: not a text file", c);
            return -1;
        }
        if (c != ' ' && c != '\t' && c != '\r')
            content = 1;
    }
    if (!content) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0, "empty file: no KB number and no CSV header");
        return -1;
    }
    return 0;
}

/* ---- KB numbers ---------------------------------------------------- */

static int kbvec_add(kbvec *k, const char *s, unsigned line, ps_err *err)
{
    char *kb;

    if (k->n >= PS_INVENTORY_MAX_KBS) {
        ps_err_set(err, PS_F_UNSAFE_INPUT, line, "more than %u KB numbers",
                   PS_INVENTORY_MAX_KBS);
        return -1;
    }
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 64;
        char **v = realloc(k->v, cap * sizeof *v);

        if (v == NULL)
            return oom(err);
        k->v = v;
        k->cap = cap;
    }
    kb = ps_strdup(s);
    if (kb == NULL)
        return oom(err);
    k->v[k->n++] = kb;
    return 0;
}

/* Adds s when it is a KB number; 0 when it is not one (and is skipped). */
static int kbvec_add_if_kb(kbvec *k, const char *s, unsigned line, ps_err *err)
{
    char kb[PS_KB_SIZE];

    if (ps_kb_normalize_to(s, kb) != 0)
        return 0;
    return kbvec_add(k, kb, line, err);
}

static void kbvec_free(kbvec *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->v[i]);
    ps_free_ptr(&k->v);
    k->n = k->cap = 0;
}

static int kb_qsort_cmp(const void *a, const void *b)
{
    return ps_kb_cmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts, merges duplicates and hands the vector to inv. */
static void kbvec_finish(kbvec *k, ps_inventory *inv)
{
    size_t w = 0;

    if (k->n > 1)
        qsort(k->v, k->n, sizeof *k->v, kb_qsort_cmp);
    for (size_t i = 0; i < k->n; i++) {
        if (w > 0 && strcmp(k->v[w - 1], k->v[i]) == 0)
            free(k->v[i]);
        else
            k->v[w++] = k->v[i];
    }
    inv->kbs = k->v;
    inv->n_kbs = w;
    k->v = NULL;
    k->n = k->cap = 0;
}

/* ---- lines --------------------------------------------------------- */

/* The next line of [*p, end) without its LF; advances *p past the LF. */
static const char *next_line(const char **p, const char *end, size_t *n)
{
    const char *s = *p;
    const char *nl = memchr(s, '\n', (size_t)(end - s));

    *n = (size_t)((nl != NULL ? nl : end) - s);
    *p = nl != NULL ? nl + 1 : end;
    return s;
}

/* A plain list: one KB number a line, blank lines, '#' comments. */
static int parse_kb_list(const char *p, const char *end, kbvec *k, ps_err *err)
{
    unsigned line = 0;

    while (p < end) {
        size_t n;
        const char *s = next_line(&p, end, &n);
        const char *hash = memchr(s, '#', n);
        char *kb = NULL;
        char buf[32];
        int r;

        line++;
        if (hash != NULL)
            n = (size_t)(hash - s);
        s = trim(s, &n);
        if (n == 0)
            continue;
        if (n < sizeof buf) {
            memcpy(buf, s, n);
            buf[n] = '\0';
            kb = ps_kb_normalize(buf);
        }
        if (kb == NULL) {
            char ex[EXCERPT_MAX + 4];

            excerpt(s, n, ex, sizeof ex);
            ps_err_set(err, PS_F_UNREADABLE_PACKAGE, line, "not a KB number: '%s'", ex);
            return -1;
        }
        r = kbvec_add(k, kb, line, err);
        free(kb);
        if (r < 0)
            return -1;
    }
    return 0;
}

/* ---- CSV (RFC 4180) ------------------------------------------------ */

static int csv_put(csv *c, const char *s, size_t n, ps_err *err)
{
    return ps_buf_append(&c->rec, s, n) < 0 ? oom(err) : 0;
}

/* A quoted field; c->p is past the opening quote. */
static int csv_quoted(csv *c, ps_err *err)
{
    unsigned opened = c->line;

    for (;;) {
        const char *s = c->p;
        const char *q = memchr(s, '"', (size_t)(c->end - s));

        if (q == NULL) {
            ps_err_set(err, PS_F_UNREADABLE_PACKAGE, opened,
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
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, c->line,
                   "text after the closing quote of a field");
        return -1;
    }
    return 0;
}

/* An unquoted field: up to a comma or the end of the line. */
static int csv_plain(csv *c, int *blank, ps_err *err)
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
static int csv_record(csv *c, ps_err *err)
{
    int blank = 1;

    c->rec.len = 0;
    c->n = 0;
    c->rec_line = c->line;
    for (;;) {
        if (c->n == PS_INVENTORY_MAX_FIELDS) {
            ps_err_set(err, PS_F_UNSAFE_INPUT, c->rec_line, "more than %u fields in a record",
                       PS_INVENTORY_MAX_FIELDS);
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
static int csv_next(csv *c, ps_err *err)
{
    while (c->p < c->end) {
        int r = csv_record(c, err);

        if (r != 0)
            return r;
    }
    return 0;
}

static const char *csv_field(const csv *c, size_t i)
{
    return c->rec.data + c->off[i];
}

/* Index of the column named name in the current record, or -1. */
static long csv_column(const csv *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (eq_trim_ci(csv_field(c, i), name))
            return (long)i;
    return -1;
}

/* ---- systeminfo /fo csv ------------------------------------------- */

/* "6.0.6003 Service Pack 2 Build 6003": the leading version number. */
static int parse_os_version(const char *v, unsigned line, ps_inventory *inv, ps_err *err)
{
    size_t n = strlen(v), len = 0, parts = 0;
    char ex[EXCERPT_MAX + 4];

    v = trim(v, &n);
    if (n == 0 || eq_trim_ci(v, "N/A"))
        return 0;
    for (;;) {
        size_t d = 0;

        while (len + d < n && is_digit(v[len + d]))
            d++;
        if (d == 0 || d > 5)
            goto bad;
        len += d;
        parts++;
        if (len < n && v[len] == '.' && parts < 4) {
            len++;
            continue;
        }
        break;
    }
    if (parts < 2 || (len < n && !is_blank(v[len])))
        goto bad;
    inv->os_version = ps_strndup(v, len);
    if (inv->os_version == NULL)
        return oom(err);
    if (parts >= 3) {
        inv->os_build = ps_strndup(v, len);
        if (inv->os_build == NULL)
            return oom(err);
    }
    return 0;
bad:
    excerpt(v, n, ex, sizeof ex);
    ps_err_set(err, PS_F_UNREADABLE_PACKAGE, line,
               "OS Version '%s' does not start with a version number", ex);
    return -1;
}

/* "Microsoft(R) Windows Server(R) 2008 Standard ": printable ASCII kept,
 * blanks folded, trimmed, at most 160 characters. */
static int parse_os_name(const char *v, ps_inventory *inv, ps_err *err)
{
    char out[161];
    size_t o = 0;

    for (const unsigned char *p = (const unsigned char *)v; *p && o < sizeof out - 1; p++) {
        if (*p < 0x20 || *p > 0x7e)
            continue;
        if (*p == ' ' && (o == 0 || out[o - 1] == ' '))
            continue;
        out[o++] = (char)*p;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    if (o == 0 || eq_trim_ci(out, "N/A"))
        return 0;
    free(inv->os_name);
    inv->os_name = ps_strdup(out);
    return inv->os_name ? 0 : oom(err);
}

int ps_host_name_valid(const char *s, size_t n)
{
    size_t label = 0;

    if (s == NULL || n == 0 || n > 253)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return 0;
            label = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
              c == '_'))
            return 0;
        if (c == '-' && label == 0)
            return 0;
        if (++label > 63)
            return 0;
    }
    return label > 0 && s[n - 1] != '-';
}

/* systeminfo's "Host Name" or a CSName: trimmed, checked, kept.  "" keeps
 * none; a second, different name is an error. */
static int parse_host_name(const char *v, unsigned line, const char *column, ps_inventory *inv,
                           ps_err *err)
{
    size_t n = strlen(v);
    char ex[EXCERPT_MAX + 4];

    v = trim(v, &n);
    if (n == 0)
        return 0;
    if (!ps_host_name_valid(v, n)) {
        excerpt(v, n, ex, sizeof ex);
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, line,
                   "%s '%s' is not a host name (letters, digits, '-' and '_' in labels of at "
                   "most 63 characters separated by dots)", column, ex);
        return -1;
    }
    if (inv->host_name)
        return 0;
    inv->host_name = ps_strndup(v, n);
    return inv->host_name ? 0 : oom(err);
}

static ps_arch parse_system_type(const char *s)
{
    size_t n = strlen(s);

    s = trim(s, &n);
    if (ps_has_prefix_ci(s, "x64"))
        return PS_ARCH_X64;
    if (ps_has_prefix_ci(s, "x86"))
        return PS_ARCH_X86;
    if (ps_has_prefix_ci(s, "itanium") || ps_has_prefix_ci(s, "ia64"))
        return PS_ARCH_IA64;
    return PS_ARCH_NONE;
}

/* One entry "[01]: KB4474419" of the Hotfix(s) column; 0 when s has
 * another shape. */
static int hotfix_entry(const char *s, size_t n, const char **value, size_t *vlen)
{
    size_t i = 1;

    if (n < 4 || s[0] != '[')
        return 0;
    while (i < n && is_digit(s[i]))
        i++;
    if (i == 1 || i + 1 >= n || s[i] != ']' || s[i + 1] != ':')
        return 0;
    *value = s + i + 2;
    *vlen = n - i - 2;
    *value = trim(*value, vlen);
    return 1;
}

/* "3 Hotfix(s) Installed.,[01]: KB4493730,[02]: KB4474419,[03]: File 1":
 * the count sentence (localised), then numbered entries; entries that are
 * not KB numbers are skipped. */
static int parse_hotfixes(const char *s, unsigned line, kbvec *k, ps_err *err)
{
    const char *end = s + strlen(s);
    int first = 1;

    while (s <= end) {
        const char *comma = memchr(s, ',', (size_t)(end - s));
        const char *e = comma != NULL ? comma : end;
        size_t n = (size_t)(e - s), vlen;
        const char *item = trim(s, &n), *value;

        if (hotfix_entry(item, n, &value, &vlen)) {
            char buf[32];

            if (vlen < sizeof buf) {
                memcpy(buf, value, vlen);
                buf[vlen] = '\0';
                if (kbvec_add_if_kb(k, buf, line, err) < 0)
                    return -1;
            }
        } else if (!first && n > 0) {
            char ex[EXCERPT_MAX + 4];

            excerpt(item, n, ex, sizeof ex);
            ps_err_set(err, PS_F_UNREADABLE_PACKAGE, line,
                       "unexpected entry in the Hotfix(s) column: '%s'", ex);
            return -1;
        }
        first = 0;
        if (comma == NULL)
            break;
        s = comma + 1;
    }
    return 0;
}

/* ---- CSV exports --------------------------------------------------- */

typedef struct columns {
    long hotfixes;   /* systeminfo "Hotfix(s)" */
    long os_version; /* systeminfo "OS Version" */
    long os_name;    /* systeminfo "OS Name" */
    long sys_type;   /* systeminfo "System Type" */
    long hotfix_id;  /* wmic / Get-HotFix "HotFixID" */
    long machine;    /* wmic / Get-HotFix "CSName" */
    long host_name;  /* systeminfo "Host Name" */
} columns;

/* The rows of a wmic or Get-HotFix export, all of one machine. */
static int csv_row_qfe(const csv *c, const columns *col, char **machine, ps_inventory *inv,
                       kbvec *k, ps_err *err)
{
    if (col->machine >= 0 &&
        parse_host_name(csv_field(c, (size_t)col->machine), c->rec_line, "CSName", inv, err) < 0)
        return -1;
    if (col->machine >= 0) {
        const char *m = csv_field(c, (size_t)col->machine);
        size_t n = strlen(m);

        m = trim(m, &n);
        if (n > 0 && *machine == NULL) {
            *machine = ps_strndup(m, n);
            if (*machine == NULL)
                return oom(err);
        } else if (n > 0 && !(strlen(*machine) == n && ps_has_prefix_ci(m, *machine))) {
            char a[EXCERPT_MAX + 4], b[EXCERPT_MAX + 4];

            excerpt(*machine, strlen(*machine), a, sizeof a);
            excerpt(m, n, b, sizeof b);
            ps_err_set(err, PS_F_UNREADABLE_PACKAGE, c->rec_line,
                       "hotfixes of more than one machine ('%s' and '%s')", a, b);
            return -1;
        }
    }
    return kbvec_add_if_kb(k, csv_field(c, (size_t)col->hotfix_id), c->rec_line, err);
}

static int csv_row_systeminfo(const csv *c, const columns *col, ps_inventory *inv, kbvec *k,
                              ps_err *err)
{
    if (col->os_version >= 0 &&
        parse_os_version(csv_field(c, (size_t)col->os_version), c->rec_line, inv, err) < 0)
        return -1;
    if (col->os_name >= 0 && parse_os_name(csv_field(c, (size_t)col->os_name), inv, err) < 0)
        return -1;
    if (col->host_name >= 0 && parse_host_name(csv_field(c, (size_t)col->host_name), c->rec_line,
                                               "Host Name", inv, err) < 0)
        return -1;
    if (col->sys_type >= 0)
        inv->arch = parse_system_type(csv_field(c, (size_t)col->sys_type));
    return parse_hotfixes(csv_field(c, (size_t)col->hotfixes), c->rec_line, k, err);
}

/* A CSV export from its header line; typed when a "#TYPE" line came first. */
static int parse_csv(const char *p, const char *end, unsigned line, int typed,
                     ps_inventory *inv, kbvec *k, ps_err *err)
{
    csv c = {.p = p, .end = end, .line = line};
    columns col;
    char *machine = NULL;
    size_t n_header, rows = 0;
    unsigned header_line;
    int sysinfo, r, rc = -1;

    r = csv_next(&c, err);
    if (r <= 0) {
        if (r == 0)
            ps_err_set(err, PS_F_UNREADABLE_PACKAGE, line - 1,
                       "a '#TYPE' line without a CSV header after it");
        goto out;
    }
    n_header = c.n;
    header_line = c.rec_line;
    col.hotfixes = csv_column(&c, "Hotfix(s)");
    col.os_version = csv_column(&c, "OS Version");
    col.os_name = csv_column(&c, "OS Name");
    col.sys_type = csv_column(&c, "System Type");
    col.hotfix_id = csv_column(&c, "HotFixID");
    col.machine = csv_column(&c, "CSName");
    col.host_name = csv_column(&c, "Host Name");
    sysinfo = col.hotfixes >= 0 && !typed;
    if (sysinfo) {
        inv->format = "systeminfo";
    } else if (col.hotfix_id >= 0) {
        inv->format = !typed && eq_trim_ci(csv_field(&c, 0), "Node") ? "wmic-qfe" : "get-hotfix";
    } else {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, header_line,
                   "the CSV header has no HotFixID or Hotfix(s) column (a header row "
                   "with English column names is needed; localised exports are not supported)");
        goto out;
    }
    while ((r = csv_next(&c, err)) == 1) {
        if (c.n != n_header) {
            ps_err_set(err, PS_F_UNREADABLE_PACKAGE, c.rec_line,
                       "%zu fields where the header (line %u) has %zu", c.n, header_line,
                       n_header);
            goto out;
        }
        rows++;
        if (!sysinfo) {
            if (csv_row_qfe(&c, &col, &machine, inv, k, err) < 0)
                goto out;
        } else if (rows > 1) {
            ps_err_set(err, PS_F_UNREADABLE_PACKAGE, c.rec_line,
                       "a second systeminfo row: an inventory describes one machine");
            goto out;
        } else if (csv_row_systeminfo(&c, &col, inv, k, err) < 0) {
            goto out;
        }
    }
    if (r < 0)
        goto out;
    if (rows == 0 && sysinfo) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, header_line,
                   "systeminfo CSV header without a data row");
        goto out;
    }
    rc = 0;
out:
    free(machine);
    ps_buf_free(&c.rec);
    return rc;
}

/* ---- recognition and the public functions ------------------------- */

static int is_csv_start(const char *s, size_t n)
{
    const char *t = s;
    size_t m = n;

    t = trim(t, &m);
    return memchr(s, ',', n) != NULL || memchr(s, '"', n) != NULL ||
           (m == 8 && strncmp(t, "HotFixID", 8) == 0);
}

/* The first line of systeminfo's list or table output, or of a wmic or
 * Get-HotFix table: "Host Name: ...", "... HotFixID ...". */
static int is_table_start(const char *s, size_t n)
{
    if (n >= 9 && ps_has_prefix_ci(s, "Host Name"))
        return 1;
    for (size_t i = 0; i + 8 <= n; i++)
        if (ps_has_prefix_ci(s + i, "HotFixID"))
            return 1;
    return 0;
}

static int parse_text(const char *text, size_t len, ps_inventory *inv, kbvec *k, ps_err *err)
{
    const char *p = text, *end = text + len;
    unsigned line = 0;

    while (p < end) {
        const char *start = p;
        size_t n;
        const char *s = next_line(&p, end, &n);
        char buf[32];
        char *kb = NULL;

        line++;
        s = trim(s, &n);
        if (n == 0)
            continue;
        if (n >= 5 && strncmp(s, "#TYPE", 5) == 0)
            return parse_csv(p, end, line + 1, 1, inv, k, err);
        if (s[0] == '#') {
            inv->format = "kb-list";
            return parse_kb_list(text, end, k, err);
        }
        if (n < sizeof buf) {
            const char *hash = memchr(s, '#', n);
            size_t m = hash != NULL ? (size_t)(hash - s) : n;

            memcpy(buf, s, m);
            buf[m] = '\0';
            kb = ps_kb_normalize(buf);
        }
        if (kb != NULL) {
            free(kb);
            inv->format = "kb-list";
            return parse_kb_list(text, end, k, err);
        }
        if (is_csv_start(s, n))
            return parse_csv(start, end, line, 0, inv, k, err);
        if (is_table_start(s, n)) {
            ps_err_set(err, PS_F_UNREADABLE_PACKAGE, line,
                       "a table or a list, not CSV: export with 'systeminfo /fo csv', "
                       "'wmic qfe list full /format:csv' or 'Get-HotFix | Export-Csv'");
        } else {
            char ex[EXCERPT_MAX + 4];

            excerpt(s, n, ex, sizeof ex);
            ps_err_set(err, PS_F_UNREADABLE_PACKAGE, line,
                       "neither a KB number nor a CSV header: '%s'", ex);
        }
        return -1;
    }
    return 0;
}

int ps_inventory_parse(const void *data, size_t len, ps_inventory *out, ps_err *err)
{
    const unsigned char *d = data;
    ps_inventory inv = {0};
    kbvec k = {0};
    ps_buf conv = {0};
    const char *text;
    size_t tlen;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (len == 0) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0, "empty file: no KB number and no CSV header");
        goto out;
    }
    if (len > PS_INVENTORY_MAX_BYTES) {
        ps_err_set(err, PS_F_UNSAFE_INPUT, 0, "file of %zu bytes exceeds the limit of %u bytes",
                   len, PS_INVENTORY_MAX_BYTES);
        goto out;
    }
    if (len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF))) {
        if (decode_utf16(d + 2, len - 2, d[0] == 0xFE, &conv, err) < 0)
            goto out;
        text = conv.data != NULL ? conv.data : "";
        tlen = conv.len;
    } else {
        text = (const char *)d;
        tlen = len;
        if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
            text += 3, tlen -= 3;
    }
    if (check_text(text, tlen, err) < 0 || parse_text(text, tlen, &inv, &k, err) < 0)
        goto out;
    kbvec_finish(&k, &inv);
    *out = inv;
    memset(&inv, 0, sizeof inv);
    rc = 0;
out:
    kbvec_free(&k);
    ps_inventory_free(&inv);
    ps_buf_free(&conv);
    return rc;
}

static void set_msg(char *err, size_t errlen, const char *fmt, ...) PS_PRINTF(3, 4);

static void set_msg(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int ps_inventory_load(const char *path, ps_inventory *out, char *err, size_t errlen)
{
    char *data = NULL, why[256];
    size_t len = 0;
    ps_err e = {0};
    int rc = -1;

    memset(out, 0, sizeof *out);
    set_msg(err, errlen, "%s", "");
    switch (ps_read_file(path, PS_INVENTORY_MAX_BYTES, 0, &data, &len, why, sizeof why, NULL)) {
    case PS_READ_OK:
        break;
    case PS_READ_TOO_LARGE:
        set_msg(err, errlen, "%s: file larger than the limit of %u bytes", path,
                PS_INVENTORY_MAX_BYTES);
        goto out;
    default: /* "cannot open: ...", "not a regular file (...)", "cannot read: ...", OOM */
        set_msg(err, errlen, "%s: %s", path, why);
        goto out;
    }
    if (ps_inventory_parse(data, len, out, &e) < 0) {
        if (e.line > 0)
            set_msg(err, errlen, "%s:%u: %s", path, e.line, e.msg);
        else
            set_msg(err, errlen, "%s: %s", path, e.msg);
        goto out;
    }
    rc = 0;
out:
    free(data);
    return rc;
}

int ps_inventory_has(const ps_inventory *inv, const char *kb)
{
    char *key;
    size_t lo = 0, hi;
    int found = 0;

    if (inv == NULL || inv->n_kbs == 0)
        return 0;
    key = ps_kb_normalize(kb);
    if (key == NULL)
        return 0;
    hi = inv->n_kbs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = ps_kb_cmp(key, inv->kbs[mid]);

        if (c == 0) {
            found = 1;
            break;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    free(key);
    return found;
}

void ps_inventory_free(ps_inventory *inv)
{
    if (inv == NULL)
        return;
    ps_strv_free(&inv->kbs, &inv->n_kbs);
    ps_free_ptr(&inv->os_version);
    ps_free_ptr(&inv->os_build);
    ps_free_ptr(&inv->os_name);
    ps_free_ptr(&inv->host_name);
    inv->arch = PS_ARCH_NONE;
    inv->format = NULL;
}
