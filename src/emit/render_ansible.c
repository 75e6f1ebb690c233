/*
 * render_ansible.c - the plans of machines as an Ansible playbook folder
 * (ansible.h says what is in it).
 *
 * The playbooks themselves are static files, src/templates/ansible-*.yml,
 * embedded at build time: all that differs between two folders is data,
 * in the host_vars / group_vars files this file writes.  Each install step
 * there carries what the scripts know of it (script.c): the KB, the
 * file below the bundle root (checked as for a script), its SHA-256, the
 * installer (wusa for an .msu; pkgmgr on 6.0, DISM on 6.1 for a .cab),
 * whether a restart follows it (a barrier of the plan) and its window.
 */
#include "alloc.h"
#include "ansible.h"
#include "escape.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

extern const char ps_tpl_ansible_site[];
extern const char ps_tpl_ansible_step[];
extern const char ps_tpl_ansible_collect[];
extern const char ps_tpl_ansible_all[];

int ps_ansible_name_ok(const char *name)
{
    static const char *const reserved[] = {"all", "ungrouped", "localhost", PS_ANSIBLE_GROUP,
                                           PS_ANSIBLE_DEFAULT_GROUP};
    size_t n;

    if (name == NULL || (n = strlen(name)) == 0 || n > 253)
        return 0;
    if (!((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z') ||
          (name[0] >= '0' && name[0] <= '9')))
        return 0;
    if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != n)
        return 0;
    for (size_t i = 0; i < PS_ARRAY_LEN(reserved); i++)
        if (ps_streq_ci(name, reserved[i]))
            return 0;
    return 1;
}

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && ps_streq_ci(s + n - m, suffix);
}

static const char *base_name(const char *path)
{
    const char *b = path;

    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == '\\')
            b = p + 1;
    return b;
}

/* "key: !unsafe "value"\n" with the indent of a step. */
static void kv(ps_buf *b, const char *indent, const char *key, const char *value)
{
    ps_buf_printf(b, "%s%s: ", indent, key);
    ps_esc_ansible(b, value);
    ps_buf_puts(b, "\n");
}

static void skipped_vars(ps_buf *b, const char *reason)
{
    ps_buf_puts(b, "patchseq_plan_id: !unsafe \"none\"\n");
    kv(b, "", "patchseq_skip_reason", reason);
    ps_buf_puts(b, "patchseq_windows: 0\npatchseq_steps: []\n");
}

/* The vars file of one host (or of the default group); *installs is the
 * number of installs, or (size_t)-1 when the host is skipped. */
static int host_vars(ps_buf *b, const ps_ansible_host *h, const ps_script_opts *so,
                     size_t *installs)
{
    const char *who = h->name ? h->name : "the machines of the group " PS_ANSIBLE_DEFAULT_GROUP;
    const ps_arch_plan *ap;
    char msg[1024], id[96];
    size_t k = 0, manual = 0;
    int six_zero;

    *installs = (size_t)-1;
    ps_buf_printf(b, "---\n# patchseq: the plan of %s (patchseq plan --format ansible)\n", who);
    if (h->skip_reason) {
        ps_buf_puts(b, "# skipped: patchseq_skip_reason says why\n");
        skipped_vars(b, h->skip_reason);
        return 0;
    }
    if (h->plan == NULL) {
        skipped_vars(b, "there is no plan for this machine");
        return 0;
    }
    if (ps_plan_script_check_opts(h->plan, so, msg, sizeof msg) != 0 ||
        ps_plan_script_id(h->plan, so, id, sizeof id) != 0) {
        ps_buf_puts(b, "# skipped: the plan cannot be run (patchseq_skip_reason)\n");
        skipped_vars(b, msg);
        return 0;
    }
    ap = &h->plan->plans[0];
    six_zero = strcmp(ap->os, "6.0") == 0;
    for (size_t i = 0; i < ap->n_steps; i++) {
        k += ap->steps[i].action == PS_STEP_INSTALL;
        manual += ap->steps[i].action == PS_STEP_MANUAL;
    }
    *installs = k;
    ps_buf_printf(b, "# Windows %s %s, build %s -> %s; %zu installs, %u restarts\n", ap->os,
                  ps_arch_name(ap->arch), ap->start_build ? ap->start_build : "unknown",
                  ap->end_build ? ap->end_build : "unknown", k, ap->reboots);
    if (manual)
        ps_buf_printf(b, "# %zu ESU activation step%s: the run needs patchseq_esu_key (the ESU "
                      "MAK, kept in ansible-vault)\n", manual, manual == 1 ? "" : "s");
    kv(b, "", "patchseq_plan_id", id);
    kv(b, "", "patchseq_os", ap->os);
    kv(b, "", "patchseq_arch", ps_arch_name(ap->arch));
    kv(b, "", "patchseq_skip_reason", "");
    ps_buf_printf(b, "patchseq_windows: %zu\n", ap->n_windows);
    ps_buf_puts(b, k + manual ? "patchseq_steps:\n" : "patchseq_steps: []\n");
    /* an install, with `restart: true` when a reboot step follows it; the
     * ESU activation, with the activation IDs the scripts choose from (the
     * client's and the server's, or the one twice) */
    for (size_t i = 0; i < ap->n_steps; i++) {
        const ps_plan_step *st = &ap->steps[i];
        const ps_plan_node *n;
        char file[1024], src[1024], marker[32];
        size_t window = 0;

        for (size_t w = 0; w < ap->n_windows; w++)
            if (i >= ap->windows[w].first && i <= ap->windows[w].last)
                window = w + 1;
        if (st->action == PS_STEP_MANUAL) {
            /* checked above: one or two IDs, each a GUID */
            snprintf(marker, sizeof marker, "esu-year-%u", st->esu_year);
            ps_buf_printf(b, "  - step: %zu\n    action: manual\n", i + 1);
            kv(b, "    ", "kb", marker);
            ps_buf_printf(b, "    year: %u\n", st->esu_year);
            kv(b, "    ", "activation_client", st->activations[0]->id);
            kv(b, "    ", "activation_server", st->activations[st->n_activations > 1]->id);
            ps_buf_printf(b, "    restart: false\n    window: %zu\n", window);
            continue;
        }
        if (st->action != PS_STEP_INSTALL)
            continue;
        n = &ap->nodes[st->node];
        if (ps_script_rel_path(n->pkg->file, so, file, sizeof file) != 0)
            return -1; /* checked above */
        for (size_t j = 0; file[j]; j++)
            src[j] = file[j] == '\\' ? '/' : file[j];
        src[strlen(file)] = '\0';
        ps_buf_printf(b, "  - step: %zu\n", i + 1);
        kv(b, "    ", "kb", n->kb);
        kv(b, "    ", "file", file);
        kv(b, "    ", "src", src);
        kv(b, "    ", "name", base_name(file));
        kv(b, "    ", "sha256", n->pkg->sha256);
        ps_buf_printf(b, "    tool: %s\n",
                      ends_with_ci(file, ".msu") ? "wusa" : six_zero ? "pkgmgr" : "dism");
        ps_buf_printf(b, "    restart: %s\n",
                      i + 1 < ap->n_steps && ap->steps[i + 1].action == PS_STEP_REBOOT ? "true"
                                                                                   : "false");
        ps_buf_printf(b, "    window: %zu\n", window);
    }
    return 0;
}

static int add_file(ps_ansible_file **files, size_t *n, const char *path, ps_buf *content)
{
    ps_ansible_file *grown;

    if (content->data == NULL)
        return -1;
    grown = ps_realloc(*files, (*n + 1) * sizeof **files);
    if (grown == NULL)
        return -1;
    *files = grown;
    grown[*n].path = ps_strdup(path);
    if (grown[*n].path == NULL)
        return -1;
    grown[*n].data = ps_buf_steal(content, &grown[*n].len);
    (*n)++;
    return 0;
}

static int add_static(ps_ansible_file **files, size_t *n, const char *path, const char *text)
{
    ps_buf b = {0};
    int rc = ps_buf_puts(&b, text) == 0 ? add_file(files, n, path, &b) : -1;

    ps_buf_free(&b);
    return rc;
}

/* The bundle folder on the controller: the one root made absolute (its
 * folder when it is a file), or "" without roots. */
static char *bundle_dir(const ps_script_opts *so, char *msg, size_t msglen)
{
    struct stat st;
    char *abs, *slash;

    if (so == NULL || so->n_roots == 0)
        return ps_strdup("");
    if (so->n_roots > 1) {
        snprintf(msg, msglen, "a playbook folder is made of one bundle (one PATH: the folder the "
                 "packages are copied from), and %zu were given", so->n_roots);
        return NULL;
    }
    abs = realpath(so->roots[0], NULL);
    if (abs == NULL) {
        snprintf(msg, msglen, "the bundle folder cannot be made absolute: %s", strerror(errno));
        return NULL;
    }
    if (stat(abs, &st) == 0 && !S_ISDIR(st.st_mode) && (slash = strrchr(abs, '/')) != NULL)
        slash[slash == abs ? 1 : 0] = '\0';
    return abs;
}

static int all_vars(ps_buf *b, const char *bundle)
{
    const char *tok = "\"@BUNDLE@\"", *at = strstr(ps_tpl_ansible_all, tok);

    if (at == NULL)
        return -1;
    ps_buf_append(b, ps_tpl_ansible_all, (size_t)(at - ps_tpl_ansible_all));
    ps_esc_ansible(b, bundle);
    return ps_buf_puts(b, at + strlen(tok));
}

static void inventory_ini(ps_buf *b, const ps_ansible_host *hosts, size_t n)
{
    ps_buf_puts(b, "# patchseq: an example inventory of the machines of this plan.  Use it, or\n"
                   "# your own with the machines in a group " PS_ANSIBLE_GROUP ".  The account\n"
                   "# (ansible_user, ansible_password) comes from a vault or -e, never from\n"
                   "# this file.\n");
    if (n == 1 && hosts[0].name == NULL) {
        ps_buf_puts(b, "[" PS_ANSIBLE_DEFAULT_GROUP "]\n"
                       "# the machines of the plan, one a line, e.g.\n"
                       "# server1.example.com\n\n"
                       "[" PS_ANSIBLE_GROUP ":children]\n" PS_ANSIBLE_DEFAULT_GROUP "\n");
    } else {
        ps_buf_puts(b, "[" PS_ANSIBLE_GROUP "]\n");
        for (size_t i = 0; i < n; i++)
            ps_buf_printf(b, "%s\n", hosts[i].name);
    }
    ps_buf_puts(b, "\n[" PS_ANSIBLE_GROUP ":vars]\n"
                   "ansible_connection=winrm\n"
                   "ansible_port=5986\n"
                   "ansible_winrm_transport=ntlm\n"
                   "ansible_winrm_server_cert_validation=validate\n");
}

static void readme(ps_buf *b, const ps_ansible_host *hosts, size_t n, const size_t *installs,
                   const ps_findings *f)
{
    size_t sev[3] = {0, 0, 0};

    ps_buf_puts(b,
        "patchseq playbook folder (patchseq plan --format ansible)\n"
        "\n"
        "For ansible-core 2.14 or later with the ansible.windows collection; the\n"
        "machines need WinRM and PowerShell 3.0 or later (Windows Server 2008 SP2:\n"
        "WMF 3.0).\n"
        "\n"
        "  ansible-playbook -i inventory.ini collect.yml   fresh inventories into\n"
        "                                                 inventories/\n"
        "  ansible-playbook -i inventory.ini site.yml      install each machine's plan\n"
        "\n"
        "site.yml installs the steps of host_vars/<machine>.yml in plan order: the\n"
        "package is staged (patchseq_source: controller, from patchseq_bundle; or\n"
        "share, from patchseq_share), its SHA-256 checked, then installed with wusa,\n"
        "pkgmgr or DISM; the exit code is judged as the patchseq scripts do.  The\n"
        "machine restarts at each barrier of the plan when something was installed\n"
        "since its last restart, and at the end when an install asked for it.  A\n"
        "marker per KB in patchseq_state_dir makes a rerun skip what is done.  A\n"
        "plan cut into windows (--window) runs one window a run: -e patchseq_window=N.\n"
        "-e patchseq_serial=N (default 1) sets how many machines go at once;\n"
        "max_fail_percentage in site.yml (0) how many of them may fail.\n"
        "Settings: group_vars/all.yml (rewritten with the folder).\n"
        "\n"
        "machines:\n");
    for (size_t i = 0; i < n; i++) {
        const char *who = hosts[i].name ? hosts[i].name : "group " PS_ANSIBLE_DEFAULT_GROUP;

        if (installs[i] == (size_t)-1)
            ps_buf_printf(b, "  %s: skipped (see patchseq_skip_reason in its vars file)\n", who);
        else
            ps_buf_printf(b, "  %s: %zu install%s\n", who, installs[i],
                          installs[i] == 1 ? "" : "s");
    }
    for (size_t i = 0; f && i < f->count; i++)
        if ((unsigned)f->items[i].severity <= PS_SEV_ERROR)
            sev[f->items[i].severity]++;
    ps_buf_printf(b, "\nfindings of the plan: %zu errors, %zu warnings (patchseq plan --format "
                     "text lists them)\n", sev[PS_SEV_ERROR], sev[PS_SEV_WARNING]);
}

void ps_ansible_files_free(ps_ansible_file *files, size_t n)
{
    for (size_t i = 0; files && i < n; i++) {
        free(files[i].path);
        free(files[i].data);
    }
    free(files);
}

int ps_ansible_build(const ps_ansible_host *hosts, size_t n, const ps_findings *f,
                     const ps_script_opts *so, ps_ansible_file **files, size_t *nfiles,
                     char *msg, size_t msglen)
{
    ps_ansible_file *out = NULL;
    size_t nout = 0, *installs = NULL;
    char *bundle = NULL;
    ps_buf b = {0};
    int rc = -1;

    *files = NULL;
    *nfiles = 0;
    snprintf(msg, msglen, "out of memory");
    if (n == 0) {
        snprintf(msg, msglen, "there is no machine to write a playbook for");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (hosts[i].name == NULL && n == 1)
            continue;
        if (!ps_ansible_name_ok(hosts[i].name)) {
            ps_buf m = {0};

            ps_esc_printf(&m, ps_esc_text, "%s", hosts[i].name ? hosts[i].name : "(none)");
            snprintf(msg, msglen, "the machine name '%s' cannot be an Ansible host (1 to 253 "
                     "characters of [A-Za-z0-9._-], first a letter or a digit; not all, "
                     "ungrouped, localhost, " PS_ANSIBLE_GROUP " or " PS_ANSIBLE_DEFAULT_GROUP ")",
                     m.data ? m.data : "");
            ps_buf_free(&m);
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (ps_streq_ci(hosts[i].name, hosts[j].name)) {
                snprintf(msg, msglen, "the machine %s is given twice", hosts[i].name);
                return -1;
            }
    }
    if ((bundle = bundle_dir(so, msg, msglen)) == NULL)
        return -1;
    snprintf(msg, msglen, "out of memory");
    installs = ps_calloc(n, sizeof *installs);
    if (installs == NULL)
        goto out;
    if (add_static(&out, &nout, "site.yml", ps_tpl_ansible_site) != 0 ||
        add_static(&out, &nout, "tasks/patchseq-step.yml", ps_tpl_ansible_step) != 0 ||
        add_static(&out, &nout, "collect.yml", ps_tpl_ansible_collect) != 0)
        goto out;
    if (all_vars(&b, bundle) != 0 || add_file(&out, &nout, "group_vars/all.yml", &b) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        char path[300];

        ps_buf_free(&b);
        if (host_vars(&b, &hosts[i], so, &installs[i]) != 0) {
            snprintf(msg, msglen, "a step of the plan of %s cannot be written",
                     hosts[i].name ? hosts[i].name : PS_ANSIBLE_DEFAULT_GROUP);
            goto out;
        }
        if (hosts[i].name)
            snprintf(path, sizeof path, "host_vars/%s.yml", hosts[i].name);
        else
            snprintf(path, sizeof path, "group_vars/" PS_ANSIBLE_DEFAULT_GROUP ".yml");
        if (add_file(&out, &nout, path, &b) != 0)
            goto out;
    }
    ps_buf_free(&b);
    inventory_ini(&b, hosts, n);
    if (add_file(&out, &nout, "inventory.ini", &b) != 0)
        goto out;
    readme(&b, hosts, n, installs, f);
    if (add_file(&out, &nout, "README.txt", &b) != 0)
        goto out;
    *files = out;
    *nfiles = nout;
    out = NULL;
    nout = 0;
    rc = 0;
    msg[0] = '\0';
out:
    ps_buf_free(&b);
    ps_ansible_files_free(out, nout);
    free(installs);
    free(bundle);
    return rc;
}

/* A folder of the output: made when missing; a link or a non-folder is
 * refused (writing through it could reach outside the folder). */
static int out_dir(const char *path, int create, char *msg, size_t msglen)
{
    struct stat st;

    if (lstat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        snprintf(msg, msglen, "%s: %s", path, S_ISLNK(st.st_mode)
                 ? "is a symbolic link: refused (nothing is written through a link)"
                 : "exists and is not a folder");
        return -1;
    }
    if (errno != ENOENT) {
        snprintf(msg, msglen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!create)
        return 1;
    if (mkdir(path, 0755) != 0) {
        snprintf(msg, msglen, "%s: cannot create the folder: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int ps_render_ansible(const char *dir, const ps_ansible_host *hosts, size_t n,
                      const ps_findings *f, const ps_script_opts *so, char *msg, size_t msglen)
{
    static const char *const subdirs[] = {"tasks", "host_vars", "group_vars"};
    ps_ansible_file *files = NULL;
    size_t nfiles = 0;
    struct stat st;
    int rc = -1;

    if (dir == NULL || dir[0] == '\0') {
        snprintf(msg, msglen, "no folder given");
        return -1;
    }
    if (ps_ansible_build(hosts, n, f, so, &files, &nfiles, msg, msglen) != 0)
        return -1;
    /* the folder itself may be a link to a folder (the caller named it) */
    if (stat(dir, &st) == 0 ? !S_ISDIR(st.st_mode) : errno != ENOENT) {
        snprintf(msg, msglen, "%s: is not a folder", dir);
        goto out;
    }
    /* every check before the first write */
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && stat(dir, &st) != 0 && mkdir(dir, 0755) != 0) {
            snprintf(msg, msglen, "%s: cannot create the folder: %s", dir, strerror(errno));
            goto out;
        }
        for (size_t i = 0; i < PS_ARRAY_LEN(subdirs); i++) {
            char *p = ps_asprintf("%s/%s", dir, subdirs[i]);
            int r = p ? out_dir(p, pass, msg, msglen) : -1;

            free(p);
            if (r < 0)
                goto out;
        }
        for (size_t i = 0; pass == 0 && i < nfiles; i++) {
            char *p = ps_asprintf("%s/%s", dir, files[i].path);

            if (p == NULL)
                goto out;
            if (lstat(p, &st) == 0 && !S_ISREG(st.st_mode)) {
                snprintf(msg, msglen, "%s: %s", p, S_ISLNK(st.st_mode)
                         ? "is a symbolic link: refused (nothing is written through a link)"
                         : "exists and is not a regular file");
                free(p);
                goto out;
            }
            free(p);
        }
    }
    for (size_t i = 0; i < nfiles; i++) {
        char *p = ps_asprintf("%s/%s", dir, files[i].path);

        if (p == NULL || ps_write_atomic(p, files[i].data, files[i].len, msg, msglen) != 0) {
            if (p == NULL)
                snprintf(msg, msglen, "out of memory");
            free(p);
            goto out;
        }
        free(p);
    }
    rc = 0;
    msg[0] = '\0';
out:
    ps_ansible_files_free(files, nfiles);
    return rc;
}
