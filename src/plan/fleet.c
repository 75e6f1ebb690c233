/*
 * fleet.c - the fleet model (fleet.h): inventories to machines, machine
 * states to plans (each distinct state planned once), plans to groups.
 */
#include "fleet.h"
#include "plan_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *const status_names[PS_FLEET_STATUS__COUNT] = {
    "needs-updates", "cannot-update", "current", "wrong-architecture"};

static const char *const status_label[PS_FLEET_STATUS__COUNT] = {
    "needs updates", "cannot be brought up to date", "already current", "wrong architecture"};

const char *ps_fleet_status_name(ps_fleet_status s)
{
    return (unsigned)s < PS_FLEET_STATUS__COUNT ? status_names[s] : "unknown";
}

/* ---- the files ----------------------------------------------------- */

static int str_qsort_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int ps_fleet_files(const char *const *args, size_t nargs, char ***files, size_t *nfiles,
                   char *err, size_t errlen)
{
    *files = NULL;
    *nfiles = 0;
    for (size_t i = 0; i < nargs; i++) {
        struct stat st;
        DIR *d;
        struct dirent *e;
        char **names = NULL;
        size_t n = 0;
        int bad = 0;

        if (stat(args[i], &st) != 0) {
            ps_msg_set(err, errlen, "%s: %s", args[i], strerror(errno));
            goto fail;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (ps_strv_push(files, nfiles, args[i]) != 0)
                goto oom;
            continue;
        }
        d = opendir(args[i]);
        if (d == NULL) {
            ps_msg_set(err, errlen, "%s: %s", args[i], strerror(errno));
            goto fail;
        }
        while (!bad && (e = readdir(d)) != NULL) {
            char *path;
            struct stat fs;

            if (e->d_name[0] == '.')
                continue;
            path = ps_asprintf("%s%s%s", args[i],
                               args[i][0] && args[i][strlen(args[i]) - 1] == '/' ? "" : "/",
                               e->d_name);
            if (path == NULL) {
                bad = 1;
                break;
            }
            if (stat(path, &fs) == 0 && S_ISREG(fs.st_mode) && ps_strv_push(&names, &n, path) != 0)
                bad = 1;
            free(path);
        }
        closedir(d);
        if (!bad && n == 0) {
            ps_msg_set(err, errlen, "%s: a folder with no inventory file in it", args[i]);
            ps_strv_free(&names, &n);
            goto fail;
        }
        if (n > 1)
            qsort(names, n, sizeof *names, str_qsort_cmp);
        for (size_t k = 0; !bad && k < n; k++)
            bad = ps_strv_push(files, nfiles, names[k]) != 0;
        ps_strv_free(&names, &n);
        if (bad)
            goto oom;
        if (*nfiles > PS_FLEET_MAX_MACHINES) {
            ps_msg_set(err, errlen, "more than %u inventories", PS_FLEET_MAX_MACHINES);
            goto fail;
        }
    }
    return 0;
oom:
    ps_msg_set(err, errlen, "out of memory");
fail:
    ps_strv_free(files, nfiles);
    return -1;
}

/* ---- machines ------------------------------------------------------ */

/* The file name without its folder and its last extension. */
static char *name_from_file(const char *path)
{
    const char *base = strrchr(path, '/');
    const char *dot;

    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    return ps_strndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

static int machine_cmp(const void *a, const void *b)
{
    const ps_fleet_machine *x = a, *y = b;
    int c = strcasecmp(x->name, y->name);

    return c ? c : strcmp(x->inventory, y->inventory);
}

int ps_fleet_load(ps_fleet *fl, char *const *files, size_t n, char *err, size_t errlen)
{
    memset(fl, 0, sizeof *fl);
    fl->machines = calloc(n ? n : 1, sizeof *fl->machines);
    if (fl->machines == NULL)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        ps_fleet_machine *m = &fl->machines[fl->n_machines++];
        char msg[1024];

        m->state = PS_NO_NODE;
        m->inventory = ps_strdup(files[i]);
        if (m->inventory == NULL)
            goto oom;
        if (ps_inventory_load(files[i], &m->inv, msg, sizeof msg) == 0) {
            m->readable = 1;
        } else {
            /* "PATH:LINE: message" or "PATH: message" */
            size_t pl = strlen(files[i]);
            const char *rest = msg;
            unsigned line = 0;
            ps_where w = {files[i], NULL, 0, PS_ARCH_NONE, NULL, NULL};

            if (strncmp(msg, files[i], pl) == 0 && msg[pl] == ':') {
                rest = msg + pl + 1;
                if (*rest >= '0' && *rest <= '9') {
                    char *end;
                    unsigned long v = strtoul(rest, &end, 10);

                    if (*end == ':') {
                        line = (unsigned)v;
                        rest = end + 1;
                    }
                }
                while (*rest == ' ')
                    rest++;
            }
            w.line = line;
            if (ps_findings_add(&m->findings, PS_F_UNREADABLE_PACKAGE, &w, "%s", rest) != 0)
                goto oom;
            m->why = ps_plan_why_fleet_unreadable(msg);
            if (m->why == NULL)
                goto oom;
        }
        if (m->inv.host_name) {
            m->name = ps_strdup(m->inv.host_name);
        } else {
            m->name = name_from_file(files[i]);
            if (m->name && !ps_host_name_valid(m->name, strlen(m->name))) {
                ps_msg_set(err, errlen, "%s: no Host Name in it, and its file name '%s' is not a "
                        "host name to name the machine by", files[i], m->name);
                ps_fleet_free(fl);
                return -1;
            }
        }
        if (m->name == NULL)
            goto oom;
    }
    if (fl->n_machines > 1)
        qsort(fl->machines, fl->n_machines, sizeof *fl->machines, machine_cmp);
    for (size_t i = 1; i < fl->n_machines; i++)
        if (strcasecmp(fl->machines[i - 1].name, fl->machines[i].name) == 0) {
            ps_msg_set(err, errlen, "%s and %s both name the machine %s: one inventory per machine",
                    fl->machines[i - 1].inventory, fl->machines[i].inventory,
                    fl->machines[i].name);
            ps_fleet_free(fl);
            return -1;
        }
    return 0;
oom:
    ps_msg_set(err, errlen, "out of memory");
    ps_fleet_free(fl);
    return -1;
}

/* ---- the KBs that matter -------------------------------------------- */

typedef struct kbset {
    char **v;
    size_t n, cap;
} kbset;

static int kbset_add(kbset *s, const char *kb)
{
    if (kb == NULL)
        return 0;
    if (s->n == s->cap) {
        char **nv = ps_grow(s->v, &s->cap, s->n + 1, sizeof *nv, 256);

        if (nv == NULL)
            return -1;
        s->v = nv;
    }
    s->v[s->n++] = (char *)kb; /* borrowed */
    return 0;
}

static int ci_qsort_cmp(const void *a, const void *b)
{
    return strcasecmp(*(char *const *)a, *(char *const *)b);
}

static int kbset_has(const kbset *s, const char *kb)
{
    return s->n && bsearch(&kb, s->v, s->n, sizeof *s->v, ci_qsort_cmp) != NULL;
}

/* Every KB the bundle or the knowledge base names (borrowed). */
static int relevant_kbs(kbset *s, const ps_bundle *b, const ps_kb *kb)
{
    int bad = 0;

    for (size_t i = 0; i < b->count; i++)
        bad |= kbset_add(s, b->items[i].kb);
    for (size_t i = 0; i < kb->n_entries; i++) {
        const ps_kb_entry *e = &kb->entries[i];

        bad |= kbset_add(s, e->kb);
        for (size_t j = 0; j < e->n_supersedes; j++)
            bad |= kbset_add(s, e->supersedes[j]);
    }
    for (size_t i = 0; i < kb->n_os; i++) {
        const ps_os_rules *r = &kb->os[i];

        bad |= kbset_add(s, r->sha2_enabler);
        for (size_t j = 0; j < r->n_rules; j++) {
            bad |= kbset_add(s, r->rules[j].kb);
            bad |= kbset_add(s, r->rules[j].from);
            bad |= kbset_add(s, r->rules[j].subject.kb);
        }
        for (size_t j = 0; j < r->n_steps; j++)
            for (size_t k = 0; k < r->steps[j].n_before; k++)
                bad |= kbset_add(s, r->steps[j].before[k].kb);
    }
    if (bad)
        return -1;
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, ci_qsort_cmp);
    return 0;
}

/* ---- states -------------------------------------------------------- */

static char *state_key(const ps_inventory *inv, const kbset *rel, unsigned mask)
{
    ps_buf b = {0};

    /* the OS name is any printable text: length-prefixed, so that no name
     * can read as another name and KBs */
    ps_buf_printf(&b, "%u|%d|%s|%s|%zu:%s|", mask, (int)inv->arch,
                  inv->os_version ? inv->os_version : "", inv->os_build ? inv->os_build : "",
                  inv->os_name ? strlen(inv->os_name) : 0, inv->os_name ? inv->os_name : "");
    for (size_t i = 0; i < inv->n_kbs; i++)
        if (kbset_has(rel, inv->kbs[i]))
            ps_buf_printf(&b, "%s,", inv->kbs[i]);
    return ps_buf_steal(&b, NULL);
}

/* The inventory of a state: the machine's, with only the KBs that matter. */
static int state_inventory(ps_inventory *out, const ps_inventory *inv, const kbset *rel)
{
    memset(out, 0, sizeof *out);
    out->arch = inv->arch;
    out->format = inv->format;
    if ((inv->os_version && (out->os_version = ps_strdup(inv->os_version)) == NULL) ||
        (inv->os_build && (out->os_build = ps_strdup(inv->os_build)) == NULL) ||
        (inv->os_name && (out->os_name = ps_strdup(inv->os_name)) == NULL) ||
        (inv->host_name && (out->host_name = ps_strdup(inv->host_name)) == NULL))
        return -1;
    for (size_t i = 0; i < inv->n_kbs; i++)
        if (kbset_has(rel, inv->kbs[i]) && ps_strv_push(&out->kbs, &out->n_kbs, inv->kbs[i]) != 0)
            return -1;
    return 0;
}

static int findings_copy_one(ps_findings *dst, const ps_finding *it)
{
    ps_where w = {it->file, it->member, it->line, it->arch, it->os, it->kb};

    if (ps_findings_add(dst, it->code, &w, "%s", it->message ? it->message : "") != 0)
        return -1;
    dst->items[dst->count - 1].severity = it->severity;
    dst->items[dst->count - 1].waived = it->waived;
    return 0;
}

/* Plans one state as the command plans one machine: the planner sees the
 * findings made before; the state keeps those it adds, of its
 * architectures. */
static int plan_state(ps_fleet_state *st, const ps_bundle *b, const ps_kb *kb,
                      const ps_plan_opts *opts, const ps_findings *global)
{
    ps_findings f = {0};
    ps_plan_opts o = *opts;
    size_t n0;
    int rc = -1;

    for (size_t i = 0; global && i < global->count; i++)
        if (findings_copy_one(&f, &global->items[i]) != 0)
            goto out;
    n0 = f.count;
    o.inventory = &st->inv;
    if (st->inv.arch != PS_ARCH_NONE)
        o.arch_mask = PS_ARCH_BIT(st->inv.arch);
    if (ps_plan_build(&st->plan, b, kb, &o, &f) != 0)
        goto out;
    for (size_t i = n0; i < f.count; i++) {
        const ps_finding *it = &f.items[i];

        if (o.arch_mask && it->arch != PS_ARCH_NONE && !(o.arch_mask & PS_ARCH_BIT(it->arch)))
            continue;
        if (findings_copy_one(&st->findings, it) != 0)
            goto out;
    }
    ps_findings_sort(&st->findings);
    rc = 0;
out:
    ps_findings_free(&f);
    return rc;
}

static char *plan_identity(const ps_plan *plan)
{
    ps_buf b = {0};

    for (size_t i = 0; i < plan->count; i++) {
        const ps_arch_plan *ap = &plan->plans[i];

        ps_buf_printf(&b, "plan %s %s\n", ap->os, ps_arch_name(ap->arch));
        for (size_t s = 0; s < ap->n_steps; s++) {
            const ps_plan_step *st = &ap->steps[s];

            if (st->action == PS_STEP_REBOOT)
                ps_buf_puts(&b, "restart\n");
            else if (st->action == PS_STEP_MANUAL) {
                /* the ESU activation: its year and the IDs it chooses from */
                ps_buf_printf(&b, "manual esu %u", st->esu_year);
                for (size_t k = 0; k < st->n_activations; k++)
                    ps_buf_printf(&b, " %s", st->activations[k]->id);
                ps_buf_puts(&b, "\n");
            } else
                ps_buf_printf(&b, "install %s %zu:%s\n", ap->nodes[st->node].kb,
                              strlen(ap->nodes[st->node].pkg->file), ap->nodes[st->node].pkg->file);
        }
        for (size_t w = 0; w < ap->n_windows; w++)
            ps_buf_printf(&b, "window %zu-%zu\n", ap->windows[w].first, ap->windows[w].last);
    }
    if (b.data == NULL && ps_buf_puts(&b, "") != 0)
        return NULL;
    return ps_buf_steal(&b, NULL);
}

typedef struct keyed {
    char *key;
    size_t idx;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

static int has_package_of_arch(const ps_bundle *b, ps_arch arch)
{
    for (size_t i = 0; i < b->count; i++)
        if (b->items[i].readable && b->items[i].kb && b->items[i].arch == arch)
            return 1;
    return 0;
}

/* The status of a machine with a state, from its plan and findings. */
static int judge(ps_fleet_machine *m, const ps_fleet_state *st, const ps_bundle *b)
{
    const ps_finding *first = NULL;
    size_t errors = 0, installs = 0;

    for (size_t i = 0; i < st->findings.count; i++) {
        const ps_finding *it = &st->findings.items[i];

        if (it->code == PS_F_WRONG_MACHINE && it->kb == NULL) {
            int arch = m->inv.arch != PS_ARCH_NONE && !has_package_of_arch(b, m->inv.arch);

            m->status = arch ? PS_FLEET_WRONG_ARCH : PS_FLEET_CANNOT_UPDATE;
            m->why = ps_strdup(it->message);
            return m->why ? 0 : -1;
        }
        if (it->severity == PS_SEV_ERROR && !it->waived && errors++ == 0)
            first = it;
    }
    if (errors) {
        m->status = PS_FLEET_CANNOT_UPDATE;
        m->why = ps_plan_why_fleet_errors(first->kb, first->message, errors);
        return m->why ? 0 : -1;
    }
    for (size_t i = 0; i < st->plan.count; i++)
        for (size_t s = 0; s < st->plan.plans[i].n_steps; s++)
            installs += st->plan.plans[i].steps[s].action == PS_STEP_INSTALL;
    m->status = installs ? PS_FLEET_NEEDS_UPDATES : PS_FLEET_CURRENT;
    return 0;
}

static int group_cmp(const void *a, const void *b)
{
    const ps_fleet_group *x = a, *y = b;

    if (x->status != y->status)
        return (int)x->status - (int)y->status;
    return (x->machines[0] > y->machines[0]) - (x->machines[0] < y->machines[0]);
}

int ps_fleet_plan(ps_fleet *fl, const ps_bundle *b, const ps_kb *kb, const ps_plan_opts *opts,
                  const ps_findings *global)
{
    kbset rel = {0};
    keyed *k = NULL;
    size_t nk = 0;
    int rc = -1;

    if (relevant_kbs(&rel, b, kb) != 0)
        goto out;
    k = calloc(fl->n_machines ? fl->n_machines : 1, sizeof *k);
    fl->states = calloc(fl->n_machines ? fl->n_machines : 1, sizeof *fl->states);
    if (k == NULL || fl->states == NULL)
        goto out;
    /* the states: machines sorted by key, one state per run of equal keys */
    for (size_t i = 0; i < fl->n_machines; i++) {
        ps_fleet_machine *m = &fl->machines[i];

        if (!m->readable) {
            m->status = PS_FLEET_CANNOT_UPDATE;
            continue;
        }
        if (opts->arch_mask && m->inv.arch != PS_ARCH_NONE &&
            !(opts->arch_mask & PS_ARCH_BIT(m->inv.arch))) {
            ps_where w = {m->inventory, NULL, 0, m->inv.arch, NULL, NULL};

            m->status = PS_FLEET_WRONG_ARCH;
            m->why = ps_plan_why_fleet_wrong_arch(m->inv.arch);
            if (m->why == NULL ||
                ps_plan_why_fleet_not_planned(&m->findings, &w, m->why) != 0)
                goto out;
            continue;
        }
        k[nk].idx = i;
        k[nk].key = state_key(&m->inv, &rel, opts->arch_mask);
        if (k[nk++].key == NULL)
            goto out;
    }
    if (nk > 1)
        qsort(k, nk, sizeof *k, keyed_cmp);
    for (size_t i = 0; i < nk; i++) {
        ps_fleet_machine *m = &fl->machines[k[i].idx];

        if (fl->n_states == 0 || strcmp(k[i].key, fl->states[fl->n_states - 1].key) != 0) {
            ps_fleet_state *st = &fl->states[fl->n_states++];

            st->key = k[i].key;
            k[i].key = NULL;
            if (state_inventory(&st->inv, &m->inv, &rel) != 0 ||
                plan_state(st, b, kb, opts, global) != 0 ||
                (st->identity = plan_identity(&st->plan)) == NULL)
                goto out;
        }
        m->state = fl->n_states - 1;
        if (judge(m, &fl->states[m->state], b) != 0)
            goto out;
    }
    for (size_t i = 0; i < nk; i++)
        ps_free_ptr(&k[i].key);
    /* the groups: machines sorted by status, reason and plan identity */
    nk = 0;
    for (size_t i = 0; i < fl->n_machines; i++) {
        const ps_fleet_machine *m = &fl->machines[i];
        const char *id = m->state != PS_NO_NODE ? fl->states[m->state].identity : "";
        const char *why = m->status != PS_FLEET_NEEDS_UPDATES && m->why ? m->why : "";

        k[nk].idx = i;
        k[nk].key = ps_asprintf("%d\n%zu:%s\n%s", (int)m->status, strlen(why), why, id);
        if (k[nk++].key == NULL)
            goto out;
    }
    if (nk > 1)
        qsort(k, nk, sizeof *k, keyed_cmp);
    fl->groups = calloc(nk ? nk : 1, sizeof *fl->groups);
    if (fl->groups == NULL)
        goto out;
    for (size_t i = 0; i < nk; i++) {
        ps_fleet_machine *m = &fl->machines[k[i].idx];
        ps_fleet_group *g;

        if (i == 0 || strcmp(k[i].key, k[i - 1].key) != 0) {
            g = &fl->groups[fl->n_groups++];
            g->status = m->status;
            g->state = m->state;
            g->why = m->why;
            g->machines = calloc(nk - i, sizeof *g->machines);
            g->names = calloc(nk - i, sizeof *g->names);
            if (g->machines == NULL || g->names == NULL)
                goto out;
        }
        g = &fl->groups[fl->n_groups - 1];
        g->machines[g->n_machines] = k[i].idx;
        g->names[g->n_machines++] = m->name;
    }
    if (fl->n_groups > 1)
        qsort(fl->groups, fl->n_groups, sizeof *fl->groups, group_cmp);
    for (size_t g = 0; g < fl->n_groups; g++)
        for (size_t j = 0; j < fl->groups[g].n_machines; j++)
            fl->machines[fl->groups[g].machines[j]].group = g;
    rc = 0;
out:
    for (size_t i = 0; k && i < nk; i++)
        free(k[i].key);
    free(k);
    free(rel.v);
    return rc;
}

const ps_plan *ps_fleet_machine_plan(const ps_fleet *fl, size_t i)
{
    size_t s = fl->machines[i].state;

    return s != PS_NO_NODE ? &fl->states[s].plan : &fl->none;
}

int ps_fleet_render_groups(const ps_fleet *fl, ps_render_group **out)
{
    *out = calloc(fl->n_groups ? fl->n_groups : 1, sizeof **out);
    if (*out == NULL)
        return -1;
    for (size_t g = 0; g < fl->n_groups; g++) {
        const ps_fleet_group *fg = &fl->groups[g];

        (*out)[g].label = status_label[fg->status];
        (*out)[g].machines = fg->names;
        (*out)[g].n_machines = fg->n_machines;
        (*out)[g].plan = fg->state != PS_NO_NODE ? &fl->states[fg->state].plan : &fl->none;
        (*out)[g].status = ps_fleet_status_name(fg->status);
        (*out)[g].why = fg->status != PS_FLEET_NEEDS_UPDATES ? fg->why : NULL;
        (*out)[g].findings = fg->state != PS_NO_NODE ? &fl->states[fg->state].findings
                                                     : &fl->machines[fg->machines[0]].findings;
    }
    return 0;
}

int ps_fleet_render_machines(const ps_fleet *fl, ps_render_machine **out)
{
    *out = calloc(fl->n_machines ? fl->n_machines : 1, sizeof **out);
    if (*out == NULL)
        return -1;
    for (size_t i = 0; i < fl->n_machines; i++) {
        const ps_fleet_machine *m = &fl->machines[i];
        ps_render_machine *r = &(*out)[i];

        r->name = m->name;
        r->inventory = m->inventory;
        r->os = m->inv.os_name;
        r->build = m->inv.os_build;
        r->arch = m->inv.arch;
        r->status = ps_fleet_status_name(m->status);
        r->why = m->why;
        r->group = m->group;
        r->plan = ps_fleet_machine_plan(fl, i);
        r->own = &m->findings;
        r->plan_findings = m->state != PS_NO_NODE ? &fl->states[m->state].findings : NULL;
    }
    return 0;
}

int ps_fleet_hosts(const ps_fleet *fl, ps_fleet_host **out)
{
    *out = calloc(fl->n_machines ? fl->n_machines : 1, sizeof **out);
    if (*out == NULL)
        return -1;
    for (size_t i = 0; i < fl->n_machines; i++) {
        const ps_fleet_machine *m = &fl->machines[i];

        (*out)[i].name = m->name;
        (*out)[i].plan = ps_fleet_machine_plan(fl, i);
        (*out)[i].skip_reason = m->status == PS_FLEET_CANNOT_UPDATE ||
                                m->status == PS_FLEET_WRONG_ARCH ? m->why : NULL;
    }
    return 0;
}

int ps_fleet_one_plan(const ps_fleet *fl)
{
    return fl->n_groups == 1;
}

size_t ps_fleet_errors(const ps_fleet *fl)
{
    size_t n = 0;

    for (size_t i = 0; i < fl->n_machines; i++)
        n += fl->machines[i].status == PS_FLEET_CANNOT_UPDATE ||
             fl->machines[i].status == PS_FLEET_WRONG_ARCH;
    return n;
}

void ps_fleet_free(ps_fleet *fl)
{
    if (fl == NULL)
        return;
    for (size_t i = 0; i < fl->n_machines; i++) {
        ps_fleet_machine *m = &fl->machines[i];

        free(m->name);
        free(m->inventory);
        free(m->why);
        ps_inventory_free(&m->inv);
        ps_findings_free(&m->findings);
    }
    for (size_t i = 0; i < fl->n_states; i++) {
        ps_fleet_state *st = &fl->states[i];

        free(st->key);
        free(st->identity);
        ps_plan_free(&st->plan);
        ps_inventory_free(&st->inv);
        ps_findings_free(&st->findings);
    }
    for (size_t g = 0; g < fl->n_groups; g++) {
        free(fl->groups[g].machines);
        free(fl->groups[g].names);
    }
    free(fl->machines);
    free(fl->states);
    free(fl->groups);
    memset(fl, 0, sizeof *fl);
}
