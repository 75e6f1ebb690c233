/*
 * script.c - the script model the two install scripts share: which plans
 * can become a script (every value validated: ps_plan_script_check_opts),
 * each step with its file below its root, its tool and its window, the
 * plan id (FNV-1a), the header comment, the template expansion and the
 * CRLF line ends.  The bodies are script_cmd.c (cmd) and script_ps1.c
 * (Windows PowerShell 2.0).
 *
 * The bodies are real files, templates/install.cmd.in and install.ps1.in,
 * embedded at build time (templates/embed.py).  A template line that is
 * only "REM @NAME@" (cmd) or "# @NAME@" (ps1) is replaced by a block the
 * body writes (HEADER, ARCH_CHECK, STEPS, PARTIAL); "@NAME@" inside a
 * line by a value (ID, NSTEPS, OS, ARCH, ENV_ARCH).  An unknown name is
 * an error, not text.  The templates say what the scripts do (header
 * comments); in short, in plan order: refuse and log a machine of another
 * architecture or version or a session without elevation; check each
 * file's SHA-256 (telling "cannot compute" from "mismatch"); install with
 * wusa, pkgmgr or DISM; read the exit code; restart only when a step since
 * the last restart installed something or asked for it; resume through
 * RunOnce, a scheduled task (/task, -Task) or the orchestrator (/noreboot,
 * -NoReboot: exit 3010).
 *
 * No text from a package reaches a script but the KB number (KB + digits),
 * the SHA-256 (hex), step numbers and the file's path below its root, each
 * component made of [A-Za-z0-9._()+-] (the planner leaves other names out:
 * unsafe-file-name; ps_script_rel_path refuses them again); comments are
 * filtered to a harmless set of characters.  Both scripts have CRLF line
 * endings (cmd misreads labels in a LF file; the Notepad of 2008 shows it
 * as one line).
 */
#include "plan.h"

#include "alloc.h"
#include "escape.h"
#include "facts.h"
#include "script_int.h"

#include <stdlib.h>
#include <string.h>

/* An activation ID: a GUID, 8-4-4-4-12 lowercase hex digits. */
static int activation_id_ok(const char *id)
{
    static const size_t dash[] = {8, 13, 18, 23};
    size_t k = 0;

    if (id == NULL || strlen(id) != 36)
        return 0;
    for (size_t i = 0; i < 36; i++) {
        if (k < 4 && i == dash[k]) {
            if (id[i] != '-')
                return 0;
            k++;
        } else if (!strchr("0123456789abcdef", id[i]) || id[i] == '\0') {
            return 0;
        }
    }
    return 1;
}

static const char *base_name(const char *path)
{
    const char *b = path;

    for (const char *p = path; p && *p; p++)
        if (*p == '/' || *p == '\\')
            b = p + 1;
    return b;
}

/* The part of `file` below `root` ("root/x/y" -> "x/y"), or NULL. */
static const char *below_root(const char *file, const char *root)
{
    size_t n = strlen(root);

    while (n > 1 && (root[n - 1] == '/' || root[n - 1] == '\\'))
        n--;
    if (n == 0 || strncmp(file, root, n) != 0)
        return NULL;
    if (file[n] != '/' && file[n] != '\\' && !(n == 1 && root[0] == '/'))
        return NULL;
    file += n;
    while (*file == '/' || *file == '\\')
        file++;
    return *file ? file : NULL;
}

int ps_script_rel_path(const char *file, const ps_script_opts *o, char *out, size_t outlen)
{
    const char *rel = NULL, *best_root = NULL;
    size_t k = 0;

    if (file == NULL || outlen == 0)
        return -1;
    /* the longest root the file lies under */
    for (size_t i = 0; o && i < o->n_roots; i++) {
        const char *r = below_root(file, o->roots[i]);

        if (r && (best_root == NULL || strlen(o->roots[i]) > strlen(best_root))) {
            rel = r;
            best_root = o->roots[i];
        }
    }
    if (rel == NULL)
        rel = base_name(file);
    /* "./" inside the path: skipped */
    while (*rel) {
        const char *end = rel;
        char comp[256];
        size_t len;

        while (*end && *end != '/' && *end != '\\')
            end++;
        len = (size_t)(end - rel);
        if (len == 1 && rel[0] == '.') {
            rel = *end ? end + 1 : end;
            continue;
        }
        if (len == 0 || len >= sizeof comp || (len == 2 && rel[0] == '.' && rel[1] == '.'))
            return -1;
        memcpy(comp, rel, len);
        comp[len] = '\0';
        if (!ps_file_name_safe(comp) || k + len + 2 > outlen)
            return -1;
        if (k)
            out[k++] = '\\';
        memcpy(out + k, comp, len);
        k += len;
        rel = *end ? end + 1 : end;
    }
    if (k == 0)
        return -1;
    out[k] = '\0';
    return 0;
}

static int kb_safe(const char *kb)
{
    if (kb == NULL || kb[0] != 'K' || kb[1] != 'B' || kb[2] == '\0' || !ps_fact_ok(PS_FACT_KB, kb))
        return 0;
    for (const char *p = kb + 2; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return strlen(kb) < 16;
}

int ps_plan_script_check(const ps_plan *plan, char *msg, size_t msglen)
{
    return ps_plan_script_check_opts(plan, NULL, msg, msglen);
}

int ps_plan_script_check_opts(const ps_plan *plan, const ps_script_opts *o, char *msg,
                              size_t msglen)
{
    const ps_arch_plan *ap;
    char rel[1024];

    if (plan->count != 1) {
        ps_buf names = {0};

        for (size_t i = 0; i < plan->count; i++)
            ps_buf_printf(&names, "%sWindows %s %s", i ? ", " : "", plan->plans[i].os,
                          ps_arch_name(plan->plans[i].arch));
        if (plan->count == 0)
            snprintf(msg, msglen, "there is no plan to write as a script (no package of the "
                     "architectures asked is left to install)");
        else
            snprintf(msg, msglen, "a script is for one machine, and the bundle has %zu plans "
                     "(%s): choose one with --arch (and --installed for the OS)", plan->count,
                     names.data ? names.data : "");
        ps_buf_free(&names);
        return -1;
    }
    ap = &plan->plans[0];
    /* only validated values go into a script */
    if (!ps_fact_ok(PS_FACT_VERSION, ap->os)) {
        snprintf(msg, msglen, "the Windows version of the plan cannot go into a script");
        return -1;
    }
    if ((ap->start_build && !ps_fact_ok(PS_FACT_VERSION, ap->start_build)) ||
        (ap->end_build && !ps_fact_ok(PS_FACT_VERSION, ap->end_build))) {
        snprintf(msg, msglen, "a build of the plan is not a version and cannot go into a script");
        return -1;
    }
    for (size_t i = 0; i < ap->n_steps; i++) {
        const ps_plan_node *n;

        if (ap->steps[i].action == PS_STEP_MANUAL) {
            const ps_plan_step *st = &ap->steps[i];

            if (st->n_activations == 0) {
                snprintf(msg, msglen, "step %zu: the knowledge base knows no ESU activation ID "
                         "of year %u for this machine (give --installed for its edition)", i + 1,
                         st->esu_year);
                return -1;
            }
            for (size_t k = 0; k < st->n_activations; k++)
                if (!activation_id_ok(st->activations[k]->id)) {
                    snprintf(msg, msglen, "step %zu: an ESU activation ID of the knowledge base "
                             "is not a GUID and cannot go into a script", i + 1);
                    return -1;
                }
            continue;
        }
        if (ap->steps[i].action != PS_STEP_INSTALL)
            continue;
        n = &ap->nodes[ap->steps[i].node];
        if (!n->pkg->hashed) {
            snprintf(msg, msglen, "%s: no SHA-256 (the bundle was read without hashing)",
                     n->pkg->file);
            return -1;
        }
        if (!ps_file_name_safe(n->pkg->file) || !kb_safe(n->kb)) {
            snprintf(msg, msglen, "%s: the name cannot go into a script", n->pkg->file);
            return -1;
        }
        if (ps_script_rel_path(n->pkg->file, o, rel, sizeof rel) != 0) {
            snprintf(msg, msglen, "%s: a folder of its path below the bundle root is not made "
                     "of [A-Za-z0-9._()+-] only, so the path cannot go into a script",
                     n->pkg->file);
            return -1;
        }
        if (strlen(n->pkg->sha256) != 64 || strspn(n->pkg->sha256, "0123456789abcdef") != 64) {
            snprintf(msg, msglen, "%s: the SHA-256 is not 64 hex digits", n->pkg->file);
            return -1;
        }
        if (!ps_has_suffix_ci(n->pkg->file, ".msu") && !ps_has_suffix_ci(n->pkg->file, ".cab")) {
            snprintf(msg, msglen, "%s: neither .msu nor .cab, no installer for it",
                     n->pkg->file);
            return -1;
        }
    }
    return 0;
}

/* A comment: only characters harmless in a cmd REM line and a ps1 comment. */
static void comment_text(ps_buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr(" ._()+-,:;/[]=", c) != NULL)
            ps_buf_append(b, s, 1);
        else
            ps_buf_puts(b, "?");
    }
}

/* FNV-1a over the plan's actions, KBs and file names: a stable name for
 * the log, the state file and the RunOnce value of this plan. */
/* 0, or -1 when out of memory (no id from a part of the steps). */
static int script_id(script *sc)
{
    const ps_arch_plan *ap = sc->ap;
    unsigned long long h = 1469598103934665603ull;
    ps_buf b = {0};

    ps_buf_printf(&b, "%s %s\n", ap->os, ps_arch_name(ap->arch));
    for (size_t i = 0; i < sc->n; i++) {
        if (sc->steps[i].n)
            ps_buf_printf(&b, "install %s %s\n", sc->steps[i].n->kb, sc->steps[i].file);
        else if (sc->steps[i].st->action == PS_STEP_MANUAL)
            ps_buf_printf(&b, "manual esu %u\n", sc->steps[i].st->esu_year);
        else
            ps_buf_puts(&b, "reboot\n");
    }
    if (b.failed) {
        ps_buf_free(&b);
        return -1;
    }
    for (size_t i = 0; b.data && i < b.len; i++) {
        h ^= (unsigned char)b.data[i];
        h *= 1099511628211ull;
    }
    ps_buf_free(&b);
    snprintf(sc->id, sizeof sc->id, "patchseq-%s-%s-%016llx", ap->os, ps_arch_name(ap->arch), h);
    return 0;
}

static void script_free(script *sc);

static int script_init(script *sc, const ps_plan *plan, const ps_findings *f,
                       const ps_script_opts *o)
{
    const ps_arch_plan *ap;
    char msg[1024];
    int six_zero;

    memset(sc, 0, sizeof *sc);
    if (ps_plan_script_check_opts(plan, o, msg, sizeof msg) != 0)
        return -1;
    ap = &plan->plans[0];
    sc->ap = ap;
    sc->f = f;
    six_zero = strcmp(ap->os, "6.0") == 0;
    sc->env_arch = ap->arch == PS_ARCH_X86 ? "x86" : ap->arch == PS_ARCH_X64 ? "AMD64" : "IA64";
    sc->steps = ps_calloc(ap->n_steps ? ap->n_steps : 1, sizeof *sc->steps);
    if (sc->steps == NULL)
        return -1;
    sc->n = ap->n_steps;
    for (size_t i = 0; i < ap->n_steps; i++) {
        script_step *s = &sc->steps[i];

        s->st = &ap->steps[i];
        if (s->st->action == PS_STEP_INSTALL) {
            s->n = &ap->nodes[s->st->node];
            if (ps_script_rel_path(s->n->pkg->file, o, s->file, sizeof s->file) != 0) {
                free(sc->steps);
                sc->steps = NULL;
                return -1;
            }
            if (ps_has_suffix_ci(s->file, ".msu"))
                s->tool = "wusa";
            else
                s->tool = six_zero ? "pkgmgr" : "dism";
        }
    }
    for (size_t w = 0; w < ap->n_windows; w++) {
        for (size_t i = ap->windows[w].first; i <= ap->windows[w].last && i < sc->n; i++)
            sc->steps[i].window = w + 1;
        if (ap->windows[w].last + 1 < sc->n)
            sc->steps[ap->windows[w].last].window_end = 1;
    }
    if (script_id(sc) != 0) {
        script_free(sc);
        return -1;
    }
    return 0;
}

static void script_free(script *sc)
{
    free(sc->steps);
    sc->steps = NULL;
}

static size_t count_installs(const script *sc)
{
    size_t k = 0;

    for (size_t i = 0; i < sc->n; i++)
        k += sc->steps[i].n != NULL;
    return k;
}

/* How many error findings the plan has. */
size_t ps_script_errors(const script *sc)
{
    size_t errors = 0;

    for (size_t i = 0; sc->f && i < sc->f->count; i++)
        errors += sc->f->items[i].severity == PS_SEV_ERROR;
    return errors;
}

/* One error finding as the scripts name it: its code and, when it has a
 * well-formed one, its KB ("KB4474419 (unsafe-file-name)"). */
void ps_script_partial_item(ps_buf *b, const ps_finding *it)
{
    if (it->kb && kb_safe(it->kb))
        ps_buf_printf(b, "%s (%s)", it->kb, ps_finding_code_name(it->code));
    else
        ps_buf_printf(b, "a package (%s)", ps_finding_code_name(it->code));
}

/* The header comment: plan, steps, windows, what was left out. */
void ps_script_header(ps_buf *b, const script *sc, const char *c)
{
    const ps_arch_plan *ap = sc->ap;
    size_t errors;

    ps_buf_printf(b, "%s patchseq install script: Windows %s", c, ap->os);
    if (ap->rules && ap->rules->name) {
        ps_buf_puts(b, " (");
        comment_text(b, ap->rules->name);
        ps_buf_puts(b, ")");
    }
    ps_buf_printf(b, ", %s\n", ps_arch_name(ap->arch));
    ps_buf_printf(b, "%s build %s -> %s; %zu installs, %u reboots\n", c,
                  ap->start_build ? ap->start_build : "unknown",
                  ap->end_build ? ap->end_build : "unknown", count_installs(sc), ap->reboots);
    ps_buf_printf(b, "%s plan id: %s\n%s\n%s steps:\n", c, sc->id, c, c);
    for (size_t i = 0; i < sc->n; i++) {
        const script_step *s = &sc->steps[i];

        if (s->n)
            ps_buf_printf(b, "%s  %2zu. install %s %s (%s)", c, i + 1, s->n->kb, s->file,
                          s->tool);
        else if (s->st->action == PS_STEP_MANUAL)
            ps_buf_printf(b, "%s  %2zu. manual: activate the ESU key of year %u (the key is "
                             "given at run time)", c, i + 1, s->st->esu_year);
        else
            ps_buf_printf(b, "%s  %2zu. reboot", c, i + 1);
        if (s->window)
            ps_buf_printf(b, " [window %zu]", s->window);
        ps_buf_puts(b, "\n");
    }
    for (size_t w = 0; w < ap->n_windows; w++)
        ps_buf_printf(b, "%s window %zu: steps %zu-%zu, about %lu minutes%s\n", c, w + 1,
                      ap->windows[w].first + 1, ap->windows[w].last + 1,
                      (ap->windows[w].seconds + 59) / 60,
                      ap->windows[w].overrun ? " (longer than the window)" : "");
    for (size_t i = 0; i < ap->n_skipped; i++) {
        const ps_plan_node *n = &ap->nodes[ap->skipped[i]];

        ps_buf_printf(b, "%s left out: ", c);
        comment_text(b, n->kb);
        ps_buf_printf(b, " (%s)\n", ps_node_state_name(n->state));
    }
    errors = ps_script_errors(sc);
    if (errors) {
        ps_buf_printf(b, "%s WARNING: the plan has %zu error finding%s (see patchseq plan "
                         "--format text): it is partial; left out:\n", c, errors,
                      errors == 1 ? "" : "s");
        for (size_t i = 0; i < sc->f->count; i++) {
            if (sc->f->items[i].severity != PS_SEV_ERROR)
                continue;
            ps_buf_printf(b, "%s   ", c);
            ps_script_partial_item(b, &sc->f->items[i]);
            ps_buf_puts(b, "\n");
        }
    }
}

/* ------------------------------------------------------------------ */
/* Templates                                                           */
/* ------------------------------------------------------------------ */

/* A value for "@NAME@" inside a line; NULL for an unknown name. */
static const char *tpl_value(const script *sc, const char *name, char *tmp, size_t tmplen)
{
    if (strcmp(name, "ID") == 0)
        return sc->id;
    if (strcmp(name, "NSTEPS") == 0) {
        snprintf(tmp, tmplen, "%zu", sc->n);
        return tmp;
    }
    if (strcmp(name, "OS") == 0)
        return sc->ap->os;
    if (strcmp(name, "ARCH") == 0)
        return ps_arch_name(sc->ap->arch);
    if (strcmp(name, "ENV_ARCH") == 0)
        return sc->env_arch;
    return NULL;
}

/* "@NAME@" at s (NAME of [A-Z_]): its length with the two '@', else 0. */
static size_t tpl_token(const char *s, char *name, size_t namelen)
{
    size_t i = 1;

    if (s[0] != '@')
        return 0;
    while ((s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_')
        i++;
    if (i == 1 || s[i] != '@' || i - 1 >= namelen)
        return 0;
    memcpy(name, s + 1, i - 1);
    name[i - 1] = '\0';
    return i + 1;
}

int ps_script_expand(ps_buf *b, const char *tpl, const tpl_kind *k, const script *sc)
{
    size_t clen = strlen(k->comment);

    for (const char *line = tpl; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char name[32], tmp[32];
        size_t t;

        if (len > clen + 1 && strncmp(line, k->comment, clen) == 0 && line[clen] == ' ' &&
            (t = tpl_token(line + clen + 1, name, sizeof name)) != 0 && clen + 1 + t == len) {
            if (k->block(b, sc, name) != 0)
                return -1;
        } else {
            for (size_t i = 0; i < len;) {
                const char *v;

                if ((t = tpl_token(line + i, name, sizeof name)) != 0 && i + t <= len) {
                    if ((v = tpl_value(sc, name, tmp, sizeof tmp)) == NULL)
                        return -1;
                    if (ps_buf_puts(b, v) != 0)
                        return -1;
                    i += t;
                    continue;
                }
                if (ps_buf_append(b, line + i, 1) != 0)
                    return -1;
                i++;
            }
            if (ps_buf_puts(b, "\n") != 0)
                return -1;
        }
        line += len + (end != NULL);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* CRLF, and the table of bodies                                       */
/* ------------------------------------------------------------------ */

/* LF -> CRLF (a cmd script with bare LF is misparsed around labels). */
static int to_crlf(ps_buf *out, const ps_buf *in)
{
    for (size_t i = 0; in->data && i < in->len; i++) {
        if (in->data[i] == '\n' && ps_buf_append(out, "\r\n", 2) != 0)
            return -1;
        if (in->data[i] != '\n' && ps_buf_append(out, in->data + i, 1) != 0)
            return -1;
    }
    return 0;
}

/* Renders a script with `body` and writes it with CRLF line ends: a cmd
 * script with bare LF is misparsed around labels, and the Notepad of
 * Windows Server 2008 shows a LF file as one line. */
static int render_crlf(ps_buf *b, const ps_plan *plan, const ps_findings *f,
                       const ps_script_opts *o, int (*body)(ps_buf *, const script *))
{
    script sc;
    ps_buf lf = {0};
    int rc = -1;

    if (script_init(&sc, plan, f, o) != 0)
        goto out;
    if (body(&lf, &sc) != 0 || lf.data == NULL || !ps_cmd_lines_ok(lf.data, lf.len) ||
        to_crlf(b, &lf) != 0)
        goto out;
    rc = 0;
out:
    ps_buf_free(&lf);
    script_free(&sc);
    return rc;
}

/* The body of each script format (script_cmd.c, script_ps1.c). */
static const struct {
    const char *format;
    int (*body)(ps_buf *, const script *);
} bodies[] = {{"cmd", ps_script_cmd}, {"ps1", ps_script_ps1}};

int ps_plan_render_script(ps_buf *b, const char *format, const ps_plan *plan,
                          const ps_findings *f, const ps_script_opts *o)
{
    for (size_t i = 0; format && i < PS_ARRAY_LEN(bodies); i++)
        if (strcmp(format, bodies[i].format) == 0)
            return render_crlf(b, plan, f, o, bodies[i].body);
    return -1;
}

int ps_plan_render_cmd(ps_buf *b, const ps_plan *plan, const ps_findings *f)
{
    return render_crlf(b, plan, f, NULL, ps_script_cmd);
}

int ps_plan_render_ps1(ps_buf *b, const ps_plan *plan, const ps_findings *f)
{
    return render_crlf(b, plan, f, NULL, ps_script_ps1);
}

int ps_plan_script_id(const ps_plan *plan, const ps_script_opts *o, char *id, size_t idlen)
{
    script sc;

    if (idlen == 0 || script_init(&sc, plan, NULL, o) != 0)
        return -1;
    snprintf(id, idlen, "%s", sc.id);
    script_free(&sc);
    return 0;
}
