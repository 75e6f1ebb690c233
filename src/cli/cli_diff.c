/*
 * cli_diff.c - `patchseq diff OLD NEW`: what a bundle change does to the
 * plans.
 *
 * OLD and NEW are each a bundle (a folder, files, or an archive), a plan
 * (the output of `plan --format json`, schema patchseq.plan/1) or a lock
 * (schema patchseq.lock/1).  A bundle is planned as `plan` plans it (every
 * architecture, nothing installed) and turned into its plan document, so
 * that every comparison is between two plan documents: KBs added and
 * removed, KBs newly superseded, and per (OS, architecture) the plans
 * added, removed or changed (installs, reboots, order).  A lock holds files
 * and the digest of its plan, not the plan: when either side is a lock,
 * the diff is of files (added, removed, changed bytes) and of the plan
 * digest, and a bundle on the other side is locked first.
 *
 * Exit status as diff(1): 0 no change, 1 changes, 2 trouble.
 */
#include "cli.h"
#include "escape.h"
#include "kb.h"
#include "lock.h"
#include "plan.h"
#include "render.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DIFF_MAX_JSON_BYTES ((size_t)64 << 20)

static const char diff_usage[] =
    "usage: patchseq diff [OPTIONS] OLD NEW\n"
    "\n"
    "Says what a bundle change does to the plans.  OLD and NEW are each a\n"
    "bundle (a folder, or an archive), the output of `plan --format json`, or\n"
    "a lock made by `patchseq lock`.  Two plans (a bundle is planned for every\n"
    "architecture): the KBs added and removed, the KBs newly superseded, and\n"
    "each plan (OS and architecture) added, removed or changed.  When a side\n"
    "is a lock: the files added, removed and changed, and whether the plan\n"
    "digest changed.\n"
    "\n"
    "options:\n"
    "  --format FORMAT     text (default), json (schema patchseq.diff/1), or md\n"
    "                      (Markdown, for a merge-request comment)\n"
    "  --rules DIR         the knowledge dir (rules/ and manifests/)\n"
    "  -o, --output FILE   write to FILE (atomically) instead of standard output\n"
    "                      ('-': standard output)\n"
    "  -q, --quiet         no progress bar\n"
    "  -v, --verbose       also what was read, from where, how long\n"
    "  --no-progress       no progress bar\n"
    "  -h, --help          show this help\n"
    "\n"
    "exit status: 0 no change; 1 changes; 2 usage error, or a side that\n"
    "cannot be read.\n";

enum side_kind { SIDE_PLAN, SIDE_LOCK, SIDE_BUNDLE };

typedef struct side {
    const char *arg;
    enum side_kind kind;
    json_t *plan;            /* SIDE_PLAN, SIDE_BUNDLE: the plan document */
    ps_lock lock;            /* SIDE_LOCK, or a bundle locked for a lock */
    int have_lock;
    ps_bundle bundle;
    ps_findings f;
    ps_plan p;
} side;

typedef struct dctx {
    const char *format;
    const char *rules;
    const char *outpath;
    ps_kb kb;
    int have_kb;
    side s[2];
} dctx;

static void side_free(side *s)
{
    json_decref(s->plan);
    if (s->have_lock)
        ps_lock_free(&s->lock);
    ps_plan_free(&s->p);
    ps_bundle_free(&s->bundle);
    ps_findings_free(&s->f);
}

/* ---- loading ------------------------------------------------------ */

/* 1 when path is a JSON document (a .json file, or a file starting '{'). */
static int is_json_file(const char *path)
{
    struct stat st;
    FILE *fp;
    int c = EOF;

    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || ps_bundle_is_archive(path))
        return 0;
    if (ps_has_suffix_ci(path, ".json"))
        return 1;
    fp = fopen(path, "rb");
    if (fp == NULL)
        return 0;
    do
        c = fgetc(fp);
    while (c == ' ' || c == '\t' || c == '\r' || c == '\n');
    fclose(fp);
    return c == '{';
}

static int load_json_side(ps_cli *cli, side *s)
{
    json_error_t je;
    json_t *root = json_load_file(s->arg, JSON_REJECT_DUPLICATES, &je);
    const char *schema;
    char msg[1024];
    int is_lock;

    if (root == NULL) {
        fprintf(cli->err, "patchseq diff: %s:%d: not JSON: %s\n", s->arg, je.line, je.text);
        return 2;
    }
    schema = json_string_value(json_object_get(root, "schema"));
    if (schema && strcmp(schema, "patchseq.plan/1") == 0) {
        if (!json_is_array(json_object_get(root, "plans"))) {
            fprintf(cli->err, "patchseq diff: %s: a plan without \"plans\"\n", s->arg);
            json_decref(root);
            return 2;
        }
        s->kind = SIDE_PLAN;
        s->plan = root;
        return 0;
    }
    is_lock = schema && strcmp(schema, PS_LOCK_SCHEMA) == 0;
    json_decref(root);
    if (is_lock) {
        if (ps_lock_load(&s->lock, s->arg, msg, sizeof msg) != 0) {
            fprintf(cli->err, "patchseq diff: %s\n", msg);
            return 2;
        }
        s->kind = SIDE_LOCK;
        s->have_lock = 1;
        return 0;
    }
    fprintf(cli->err, "patchseq diff: %s: neither a plan (patchseq.plan/1) nor a lock (%s)\n",
            s->arg, PS_LOCK_SCHEMA);
    return 2;
}

static int load_bundle_side(ps_cli *cli, dctx *c, side *s, int want_lock)
{
    ps_read_opts ro;
    char *doc;
    size_t len = 0;
    json_error_t je;
    int r;

    if (!c->have_kb) {
        if ((r = ps_cli_load_kb(cli, "diff", c->rules, &c->kb, &s->f)) != 0)
            return r;
        c->have_kb = 1;
    }
    ps_read_opts_default(&ro);
    ro.hash = want_lock;
    s->kind = SIDE_BUNDLE;
    if ((r = ps_cli_read_bundle(cli, &s->bundle, (char **)&s->arg, 1, &ro, &s->f)) != 0)
        return r;
    if (ps_plan_build(&s->p, &s->bundle, &c->kb, NULL, &s->f) != 0)
        goto oom;
    ps_findings_sort(&s->f);
    doc = ps_plan_render("json", &s->p, &s->f, &len);
    if (doc == NULL)
        goto oom;
    s->plan = json_loadb(doc, len, 0, &je);
    free(doc);
    if (s->plan == NULL)
        goto oom;
    if (want_lock) {
        const char *roots[1] = {s->arg};

        if (ps_lock_build(&s->lock, &s->bundle, &s->p, roots, 1, &s->f) != 0)
            goto oom;
        s->have_lock = 1;
    }
    return 0;
oom:
    fprintf(cli->err, "patchseq diff: out of memory\n");
    return 2;
}

/* ---- the plan model ----------------------------------------------- */

static const char *jget(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));

    return v ? v : "";
}

/* The plan of (os, arch) in a plan document, or NULL. */
static json_t *find_plan(json_t *doc, const char *os, const char *arch)
{
    json_t *plans = json_object_get(doc, "plans"), *p;
    size_t i;

    json_array_foreach(plans, i, p)
        if (strcmp(jget(p, "os"), os) == 0 && strcmp(jget(p, "arch"), arch) == 0)
            return p;
    return NULL;
}

/* The install KBs of a plan, in order, into a JSON array (new reference). */
static json_t *installs(json_t *plan)
{
    json_t *a = json_array(), *st;
    size_t i;

    json_array_foreach(json_object_get(plan, "steps"), i, st)
        if (strcmp(jget(st, "action"), "install") == 0 && json_object_get(st, "kb"))
            json_array_append(a, json_object_get(st, "kb"));
    return a;
}

static int in_array(json_t *a, const char *s)
{
    json_t *v;
    size_t i;

    json_array_foreach(a, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return 1;
    return 0;
}

/* Every KB of a document (installed or skipped in any plan), sorted, unique. */
static json_t *all_kbs(json_t *doc)
{
    json_t *a = json_array(), *p, *st;
    size_t i, k;
    const char *const lists[] = {"steps", "skipped"};

    json_array_foreach(json_object_get(doc, "plans"), i, p)
        for (size_t l = 0; l < 2; l++)
            json_array_foreach(json_object_get(p, lists[l]), k, st) {
                const char *kb = json_string_value(json_object_get(st, "kb"));

                if (kb && !in_array(a, kb))
                    json_array_append_new(a, json_string(kb));
            }
    return a;
}

static int cmp_jstr(const void *x, const void *y)
{
    return strcmp(json_string_value(*(json_t *const *)x), json_string_value(*(json_t *const *)y));
}

/* The strings of a in b's absence, sorted (new reference). */
static json_t *minus(json_t *a, json_t *b)
{
    json_t *r = json_array(), *v;
    size_t i, n;
    json_t **tmp;

    json_array_foreach(a, i, v)
        if (json_is_string(v) && !in_array(b, json_string_value(v)) &&
            !in_array(r, json_string_value(v)))
            json_array_append(r, v);
    n = json_array_size(r);
    tmp = ps_calloc(n ? n : 1, sizeof *tmp);
    if (tmp == NULL) {
        json_decref(r);
        return NULL;
    }
    for (i = 0; i < n; i++)
        tmp[i] = json_incref(json_array_get(r, i));
    qsort(tmp, n, sizeof *tmp, cmp_jstr);
    json_array_clear(r);
    for (i = 0; i < n; i++)
        json_array_append_new(r, tmp[i]);
    free(tmp);
    return r;
}

/* The skipped entry of kb in plan with why "superseded", or NULL. */
static json_t *superseded_in(json_t *plan, const char *kb)
{
    json_t *st;
    size_t i;

    json_array_foreach(json_object_get(plan, "skipped"), i, st)
        if (strcmp(jget(st, "kb"), kb) == 0 && strcmp(jget(st, "why"), "superseded") == 0)
            return st;
    return NULL;
}

/* The diff document of two plan documents (patchseq.diff/1). */
json_t *ps_diff_plans(json_t *a, json_t *b, const char *old, const char *new_)
{
    json_t *root = json_object(), *ka = all_kbs(a), *kb = all_kbs(b), *plans = json_array();
    json_t *sup = json_array(), *p;
    size_t i;
    int changed = 0;

    json_object_set_new(root, "schema", json_string("patchseq.diff/1"));
    json_object_set_new(root, "mode", json_string("plans"));
    json_object_set_new(root, "old", json_string(old));
    json_object_set_new(root, "new", json_string(new_));
    json_object_set_new(root, "kbs_added", minus(kb, ka));
    json_object_set_new(root, "kbs_removed", minus(ka, kb));
    changed |= json_array_size(json_object_get(root, "kbs_added")) > 0 ||
               json_array_size(json_object_get(root, "kbs_removed")) > 0;
    /* every (os, arch) of either side, old first */
    for (int side_i = 0; side_i < 2; side_i++)
        json_array_foreach(json_object_get(side_i ? b : a, "plans"), i, p) {
            const char *os = jget(p, "os"), *arch = jget(p, "arch");
            json_t *po = find_plan(a, os, arch), *pn = find_plan(b, os, arch), *o, *io, *in;
            const char *status;

            if (side_i == 1 && po != NULL)
                continue; /* done from the old side */
            io = po ? installs(po) : json_array();
            in = pn ? installs(pn) : json_array();
            status = po == NULL ? "added" : pn == NULL ? "removed"
                     : (json_equal(io, in) &&
                        json_integer_value(json_object_get(po, "reboots")) ==
                            json_integer_value(json_object_get(pn, "reboots")))
                         ? "unchanged"
                         : "changed";
            changed |= strcmp(status, "unchanged") != 0;
            o = json_object();
            json_object_set_new(o, "os", json_string(os));
            json_object_set_new(o, "arch", json_string(arch));
            json_object_set_new(o, "status", json_string(status));
            json_object_set_new(o, "installs_old", json_integer((json_int_t)json_array_size(io)));
            json_object_set_new(o, "installs_new", json_integer((json_int_t)json_array_size(in)));
            json_object_set_new(o, "reboots_old",
                                json_integer(po ? json_integer_value(json_object_get(po, "reboots")) : 0));
            json_object_set_new(o, "reboots_new",
                                json_integer(pn ? json_integer_value(json_object_get(pn, "reboots")) : 0));
            json_object_set_new(o, "installs_added", minus(in, io));
            json_object_set_new(o, "installs_removed", minus(io, in));
            {
                /* the same KBs, in another order */
                json_t *x = minus(in, io), *y = minus(io, in);
                int same_set = json_array_size(x) == 0 && json_array_size(y) == 0;

                json_object_set_new(o, "order_changed",
                                    json_boolean(po && pn && same_set && !json_equal(io, in)));
                json_decref(x);
                json_decref(y);
            }
            json_array_append_new(plans, o);
            /* newly superseded: superseded in the new plan, not in the old */
            if (pn != NULL) {
                json_t *st;
                size_t k;

                json_array_foreach(json_object_get(pn, "skipped"), k, st) {
                    const char *kbn = jget(st, "kb");
                    json_t *e;

                    if (strcmp(jget(st, "why"), "superseded") != 0 ||
                        (po != NULL && superseded_in(po, kbn) != NULL))
                        continue;
                    e = json_object();
                    json_object_set_new(e, "kb", json_string(kbn));
                    json_object_set_new(e, "os", json_string(os));
                    json_object_set_new(e, "arch", json_string(arch));
                    json_object_set_new(e, "by", json_string(jget(st, "by")));
                    json_array_append_new(sup, e);
                    changed = 1;
                }
            }
            json_decref(io);
            json_decref(in);
        }
    json_object_set_new(root, "newly_superseded", sup);
    json_object_set_new(root, "plans", plans);
    json_object_set_new(root, "changed", json_boolean(changed));
    json_decref(ka);
    json_decref(kb);
    return root;
}

/* The length of the first path part shared by every file of a lock
 * ("old/" of old/a.msu, old/b.msu), 0 when none: two versions of a bundle
 * kept under two folder names are compared inside them. */
static size_t common_root(const ps_lock *l)
{
    const char *slash;
    size_t n;

    if (l->count == 0 || (slash = strchr(l->files[0].path, '/')) == NULL)
        return 0;
    n = (size_t)(slash - l->files[0].path) + 1;
    for (size_t i = 1; i < l->count; i++)
        if (strncmp(l->files[i].path, l->files[0].path, n) != 0)
            return 0;
    return n;
}

static const ps_lock_file *lock_lookup(const ps_lock *l, size_t cut, const char *path)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->files[i].path + cut, path) == 0)
            return &l->files[i];
    return NULL;
}

/* The diff document of two locks: files and plan digest. */
static json_t *diff_locks(const ps_lock *a, const ps_lock *b, const char *old, const char *new_)
{
    json_t *root = json_object(), *add = json_array(), *rem = json_array(), *chg = json_array();
    int plan_changed = a->plan_digest[0] && b->plan_digest[0] &&
                       strcmp(a->plan_digest, b->plan_digest) != 0;

    size_t ca = common_root(a), cb = common_root(b);

    for (size_t i = 0; i < b->count; i++) {
        const ps_lock_file *o = lock_lookup(a, ca, b->files[i].path + cb);

        if (o == NULL)
            json_array_append_new(add, json_string(b->files[i].path + cb));
        else if (strcmp(o->sha256, b->files[i].sha256) != 0 || o->size != b->files[i].size)
            json_array_append_new(chg, json_string(b->files[i].path + cb));
    }
    for (size_t i = 0; i < a->count; i++)
        if (lock_lookup(b, cb, a->files[i].path + ca) == NULL)
            json_array_append_new(rem, json_string(a->files[i].path + ca));
    json_object_set_new(root, "schema", json_string("patchseq.diff/1"));
    json_object_set_new(root, "mode", json_string("files"));
    json_object_set_new(root, "old", json_string(old));
    json_object_set_new(root, "new", json_string(new_));
    json_object_set_new(root, "plan_changed", json_boolean(plan_changed));
    json_object_set_new(root, "changed",
                        json_boolean(plan_changed || json_array_size(add) ||
                                     json_array_size(rem) || json_array_size(chg)));
    json_object_set_new(root, "files_added", add);
    json_object_set_new(root, "files_removed", rem);
    json_object_set_new(root, "files_changed", chg);
    return root;
}

/* ---- rendering ---------------------------------------------------- */

/* "KB1, KB2" of a string array, escaped with esc. */
static void list_of(ps_buf *b, json_t *a, int (*esc)(ps_buf *, const char *))
{
    json_t *v;
    size_t i;

    json_array_foreach(a, i, v) {
        if (i)
            ps_buf_puts(b, ", ");
        esc(b, json_string_value(v));
    }
    if (json_array_size(a) == 0)
        ps_buf_puts(b, "none");
}

/* How a diff document words its first part (text or Markdown). */
typedef struct diff_style {
    int (*esc)(ps_buf *, const char *);
    const char *file_pre, *file_post; /* around a files line's label */
    const char *files[3];             /* files added, removed, changed */
    const char *plan_pre;             /* before the plan digest line's value */
    const char *kbs_added, *kbs_removed, *superseded;
} diff_style;

static const diff_style text_style = {
    ps_esc_text, "", ": ", {"files added", "files removed", "files changed"}, "plan: ",
    "KBs added: ", "\nKBs removed: ", "\nnewly superseded:",
};

static const diff_style md_style = {
    ps_esc_md, "- **", ":** ", {"Files added", "Files removed", "Files changed"},
    "- **Plan:** ", "- **KBs added:** ", "\n- **KBs removed:** ",
    "\n- **Newly superseded:**",
};

/* The files of a diff of two locks (true: that is all), else the KBs
 * added and removed and the newly superseded ones, in style st. */
static bool render_kbs(ps_buf *b, json_t *d, const diff_style *st)
{
    json_t *p;
    size_t i;

    if (strcmp(jget(d, "mode"), "files") == 0) {
        static const char *const k[] = {"files_added", "files_removed", "files_changed"};

        for (size_t n = 0; n < 3; n++) {
            ps_buf_puts(b, st->file_pre);
            ps_buf_puts(b, st->files[n]);
            ps_buf_puts(b, st->file_post);
            list_of(b, json_object_get(d, k[n]), st->esc);
            ps_buf_puts(b, "\n");
        }
        ps_buf_puts(b, st->plan_pre);
        ps_buf_puts(b, json_is_true(json_object_get(d, "plan_changed"))
                           ? "changed (the plan digest differs)\n"
                           : "unchanged\n");
        return true;
    }
    ps_buf_puts(b, st->kbs_added);
    list_of(b, json_object_get(d, "kbs_added"), st->esc);
    ps_buf_puts(b, st->kbs_removed);
    list_of(b, json_object_get(d, "kbs_removed"), st->esc);
    ps_buf_puts(b, st->superseded);
    json_array_foreach(json_object_get(d, "newly_superseded"), i, p) {
        ps_buf_puts(b, i ? ", " : " ");
        st->esc(b, jget(p, "kb"));
        ps_buf_printf(b, " (%s %s, by ", jget(p, "os"), jget(p, "arch"));
        st->esc(b, jget(p, "by"));
        ps_buf_puts(b, ")");
    }
    if (json_array_size(json_object_get(d, "newly_superseded")) == 0)
        ps_buf_puts(b, " none");
    return false;
}

static void render_text(ps_buf *b, json_t *d)
{
    json_t *p;
    size_t i;

    ps_buf_puts(b, "diff ");
    ps_esc_text(b, jget(d, "old"));
    ps_buf_puts(b, " -> ");
    ps_esc_text(b, jget(d, "new"));
    ps_buf_puts(b, "\n");
    if (render_kbs(b, d, &text_style))
        return;
    ps_buf_puts(b, "\n");
    json_array_foreach(json_object_get(d, "plans"), i, p) {
        const char *st = jget(p, "status");

        ps_buf_printf(b, "plan %s %s: %s", jget(p, "os"), jget(p, "arch"), st);
        if (strcmp(st, "unchanged") != 0) {
            ps_buf_printf(b, ": %lld -> %lld installs, %lld -> %lld reboots",
                          json_integer_value(json_object_get(p, "installs_old")),
                          json_integer_value(json_object_get(p, "installs_new")),
                          json_integer_value(json_object_get(p, "reboots_old")),
                          json_integer_value(json_object_get(p, "reboots_new")));
            if (json_array_size(json_object_get(p, "installs_added"))) {
                ps_buf_puts(b, "; + ");
                list_of(b, json_object_get(p, "installs_added"), ps_esc_text);
            }
            if (json_array_size(json_object_get(p, "installs_removed"))) {
                ps_buf_puts(b, "; - ");
                list_of(b, json_object_get(p, "installs_removed"), ps_esc_text);
            }
            if (json_is_true(json_object_get(p, "order_changed")))
                ps_buf_puts(b, "; order changed");
        }
        ps_buf_puts(b, "\n");
    }
    if (!json_is_true(json_object_get(d, "changed")))
        ps_buf_puts(b, "no change to the plans\n");
}

static void md_code(ps_buf *b, const char *s)
{
    ps_esc_md(b, s);
}

static void render_md(ps_buf *b, json_t *d)
{
    json_t *p;
    size_t i;

    ps_buf_puts(b, "### patchseq diff\n\n");
    ps_buf_puts(b, "Old: ");
    md_code(b, jget(d, "old"));
    ps_buf_puts(b, "  \nNew: ");
    md_code(b, jget(d, "new"));
    ps_buf_puts(b, "\n\n");
    if (render_kbs(b, d, &md_style))
        return;
    ps_buf_puts(b, "\n\n| Plan | Status | Installs | Reboots | Added | Removed |\n"
                   "|---|---|---|---|---|---|\n");
    json_array_foreach(json_object_get(d, "plans"), i, p) {
        ps_buf_printf(b, "| %s %s | %s%s | %lld → %lld | %lld → %lld | ", jget(p, "os"),
                      jget(p, "arch"), jget(p, "status"),
                      json_is_true(json_object_get(p, "order_changed")) ? " (order)" : "",
                      json_integer_value(json_object_get(p, "installs_old")),
                      json_integer_value(json_object_get(p, "installs_new")),
                      json_integer_value(json_object_get(p, "reboots_old")),
                      json_integer_value(json_object_get(p, "reboots_new")));
        list_of(b, json_object_get(p, "installs_added"), ps_esc_md);
        ps_buf_puts(b, " | ");
        list_of(b, json_object_get(p, "installs_removed"), ps_esc_md);
        ps_buf_puts(b, " |\n");
    }
    if (!json_is_true(json_object_get(d, "changed")))
        ps_buf_puts(b, "\nNo change to the plans.\n");
}

char *ps_diff_render(const char *format, json_t *d, size_t *len)
{
    ps_buf b = {0};

    if (strcmp(format, "json") == 0)
        return ps_json_dump(json_incref(d), len);
    if (strcmp(format, "md") == 0)
        render_md(&b, d);
    else
        render_text(&b, d);
    return ps_buf_steal(&b, len);
}

/* ---- the command -------------------------------------------------- */

int ps_cmd_diff(ps_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"rules", required_argument, NULL, 'r'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    dctx c;
    json_t *d = NULL;
    ps_buf b = {0};
    char *doc = NULL;
    size_t len = 0;
    int rc = 2, ch, want_lock;

    memset(&c, 0, sizeof c);
    c.format = "text";
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'f':
            if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0 &&
                strcmp(optarg, "md") != 0) {
                fprintf(cli->err, "patchseq diff: unknown format '%s' (text, json, md)\n", optarg);
                goto out;
            }
            c.format = optarg;
            break;
        case 'r':
            c.rules = optarg;
            break;
        case 'o':
            c.outpath = optarg;
            break;
        case 'h':
            fputs(diff_usage, cli->out);
            rc = 0;
            goto out;
        case ':':
            fprintf(cli->err, "patchseq diff: option '%s' needs a value\n%s", argv[optind - 1],
                    diff_usage);
            goto out;
        default:
            fprintf(cli->err, "patchseq diff: bad option '%s'\n%s", argv[optind - 1], diff_usage);
            goto out;
        }
    }
    if (argc - optind != 2) {
        fprintf(cli->err, "patchseq diff: give OLD and NEW\n%s", diff_usage);
        goto out;
    }
    c.s[0].arg = argv[optind];
    c.s[1].arg = argv[optind + 1];
    for (int i = 0; i < 2; i++) {
        struct stat st;

        if (stat(c.s[i].arg, &st) < 0) {
            fprintf(cli->err, "patchseq diff: %s: cannot be read\n", c.s[i].arg);
            goto out;
        }
        c.s[i].kind = SIDE_BUNDLE;
        if (is_json_file(c.s[i].arg) && (rc = load_json_side(cli, &c.s[i])) != 0)
            goto out;
    }
    want_lock = c.s[0].kind == SIDE_LOCK || c.s[1].kind == SIDE_LOCK;
    for (int i = 0; i < 2; i++) {
        if (want_lock && c.s[i].kind == SIDE_PLAN) {
            fprintf(cli->err, "patchseq diff: %s is a plan and %s a lock: a lock holds no plan "
                    "to compare; give two plans, two locks or bundles\n", c.s[i].arg,
                    c.s[1 - i].arg);
            rc = 2;
            goto out;
        }
        if (c.s[i].kind == SIDE_BUNDLE && (rc = load_bundle_side(cli, &c, &c.s[i], want_lock)) != 0)
            goto out;
    }
    d = want_lock ? diff_locks(&c.s[0].lock, &c.s[1].lock, c.s[0].arg, c.s[1].arg)
                  : ps_diff_plans(c.s[0].plan, c.s[1].plan, c.s[0].arg, c.s[1].arg);
    if (d == NULL)
        goto oom;
    doc = ps_diff_render(c.format, d, &len);
    if (doc == NULL)
        goto oom;
    rc = ps_cli_emit(cli, c.outpath, doc, len);
    if (rc == 0)
        rc = json_is_true(json_object_get(d, "changed")) ? 1 : 0;
    goto out;
oom:
    fprintf(cli->err, "patchseq diff: out of memory\n");
    rc = 2;
out:
    json_decref(d);
    free(doc);
    ps_buf_free(&b);
    for (int i = 0; i < 2; i++)
        side_free(&c.s[i]);
    if (c.have_kb)
        ps_kb_free(&c.kb);
    return rc;
}
