/*
 * fuzz_ansible.c - the playbook folder (ps_ansible_build) of plans built
 * from any bytes, as if no check had run before the renderer.
 *
 * The input is lines (a value written with \n \r \t \\ and \xHH escapes,
 * so any byte can be in it):
 *   H<name>        a host (at most 4; none: one host of the default group)
 *   S<reason>      the skip reason of the last host
 *   O<os>          the Windows version of the plan (default 6.0)
 *   R<root>        a bundle root (at most 2)
 *   I<file>\t<kb>\t<sha256>   an install step
 *   B              a reboot step
 *   W              the steps so far end a window
 * Checked: when the build succeeds, every line of a vars file is "---",
 * "patchseq_steps:", a comment of printable ASCII, or `KEY: VALUE` with
 * VALUE an `!unsafe "..."` scalar (no raw '"', backslash escapes only, no
 * control byte) or a literal of the renderer (digits, true, false, [],
 * wusa, pkgmgr, dism); the inventory names only hosts that
 * ps_ansible_name_ok accepts.
 */
#include "fuzz.h"
#include "ansible.h"

#include <stdlib.h>
#include <string.h>

#define MAX_HOSTS 4
#define MAX_STEPS 16

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Unescapes s[0..n) into a new string. */
static char *value(const char *s, size_t n)
{
    char *v = malloc(n + 1);
    size_t k = 0;

    if (v == NULL)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            char c = s[++i];

            if (c == 'n')
                v[k++] = '\n';
            else if (c == 'r')
                v[k++] = '\r';
            else if (c == 't')
                v[k++] = '\t';
            else if (c == 'x' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
                int b = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);

                v[k++] = b ? (char)b : '?';
                i += 2;
            } else
                v[k++] = c;
        } else
            v[k++] = s[i] ? s[i] : '?';
    }
    v[k] = '\0';
    return v;
}

static int literal(const char *v, size_t n)
{
    static const char *const lits[] = {"true", "false", "[]", "wusa", "pkgmgr", "dism"};

    if (n > 0 && strspn(v, "0123456789") >= n)
        return 1;
    for (size_t i = 0; i < sizeof lits / sizeof lits[0]; i++)
        if (strlen(lits[i]) == n && memcmp(v, lits[i], n) == 0)
            return 1;
    return 0;
}

static void check_scalar(const char *v, size_t n)
{
    static const char tag[] = "!unsafe \"";

    if (literal(v, n))
        return;
    FUZZ_CHECK(n >= sizeof tag && memcmp(v, tag, sizeof tag - 1) == 0 && v[n - 1] == '"');
    for (size_t i = sizeof tag - 1; i + 1 < n; i++) {
        unsigned char c = (unsigned char)v[i];

        FUZZ_CHECK(c >= 0x20 && c != 0x7f && c != '"');
        if (c == '\\') {
            FUZZ_CHECK(i + 2 < n);
            i++;
        }
    }
}

static void check_vars(const char *doc)
{
    for (const char *line = doc; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        size_t i = 0;

        if ((len == 3 && memcmp(line, "---", 3) == 0) ||
            (len == 15 && memcmp(line, "patchseq_steps:", 15) == 0)) {
        } else if (len >= 2 && line[0] == '#' && line[1] == ' ') {
            for (size_t k = 0; k < len; k++)
                FUZZ_CHECK((unsigned char)line[k] >= 0x20 && (unsigned char)line[k] < 0x7f);
        } else {
            if (len >= 4 && memcmp(line, "  - ", 4) == 0)
                i = 4;
            else if (len >= 4 && memcmp(line, "    ", 4) == 0)
                i = 4;
            while (i < len && ((line[i] >= 'a' && line[i] <= 'z') || line[i] == '_' ||
                               (line[i] >= '0' && line[i] <= '9')))
                i++;
            FUZZ_CHECK(i + 2 < len && line[i] == ':' && line[i + 1] == ' ');
            check_scalar(line + i + 2, len - i - 2);
        }
        FUZZ_CHECK(end != NULL); /* every line ends */
        line = end + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), *os = NULL, *roots[2] = {NULL, NULL};
    char *names[MAX_HOSTS] = {NULL}, *reasons[MAX_HOSTS] = {NULL};
    ps_package pkgs[MAX_STEPS];
    ps_plan_node nodes[MAX_STEPS];
    ps_plan_step steps[MAX_STEPS];
    ps_plan_window windows[MAX_STEPS];
    ps_arch_plan ap;
    ps_plan plan;
    ps_ansible_host hosts[MAX_HOSTS];
    ps_ansible_file *files = NULL;
    size_t nh = 0, nr = 0, np = 0, ns = 0, nw = 0, nfiles = 0, wstart = 0;
    char msg[1024];

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    memset(pkgs, 0, sizeof pkgs);
    memset(nodes, 0, sizeof nodes);
    memset(&ap, 0, sizeof ap);
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char kind = p[0];

        if (kind == 'H' && nh < MAX_HOSTS)
            names[nh++] = value(p + 1, len - 1);
        else if (kind == 'S' && nh > 0 && reasons[nh - 1] == NULL)
            reasons[nh - 1] = value(p + 1, len - 1);
        else if (kind == 'O' && os == NULL)
            os = value(p + 1, len - 1);
        else if (kind == 'R' && nr < 2)
            roots[nr++] = value(p + 1, len - 1);
        else if (kind == 'I' && np < MAX_STEPS && ns < MAX_STEPS) {
            char *f = value(p + 1, len - 1), *t1 = strchr(f, '\t'), *t2;

            if (t1)
                *t1++ = '\0';
            t2 = t1 ? strchr(t1, '\t') : NULL;
            if (t2)
                *t2++ = '\0';
            pkgs[np].file = f;
            pkgs[np].kb = t1 ? t1 : f;
            pkgs[np].hashed = 1;
            snprintf(pkgs[np].sha256, sizeof pkgs[np].sha256, "%s", t2 ? t2 : "");
            nodes[np].pkg = &pkgs[np];
            nodes[np].kb = pkgs[np].kb;
            steps[ns++] = (ps_plan_step){.action = PS_STEP_INSTALL, .node = np++};
        } else if (kind == 'B' && ns < MAX_STEPS)
            steps[ns++] = (ps_plan_step){.action = PS_STEP_REBOOT, .node = PS_NO_NODE};
        else if (kind == 'W' && ns > wstart && nw < MAX_STEPS) {
            windows[nw++] = (ps_plan_window){wstart, ns - 1, 60, 0};
            wstart = ns;
        }
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    ap.os = os ? os : (char *)"6.0";
    ap.arch = PS_ARCH_X64;
    ap.nodes = nodes;
    ap.n_nodes = np;
    ap.steps = steps;
    ap.n_steps = ns;
    ap.windows = nw ? windows : NULL;
    ap.n_windows = nw;
    plan.plans = &ap;
    plan.count = 1;
    for (size_t i = 0; i < (nh ? nh : 1); i++)
        hosts[i] = (ps_ansible_host){nh ? names[i] : NULL, &plan, nh ? reasons[i] : NULL};
    {
        ps_script_opts so = {(const char *const *)roots, nr};

        if (ps_ansible_build(hosts, nh ? nh : 1, NULL, &so, &files, &nfiles, msg, sizeof msg) == 0) {
            for (size_t i = 0; i < nfiles; i++) {
                FUZZ_CHECK(files[i].data != NULL && strlen(files[i].data) == files[i].len);
                if (strncmp(files[i].path, "host_vars/", 10) == 0 ||
                    strcmp(files[i].path, "group_vars/windows.yml") == 0)
                    check_vars(files[i].data);
            }
            for (size_t i = 0; i < nh; i++)
                FUZZ_CHECK(ps_ansible_name_ok(names[i]));
            ps_ansible_files_free(files, nfiles);
        }
    }
    for (size_t i = 0; i < np; i++)
        free(pkgs[i].file);
    for (size_t i = 0; i < MAX_HOSTS; i++) {
        free(names[i]);
        free(reasons[i]);
    }
    free(roots[0]);
    free(roots[1]);
    free(os);
    free(text);
    return 0;
}
