/*
 * inventory.c - the installed updates of a machine, from systeminfo,
 * wmic qfe, Get-HotFix exports or a plain KB list (see inventory.h).
 *
 * The text is decoded to UTF-8 first, checked (no control characters,
 * bounded lines), then recognised by the table of formats (formats[]:
 * name, detect, parse), tried in order: a KB number or a '#' comment on
 * the first non-blank line starts a KB list; "#TYPE" or a line with a
 * comma or a quote starts a CSV (util/csv.h), whose header tells
 * systeminfo, wmic qfe and Get-HotFix apart.  A new format is one more
 * row there.  The values of the machine are read by inventory_values.c.
 */
#include "inventory.h"
#include "inventory_int.h"

#include "csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ps_inv_oom(ps_err *err)
{
    ps_err_fail(err, PS_E_OOM, 0, "out of memory");
    return -1;
}

/* Printable ASCII of s[0..n) for a message, '?' for anything else,
 * shortened with "..." beyond EXCERPT_MAX characters. */
void ps_inv_excerpt(const char *s, size_t n, char *out, size_t outlen)
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
            ps_err_fail(err, PS_E_LIMIT, line, "line longer than %u bytes",
                       PS_INVENTORY_MAX_LINE);
            return -1;
        }
        if (c == 0) {
            ps_err_fail(err, PS_E_FORMAT, line,
                       "NUL byte: binary data, or UTF-16 text without a byte order mark");
            return -1;
        }
        if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F) {
            ps_err_fail(err, PS_E_FORMAT, line,
                       "control character 0x%02x: not a text file", c);
            return -1;
        }
        if (c != ' ' && c != '\t' && c != '\r')
            content = 1;
    }
    if (!content) {
        ps_err_fail(err, PS_E_FORMAT, 0, "empty file: no KB number and no CSV header");
        return -1;
    }
    return 0;
}

/* ---- KB numbers ---------------------------------------------------- */

static int ps_inv_kbs_add(ps_inv_kbs *k, const char *s, unsigned line, ps_err *err)
{
    char *kb;

    if (k->n >= PS_INVENTORY_MAX_KBS) {
        ps_err_fail(err, PS_E_LIMIT, line, "more than %u KB numbers",
                   PS_INVENTORY_MAX_KBS);
        return -1;
    }
    if (k->n == k->cap) {
        char **v = ps_grow(k->v, &k->cap, k->n + 1, sizeof *v, 64);

        if (v == NULL)
            return ps_inv_oom(err);
        k->v = v;
    }
    kb = ps_strdup(s);
    if (kb == NULL)
        return ps_inv_oom(err);
    k->v[k->n++] = kb;
    return 0;
}

/* Adds s when it is a KB number; 0 when it is not one (and is skipped). */
int ps_inv_kb_add_if_kb(ps_inv_kbs *k, const char *s, unsigned line, ps_err *err)
{
    char kb[PS_KB_SIZE];

    if (ps_kb_normalize_to(s, kb) != 0)
        return 0;
    return ps_inv_kbs_add(k, kb, line, err);
}

static void ps_inv_kbs_free(ps_inv_kbs *k)
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
static void ps_inv_kbs_finish(ps_inv_kbs *k, ps_inventory *inv)
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
static int parse_kb_list(const char *p, const char *end, ps_inv_kbs *k, ps_err *err)
{
    unsigned line = 0;

    while (p < end) {
        size_t n;
        const char *s = next_line(&p, end, &n);
        const char *hash = memchr(s, '#', n);
        char kb[PS_KB_SIZE];
        char buf[32];
        int is_kb = 0;

        line++;
        if (hash != NULL)
            n = (size_t)(hash - s);
        s = ps_csv_trim(s, &n);
        if (n == 0)
            continue;
        if (n < sizeof buf) {
            memcpy(buf, s, n);
            buf[n] = '\0';
            is_kb = ps_kb_normalize_to(buf, kb) == 0;
        }
        if (!is_kb) {
            char ex[EXCERPT_MAX + 4];

            ps_inv_excerpt(s, n, ex, sizeof ex);
            ps_err_fail(err, PS_E_FORMAT, line, "not a KB number: '%s'", ex);
            return -1;
        }
        if (ps_inv_kbs_add(k, kb, line, err) < 0)
            return -1;
    }
    return 0;
}

static int is_csv_start(const char *s, size_t n)
{
    const char *t = s;
    size_t m = n;

    t = ps_csv_trim(t, &m);
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

/* What a format is recognised from, and what it is parsed with. */
typedef struct sniff {
    const char *text, *end; /* the whole text */
    const char *line;       /* the first non-blank line, trimmed */
    size_t n;
    unsigned lineno;
    const char *start;      /* where that line starts */
    const char *next;       /* where the line after it starts */
    int typed;              /* it is a "#TYPE" line: a CSV header follows */
    int header;             /* 1 once a CSV header was read into c and col */
    ps_csv c;
    size_t off[PS_INVENTORY_MAX_FIELDS];
    columns col;
    size_t n_header;
    unsigned header_line;
    ps_inventory *inv;
    ps_inv_kbs *k;
} sniff;

/* The next data row: 1, 0 at the end, -1 on error (a row whose number of
 * fields is not the header's). */
static int next_row(sniff *s, ps_err *err)
{
    int r = ps_csv_next(&s->c, err);

    if (r == 1 && s->c.n != s->n_header) {
        ps_err_fail(err, PS_E_FORMAT, s->c.rec_line,
                   "%zu fields where the header (line %u) has %zu", s->c.n, s->header_line,
                   s->n_header);
        return -1;
    }
    return r;
}

/* The rows of a wmic or Get-HotFix export, all of one machine. */
static int csv_row_qfe(const ps_csv *c, const columns *col, char **machine, ps_inventory *inv,
                       ps_inv_kbs *k, ps_err *err)
{
    if (col->machine >= 0 &&
        ps_inv_host_name(ps_csv_field(c, (size_t)col->machine), c->rec_line, "CSName", inv,
                         err) < 0)
        return -1;
    if (col->machine >= 0) {
        const char *m = ps_csv_field(c, (size_t)col->machine);
        size_t n = strlen(m);

        m = ps_csv_trim(m, &n);
        if (n > 0 && *machine == NULL) {
            *machine = ps_strndup(m, n);
            if (*machine == NULL)
                return ps_inv_oom(err);
        } else if (n > 0 && !(strlen(*machine) == n && ps_has_prefix_ci(m, *machine))) {
            char a[EXCERPT_MAX + 4], b[EXCERPT_MAX + 4];

            ps_inv_excerpt(*machine, strlen(*machine), a, sizeof a);
            ps_inv_excerpt(m, n, b, sizeof b);
            ps_err_fail(err, PS_E_FORMAT, c->rec_line,
                       "hotfixes of more than one machine ('%s' and '%s')", a, b);
            return -1;
        }
    }
    return ps_inv_kb_add_if_kb(k, ps_csv_field(c, (size_t)col->hotfix_id), c->rec_line, err);
}

static int parse_qfe(sniff *s, ps_err *err)
{
    char *machine = NULL;
    int r;

    while ((r = next_row(s, err)) == 1)
        if (csv_row_qfe(&s->c, &s->col, &machine, s->inv, s->k, err) < 0) {
            r = -1;
            break;
        }
    free(machine);
    return r < 0 ? -1 : 0;
}

static int csv_row_systeminfo(const ps_csv *c, const columns *col, ps_inventory *inv, ps_inv_kbs *k,
                              ps_err *err)
{
    if (col->os_version >= 0 &&
        ps_inv_os_version(ps_csv_field(c, (size_t)col->os_version), c->rec_line, inv, err) < 0)
        return -1;
    if (col->os_name >= 0 && ps_inv_os_name(ps_csv_field(c, (size_t)col->os_name), inv, err) < 0)
        return -1;
    if (col->host_name >= 0 && ps_inv_host_name(ps_csv_field(c, (size_t)col->host_name),
                                                c->rec_line, "Host Name", inv, err) < 0)
        return -1;
    if (col->sys_type >= 0)
        inv->arch = ps_inv_system_type(ps_csv_field(c, (size_t)col->sys_type));
    return ps_inv_hotfixes(ps_csv_field(c, (size_t)col->hotfixes), c->rec_line, k, err);
}

/* systeminfo /fo csv: the header and one row. */
static int parse_systeminfo(sniff *s, ps_err *err)
{
    size_t rows = 0;
    int r;

    while ((r = next_row(s, err)) == 1) {
        if (++rows > 1) {
            ps_err_fail(err, PS_E_FORMAT, s->c.rec_line,
                       "a second systeminfo row: an inventory describes one machine");
            return -1;
        }
        if (csv_row_systeminfo(&s->c, &s->col, s->inv, s->k, err) < 0)
            return -1;
    }
    if (r < 0)
        return -1;
    if (rows == 0) {
        ps_err_fail(err, PS_E_FORMAT, s->header_line,
                   "systeminfo CSV header without a data row");
        return -1;
    }
    return 0;
}

/* A CSV header from the first line, or from the line after "#TYPE": 1 read,
 * 0 the first line does not start a CSV, -1 on error. */
static int read_header(sniff *s, ps_err *err)
{
    int r;

    if (s->typed)
        ps_csv_init(&s->c, s->next, s->end, s->lineno + 1, s->off, PS_INVENTORY_MAX_FIELDS);
    else if (is_csv_start(s->line, s->n))
        ps_csv_init(&s->c, s->start, s->end, s->lineno, s->off, PS_INVENTORY_MAX_FIELDS);
    else
        return 0;
    r = ps_csv_next(&s->c, err);
    if (r <= 0) {
        if (r == 0)
            ps_err_fail(err, PS_E_FORMAT, s->lineno,
                       "a '#TYPE' line without a CSV header after it");
        return -1;
    }
    s->n_header = s->c.n;
    s->header_line = s->c.rec_line;
    s->col.hotfixes = ps_csv_column(&s->c, "Hotfix(s)");
    s->col.os_version = ps_csv_column(&s->c, "OS Version");
    s->col.os_name = ps_csv_column(&s->c, "OS Name");
    s->col.sys_type = ps_csv_column(&s->c, "System Type");
    s->col.hotfix_id = ps_csv_column(&s->c, "HotFixID");
    s->col.machine = ps_csv_column(&s->c, "CSName");
    s->col.host_name = ps_csv_column(&s->c, "Host Name");
    s->header = 1;
    return 1;
}

/* ---- the formats --------------------------------------------------- */

/* A KB number, or a '#' comment (not "#TYPE"), on the first line. */
static int is_kb_list(const sniff *s)
{
    char buf[32];
    char kb[PS_KB_SIZE];

    if (s->typed)
        return 0;
    if (s->line[0] == '#')
        return 1;
    if (s->n >= sizeof buf)
        return 0;
    {
        const char *hash = memchr(s->line, '#', s->n);
        size_t m = hash != NULL ? (size_t)(hash - s->line) : s->n;

        memcpy(buf, s->line, m);
        buf[m] = '\0';
    }
    return ps_kb_normalize_to(buf, kb) == 0;
}

static int parse_kb_list_text(sniff *s, ps_err *err)
{
    return parse_kb_list(s->text, s->end, s->k, err);
}

static int is_systeminfo(const sniff *s)
{
    return s->col.hotfixes >= 0 && !s->typed;
}

static int is_wmic_qfe(const sniff *s)
{
    return s->col.hotfix_id >= 0 && !s->typed && ps_csv_field_is(ps_csv_field(&s->c, 0), "Node");
}

static int is_get_hotfix(const sniff *s)
{
    return s->col.hotfix_id >= 0;
}

/* The four formats, in the order they are tried: a KB list from its first
 * line, the CSV exports from their header. */
static const struct inv_format {
    const char *name;                 /* ps_inventory.format */
    int csv;                          /* recognised from a CSV header */
    int (*detect)(const sniff *s);
    int (*parse)(sniff *s, ps_err *err);
} formats[] = {
    {"kb-list", 0, is_kb_list, parse_kb_list_text},
    {"systeminfo", 1, is_systeminfo, parse_systeminfo},
    {"wmic-qfe", 1, is_wmic_qfe, parse_qfe},
    {"get-hotfix", 1, is_get_hotfix, parse_qfe},
};

/* ---- recognition and the public functions ------------------------- */


static int parse_text(const char *text, size_t len, ps_inventory *inv, ps_inv_kbs *k, ps_err *err)
{
    sniff s = {.text = text, .end = text + len, .inv = inv, .k = k};
    const char *p = text;
    int rc = -1;

    while (p < s.end) {
        s.start = p;
        s.line = next_line(&p, s.end, &s.n);
        s.next = p;
        s.lineno++;
        s.line = ps_csv_trim(s.line, &s.n);
        if (s.n > 0)
            break;
    }
    if (s.n == 0)
        return 0;
    s.typed = s.n >= 5 && strncmp(s.line, "#TYPE", 5) == 0;
    for (size_t i = 0; i < PS_ARRAY_LEN(formats); i++) {
        const struct inv_format *f = &formats[i];

        if (f->csv && !s.header) {
            int r = read_header(&s, err);

            if (r < 0)
                goto out;
            if (r == 0)
                break;
        }
        if (f->detect(&s)) {
            inv->format = f->name;
            rc = f->parse(&s, err);
            goto out;
        }
    }
    if (s.header) {
        ps_err_fail(err, PS_E_FORMAT, s.header_line,
                   "the CSV header has no HotFixID or Hotfix(s) column (a header row "
                   "with English column names is needed; localised exports are not supported)");
    } else if (is_table_start(s.line, s.n)) {
        ps_err_fail(err, PS_E_FORMAT, s.lineno,
                   "a table or a list, not CSV: export with 'systeminfo /fo csv', "
                   "'wmic qfe list full /format:csv' or 'Get-HotFix | Export-Csv'");
    } else {
        char ex[EXCERPT_MAX + 4];

        ps_inv_excerpt(s.line, s.n, ex, sizeof ex);
        ps_err_fail(err, PS_E_FORMAT, s.lineno,
                   "neither a KB number nor a CSV header: '%s'", ex);
    }
out:
    ps_csv_free(&s.c);
    return rc;
}

int ps_inventory_parse(const void *data, size_t len, ps_inventory *out, ps_err *err)
{
    const unsigned char *d = data;
    ps_inventory inv = {0};
    ps_inv_kbs k = {0};
    ps_buf conv = {0};
    const char *text;
    size_t tlen;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (len == 0) {
        ps_err_fail(err, PS_E_FORMAT, 0, "empty file: no KB number and no CSV header");
        goto out;
    }
    if (len > PS_INVENTORY_MAX_BYTES) {
        ps_err_fail(err, PS_E_LIMIT, 0, "file of %zu bytes exceeds the limit of %u bytes",
                   len, PS_INVENTORY_MAX_BYTES);
        goto out;
    }
    if (ps_text_utf8(d, len, &conv, &text, &tlen,
                     "UTF-16 text (byte order mark) with an odd number of bytes",
                     "invalid UTF-16 text: unpaired surrogate", PS_ERR_NO_FINDING, err) < 0)
        goto out;
    if (check_text(text, tlen, err) < 0 || parse_text(text, tlen, &inv, &k, err) < 0)
        goto out;
    ps_inv_kbs_finish(&k, &inv);
    *out = inv;
    memset(&inv, 0, sizeof inv);
    rc = 0;
out:
    ps_inv_kbs_free(&k);
    ps_inventory_free(&inv);
    ps_buf_free(&conv);
    return rc;
}

int ps_inventory_load(const char *path, ps_inventory *out, char *err, size_t errlen)
{
    char *data = NULL, why[256];
    size_t len = 0;
    ps_err e = {0};
    int rc = -1;

    memset(out, 0, sizeof *out);
    ps_msg_set(err, errlen, "%s", "");
    switch (ps_read_file(path, PS_INVENTORY_MAX_BYTES, 0, &data, &len, why, sizeof why, NULL)) {
    case PS_READ_OK:
        break;
    case PS_READ_TOO_LARGE:
        ps_msg_set(err, errlen, "%s: file larger than the limit of %u bytes", path,
                PS_INVENTORY_MAX_BYTES);
        goto out;
    default: /* "cannot open: ...", "not a regular file (...)", "cannot read: ...", OOM */
        ps_msg_set(err, errlen, "%s: %s", path, why);
        goto out;
    }
    if (ps_inventory_parse(data, len, out, &e) == 0)
        rc = 0;
    else
        ps_err_where(&e, path, err, errlen);
out:
    free(data);
    return rc;
}

int ps_inventory_has(const ps_inventory *inv, const char *kb)
{
    char key[PS_KB_SIZE];
    size_t lo = 0, hi;
    int found = 0;

    if (inv == NULL || inv->n_kbs == 0)
        return 0;
    if (ps_kb_normalize_to(kb, key) != 0)
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
