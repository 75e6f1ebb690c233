/*
 * fuzz_render.c - every renderer fed package facts of any bytes at all,
 * as if no check had run before them: each back-end's own escaping must
 * hold by itself.
 *
 * The input is one package per line, tab-separated key=value fields, a
 * value written with \n \r \t \\ and \xHH escapes (so any byte can be in
 * it):
 *   kb=KB4474419	os=6.0	arch=x64	name=...	version=...	type=...
 *   restart=...	date=...	stack=...	kernel=...	installer=...	file=...
 *   id=...	prereq=a,b	supby=c	sha256=...	member=...	msg=...
 * Each package also carries one finding (member, msg) on its file.  A
 * byte that is not UTF-8 becomes '?' (the reader's contract: it hands on
 * text); control characters, line separators and markup all stay.
 *
 * Rendered: plan text, json, md, dot, cmd, ps1 (when the plan can be a
 * script), explain, the findings as text, and a JUnit report.  Checked:
 * - text, md, dot, explain, findings: valid UTF-8, no control character
 *   but LF, no DEL, C1, U+2028 or U+2029 (no line a value made);
 * - md: only the template's headings, no raw '<' but the template's <br>,
 *   every row of a table has its header's cells;
 * - dot: every "..." string is closed on its line, escapes are \\ and \";
 * - json: jansson reads it back; JUnit: libxml2 reads it (no recovery);
 * - cmd and ps1: CRLF line ends only, lines of at most 8,191 characters,
 *   and each install line of the grammar step / KB / safe file name /
 *   SHA-256 / tool.
 */
#include "fuzz.h"
#include "cli.h"
#include "escape.h"
#include "junit.h"
#include "kb.h"
#include "plan.h"
#include "render.h"
#include "script.h"

#include "config.h"

#include <jansson.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PKGS 16
#define MAX_LIST 4

static ps_kb kb;
static int kb_loaded;

static void load_kb(void)
{
    const char *dir = getenv("PATCHSEQ_DATA_DIR");
    ps_findings f = {0};
    char err[512];

    if (ps_kb_load(&kb, dir && dir[0] ? dir : PS_SOURCE_DIR, &f, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_render: the shipped knowledge base does not load: %s\n", err);
        abort();
    }
    ps_findings_free(&f);
    kb_loaded = 1;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The value with its escapes decoded (a NUL ends it); NULL when empty. */
static char *value(const char *s, size_t n)
{
    char *v = malloc(n + 1);
    size_t o = 0;

    FUZZ_CHECK(v != NULL);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c == '\\' && i + 1 < n) {
            char e = s[++i];

            if (e == 'n')
                c = '\n';
            else if (e == 'r')
                c = '\r';
            else if (e == 't')
                c = '\t';
            else if (e == 'x' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
                c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
                i += 2;
            } else
                c = e;
        }
        if (c == '\0')
            break;
        v[o++] = c;
    }
    v[o] = '\0';
    if (o == 0) {
        free(v);
        return NULL;
    }
    /* The reader hands on text: XML values are UTF-8, names that are not
     * are shown with \xHH escapes.  Every other byte stays. */
    for (size_t i = 0; i < o;) {
        unsigned long cp;
        size_t l = ps_utf8_decode((const unsigned char *)v + i, o - i, &cp);

        if (l == 0) {
            v[i++] = '?';
            continue;
        }
        i += l;
    }
    return v;
}

static void list(char ***v, size_t *n, const char *s)
{
    const char *p = s;

    while (p && *p && *n < MAX_LIST) {
        const char *c = strchr(p, ',');
        char *item = ps_strndup(p, c ? (size_t)(c - p) : strlen(p));

        FUZZ_CHECK(item != NULL);
        FUZZ_CHECK(ps_strv_push(v, n, item) == 0);
        free(item);
        p = c ? c + 1 : NULL;
    }
}

struct extra {
    char *member, *msg;
};

static void set_field(ps_package *p, struct extra *x, const char *k, size_t kn, char *v)
{
#define KEY(s) (kn == sizeof(s) - 1 && memcmp(k, s, kn) == 0)
#define TAKE(dst)       \
    do {                \
        free(dst);      \
        (dst) = v;      \
        v = NULL;       \
    } while (0)
    if (KEY("kb"))
        TAKE(p->kb);
    else if (KEY("os"))
        TAKE(p->os);
    else if (KEY("arch"))
        p->arch = ps_arch_parse(v ? v : "");
    else if (KEY("name"))
        TAKE(p->identity.name);
    else if (KEY("version"))
        TAKE(p->identity.version);
    else if (KEY("type"))
        TAKE(p->release_type);
    else if (KEY("restart"))
        TAKE(p->restart);
    else if (KEY("date"))
        TAKE(p->build_date);
    else if (KEY("stack"))
        TAKE(p->provides_stack);
    else if (KEY("kernel"))
        TAKE(p->kernel_version);
    else if (KEY("installer"))
        TAKE(p->installer_version);
    else if (KEY("file"))
        TAKE(p->file);
    else if (KEY("id")) {
        TAKE(p->wsus.update_id);
        p->has_wsus = 1;
    } else if (KEY("prereq")) {
        list(&p->wsus.prerequisites, &p->wsus.n_prerequisites, v);
        p->has_wsus = 1;
    } else if (KEY("supby")) {
        list(&p->wsus.superseded_by, &p->wsus.n_superseded_by, v);
        p->has_wsus = 1;
    } else if (KEY("sha256")) {
        snprintf(p->sha256, sizeof p->sha256, "%s", v ? v : "");
    } else if (KEY("member"))
        TAKE(x->member);
    else if (KEY("msg"))
        TAKE(x->msg);
    free(v);
#undef TAKE
#undef KEY
}

static void parse_line(ps_bundle *b, struct extra *xs, const char *s, size_t len)
{
    ps_package *p;
    struct extra *x;
    size_t i = 0;

    if (b->count == MAX_PKGS)
        return;
    x = &xs[b->count];
    p = &b->items[b->count++];
    memset(p, 0, sizeof *p);
    memset(x, 0, sizeof *x);
    p->readable = 1;
    p->sha2_only = -1;
    p->hashed = 1;
    memset(p->sha256, 'a', 64);
    memset(p->sha1, 'b', 40);
    p->os = ps_strdup("6.0");
    p->kb_source = PS_KB_SOURCE_MUM;
    p->arch = PS_ARCH_X64;
    while (i < len) {
        size_t j = i, eq;

        while (j < len && s[j] != '\t')
            j++;
        for (eq = i; eq < j && s[eq] != '='; eq++)
            ;
        if (eq < j)
            set_field(p, x, s + i, eq - i, value(s + eq + 1, j - eq - 1));
        i = j + 1;
    }
    if (p->file == NULL)
        p->file = ps_asprintf("Windows6.0-%s-x64.msu", p->kb ? p->kb : "KB0");
    FUZZ_CHECK(p->file != NULL);
    p->name_arch = p->arch;
    FUZZ_CHECK(ps_set_str(&p->name_os, p->os) == 0);
    FUZZ_CHECK(ps_set_str(&p->path, p->file) == 0);
}

/* No line a value made: valid UTF-8, no control but LF (and TAB when
 * allowed), no DEL, C1, U+2028, U+2029. */
static void check_lines(const char *doc, size_t len, int tab_ok)
{
    const unsigned char *p = (const unsigned char *)doc;

    for (size_t i = 0; i < len;) {
        unsigned long cp;
        size_t l = ps_utf8_decode(p + i, len - i, &cp);

        FUZZ_CHECK(l != 0);
        FUZZ_CHECK(cp >= 0x20 || cp == '\n' || (tab_ok && cp == '\t'));
        FUZZ_CHECK(cp != 0x7F && !(cp >= 0x80 && cp <= 0x9F) && cp != 0x2028 && cp != 0x2029);
        i += l;
    }
}

static size_t cells(const char *line, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (line[i] == '\\') {
            i++;
            continue;
        }
        k += line[i] == '|';
    }
    return k;
}

static void check_md(const char *doc, size_t len)
{
    static const char *const heads[] = {"# Change request", "## Windows ", "## Group ", "## Scope",
                                        "## Machine groups", "## Checks done before", "## Findings",
                                        "## No package to plan", "### Steps", "### Restarts",
                                        "### Estimated time", "### Prerequisites the bundle lacks",
                                        "### Maintenance windows", "### Skipped", "### Backout",
                                        "### Errors", "### Warnings", "### Notes"};
    size_t header = 0;

    check_lines(doc, len, 0);
    for (const char *line = doc; line < doc + len;) {
        const char *nl = memchr(line, '\n', (size_t)(doc + len - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(doc + len - line);
        int in_code = 0;

        if (n > 0 && line[0] == '#') {
            int ok = 0;

            for (size_t h = 0; h < PS_ARRAY_LEN(heads); h++)
                ok |= n >= strlen(heads[h]) && memcmp(line, heads[h], strlen(heads[h])) == 0;
            FUZZ_CHECK(ok);
        }
        for (size_t i = 0; i < n; i++) {
            if (line[i] == '\\' && !in_code) {
                i++;
                continue;
            }
            if (line[i] == '`')
                in_code = !in_code;
            if (line[i] == '<' && !in_code)
                FUZZ_CHECK(n - i >= 4 && memcmp(line + i, "<br>", 4) == 0);
        }
        FUZZ_CHECK(!in_code);
        if (n > 0 && line[0] == '|') {
            if (header == 0)
                header = cells(line, n);
            else
                FUZZ_CHECK(cells(line, n) == header);
        } else {
            header = 0;
        }
        line += n + 1;
    }
}

static void check_dot(const char *doc, size_t len)
{
    int in_str = 0;

    check_lines(doc, len, 0);
    for (size_t i = 0; i < len; i++) {
        char c = doc[i];

        if (in_str) {
            if (c == '\\') {
                /* \\ and \" from the escaper, \n and \l line breaks of the template */
                FUZZ_CHECK(i + 1 < len && (doc[i + 1] == '\\' || doc[i + 1] == '"' || doc[i + 1] == 'n' ||
                                       doc[i + 1] == 'l'));
                i++;
            } else if (c == '"') {
                in_str = 0;
            } else {
                FUZZ_CHECK(c != '\n');
            }
        } else if (c == '"') {
            in_str = 1;
        }
    }
    FUZZ_CHECK(!in_str);
}

static int tool_ok(const char *s, size_t n)
{
    return (n == 4 && memcmp(s, "wusa", 4) == 0) || (n == 6 && memcmp(s, "pkgmgr", 6) == 0) ||
           (n == 4 && memcmp(s, "dism", 4) == 0);
}

static size_t span(const char *s, size_t n, const char *set)
{
    size_t i = 0;

    while (i < n && s[i] && strchr(set, s[i]) != NULL)
        i++;
    return i;
}

#define DIGITS "0123456789"
#define HEX "0123456789abcdef"
#define NAME "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._()+-"

/* "call :install N KB... FILE SHA TOOL" */
static void check_cmd_install(const char *l, size_t n)
{
    size_t i = strlen("call :install "), k;

    k = span(l + i, n - i, DIGITS);
    FUZZ_CHECK(k > 0 && l[i + k] == ' ');
    i += k + 1;
    FUZZ_CHECK(n - i > 2 && l[i] == 'K' && l[i + 1] == 'B');
    k = span(l + i + 2, n - i - 2, DIGITS);
    FUZZ_CHECK(k >= 6 && k <= 8 && l[i + 2 + k] == ' ');
    i += 2 + k + 1;
    k = span(l + i, n - i, NAME);
    FUZZ_CHECK(k > 0 && l[i + k] == ' ');
    i += k + 1;
    k = span(l + i, n - i, HEX);
    FUZZ_CHECK(k == 64 && l[i + k] == ' ');
    i += k + 1;
    FUZZ_CHECK(tool_ok(l + i, n - i));
}

static void check_ps1_install(const char *l, size_t n)
{
    static const char a[] = "    @{ Action = 'install'; Kb = 'KB", b[] = "'; File = '",
                      c[] = "'; Sha256 = '", d[] = "'; Tool = '";
    size_t i = strlen(a), k;

    k = span(l + i, n - i, DIGITS);
    FUZZ_CHECK(k >= 6 && k <= 8 && n - i - k > strlen(b) && memcmp(l + i + k, b, strlen(b)) == 0);
    i += k + strlen(b);
    k = span(l + i, n - i, NAME);
    FUZZ_CHECK(k > 0 && n - i - k > strlen(c) && memcmp(l + i + k, c, strlen(c)) == 0);
    i += k + strlen(c);
    k = span(l + i, n - i, HEX);
    FUZZ_CHECK(k == 64 && n - i - k > strlen(d) && memcmp(l + i + k, d, strlen(d)) == 0);
    i += k + strlen(d);
    FUZZ_CHECK(n - i > 4);
}

static void check_script(const char *doc, size_t len, int ps1)
{
    for (size_t i = 0; i < len;) {
        const char *cr = memchr(doc + i, '\r', len - i);
        size_t n;

        FUZZ_CHECK(cr != NULL && (size_t)(cr - doc) + 1 < len && cr[1] == '\n');
        n = (size_t)(cr - (doc + i));
        FUZZ_CHECK(memchr(doc + i, '\n', n) == NULL && n <= PS_CMD_LINE_MAX);
        if (!ps1 && n >= 14 && memcmp(doc + i, "call :install ", 14) == 0)
            check_cmd_install(doc + i, n);
        if (ps1 && n >= 28 && memcmp(doc + i, "    @{ Action = 'install'", 25) == 0)
            check_ps1_install(doc + i, n);
        for (size_t k = 0; k < n; k++)
            FUZZ_CHECK((unsigned char)doc[i + k] >= 0x20 && doc[i + k] != 0x7F);
        i += n + 2;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    ps_package items[MAX_PKGS];
    struct extra xs[MAX_PKGS];
    ps_bundle b = {items, 0, MAX_PKGS};
    ps_plan_opts po;
    ps_plan plan = {NULL, 0};
    ps_findings f = {0};
    size_t i = 0;

    if (!kb_loaded)
        load_kb();
    while (i < size) {
        size_t j = i;

        while (j < size && s[j] != '\n')
            j++;
        parse_line(&b, xs, s + i, j - i);
        i = j + 1;
    }
    for (size_t k = 0; k < b.count; k++) {
        ps_where w = {b.items[k].file, xs[k].member, 3, PS_ARCH_NONE, NULL, b.items[k].kb};

        FUZZ_CHECK(ps_findings_add(&f, PS_F_UNSAFE_INPUT, &w, "%s",
                                   xs[k].msg ? xs[k].msg : "message") == 0);
    }
    ps_plan_opts_default(&po);
    po.arch_mask = PS_ARCH_BIT(PS_ARCH_X64);
    FUZZ_CHECK(ps_plan_build(&plan, &b, &kb, &po, &f) == 0);

    {
        static const char *const formats[] = {"text", "json", "md", "dot"};

        for (size_t k = 0; k < PS_ARRAY_LEN(formats); k++) {
            size_t len = 0;
            char *doc = ps_plan_render(formats[k], &plan, &f, &len);

            FUZZ_CHECK(doc != NULL && strlen(doc) == len);
            if (k == 0)
                check_lines(doc, len, 0);
            else if (k == 1) {
                json_error_t e;
                json_t *j = json_loadb(doc, len, 0, &e);

                FUZZ_CHECK(j != NULL);
                json_decref(j);
            } else if (k == 2)
                check_md(doc, len);
            else
                check_dot(doc, len);
            free(doc);
        }
    }
    {
        char msg[1024];

        if (ps_plan_script_check(&plan, msg, sizeof msg) == 0) {
            ps_buf c = {0}, p = {0};

            FUZZ_CHECK(ps_plan_render_cmd(&c, &plan, &f) == 0 && c.data != NULL);
            check_script(c.data, c.len, 0);
            FUZZ_CHECK(ps_plan_render_ps1(&p, &plan, &f) == 0 && p.data != NULL);
            check_script(p.data, p.len, 1);
            ps_buf_free(&c);
            ps_buf_free(&p);
        }
    }
    for (size_t k = 0; k < b.count && k < 2; k++) {
        size_t len = 0, found = 0;
        char *doc = ps_plan_explain(&plan, b.items[k].kb ? b.items[k].kb : "KB0", &len, &found);

        FUZZ_CHECK(doc != NULL && strlen(doc) == len);
        check_lines(doc, len, 0);
        free(doc);
    }
    {
        ps_buf t = {0};

        ps_findings_render_text(&t, &f);
        if (t.data)
            check_lines(t.data, t.len, 0);
        ps_buf_free(&t);
    }
    {
        ps_junit j = {0};
        ps_buf out = {0};
        char err[256];

        for (size_t k = 0; k < f.count; k++) {
            const char *file = f.items[k].file ? f.items[k].file : "plan";
            ps_junit_case *c = ps_junit_find(&j, "patchseq.package", file);

            if (c == NULL)
                c = ps_junit_add_case(&j, "patchseq.package", file, file);
            FUZZ_CHECK(c != NULL);
            FUZZ_CHECK(ps_junit_add_finding(c, &f.items[k]) == 0);
        }
        FUZZ_CHECK(ps_junit_render(&j, "patchseq validate", &out, err, sizeof err) == 0);
        {
            xmlDocPtr d = xmlReadMemory(out.data, (int)out.len, NULL, NULL, XML_PARSE_NONET);

            FUZZ_CHECK(d != NULL);
            xmlFreeDoc(d);
        }
        ps_buf_free(&out);
        ps_junit_free(&j);
    }

    ps_plan_free(&plan);
    ps_findings_free(&f);
    for (size_t k = 0; k < b.count; k++) {
        ps_package_free(&b.items[k]);
        free(xs[k].member);
        free(xs[k].msg);
    }
    return 0;
}
