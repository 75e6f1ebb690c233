/*
 * cli_plan_ansible.c - `patchseq plan --format ansible -o DIR`: the
 * playbook folder of one machine or of a fleet, its paths checked, its
 * skipped machines explained.
 */
#include "cli_plan_int.h"

#include "alloc.h"
#include "ansible.h"
#include "escape.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * plan --format ansible -o DIR for a fleet: one host per machine, in name
 * order, each with its own plan; a machine that cannot be brought up to
 * date or whose architecture the bundle has nothing for is skipped with
 * the reason (ps_fleet_hosts), as is a plan the script checks refuse.
 * Messages go to m.  Returns the exit code (1 when a machine is skipped
 * for an error, as for the other formats of a fleet).
 */
static int fleet_ansible(ps_cli *cli, plan_ctx *c, const ps_script_opts *so, ps_buf *m)
{
    ps_fleet_host *fh = NULL;
    ps_ansible_host *hosts = NULL;
    size_t n = c->fleet.n_machines, skipped = 0;
    char msg[1024];
    int rc = 2;

    (void)cli;
    if (ps_fleet_hosts(&c->fleet, &fh) != 0 ||
        (hosts = calloc(n ? n : 1, sizeof *hosts)) == NULL) {
        ps_buf_printf(m, "patchseq plan: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        hosts[i] = (ps_ansible_host){fh[i].name, fh[i].plan, fh[i].skip_reason};
        skipped += fh[i].skip_reason != NULL;
    }
    if (ps_render_ansible(c->sh.outpath, hosts, n, &c->f, so, msg, sizeof msg) != 0) {
        ps_esc_printf(m, ps_esc_text, "patchseq plan: --format ansible: %s\n", msg);
        goto out;
    }
    ps_findings_render_text(m, &c->f);
    if (skipped)
        ps_buf_printf(m, "patchseq plan: --format ansible: %zu of the %zu machines cannot be "
                      "brought up to date by the bundle: the playbook skips them with the reason "
                      "(patchseq plan --installed ... --format text says why)\n", skipped, n);
    rc = ps_cli_exit_code(&c->f, 0);
    if (rc == 0 && ps_fleet_errors(&c->fleet))
        rc = 1;
out:
    free(fh);
    free(hosts);
    return rc;
}

/*
 * plan --format ansible -o DIR: one host (--host NAME; else the name of the
 * --installed file without its extension; else the group `windows`), its
 * plan checked as for a script.  A plan with error findings is written with
 * the host skipped and the reason, unless --allow-partial.  Returns the
 * exit code.
 */
int ps_plan_ansible(ps_cli *cli, plan_ctx *c, char **paths, int npaths)
{
    static const char *const names[] = {"site.yml", "collect.yml", "inventory.ini", "README.txt",
                                        "tasks/patchseq-step.yml", "group_vars/all.yml",
                                        "group_vars/windows.yml"};
    ps_script_opts so = {(const char *const *)paths, (size_t)npaths};
    ps_cli_io outs[PS_ARRAY_LEN(names) + 1];
    ps_cli_io *ins = ps_calloc(c->sh.n_installed + 2, sizeof *ins);
    size_t nin = 0;
    char *paths_out[PS_ARRAY_LEN(names) + 1] = {NULL}, *name = NULL, msg[1024];
    ps_buf reason = {0}, m = {0};
    ps_ansible_host host = {NULL, NULL, NULL};
    size_t errors = 0, nout = 0;
    struct stat st;
    int rc = 2;

    if (ins == NULL) {
        fprintf(cli->err, "patchseq plan: out of memory\n");
        return 2;
    }
    for (size_t i = 0; i < c->sh.n_installed; i++)
        ins[nin++] = (ps_cli_io){"--installed", c->sh.installed_v[i]};
    ins[nin++] = (ps_cli_io){"--rules", c->sh.rules};
    ins[nin++] = (ps_cli_io){"--time-model", c->time_model};
    if (c->sh.n_installed > 1 ||
        (c->sh.installed && stat(c->sh.installed, &st) == 0 && S_ISDIR(st.st_mode)))
        c->is_fleet = 1;
    if (c->is_fleet && c->host) {
        fprintf(cli->err, "patchseq plan: --format ansible: --host names the machine of one "
                "plan; a fleet's machines are named by their inventories\n");
        goto out;
    }
    if (c->sh.outpath == NULL || strcmp(c->sh.outpath, "-") == 0) {
        fprintf(cli->err, "patchseq plan: --format ansible writes a folder: give it with -o DIR\n");
        goto out;
    }
    if (stat(c->sh.outpath, &st) == 0 && !S_ISDIR(st.st_mode)) {
        ps_esc_printf(&m, ps_esc_text, "patchseq plan: --format ansible: -o %s exists and is not "
                      "a folder\n", c->sh.outpath);
        goto out;
    }
    if (c->host)
        name = ps_strdup(c->host);
    else if (c->sh.installed && !c->is_fleet) {
        const char *base = strrchr(c->sh.installed, '/'), *dot;

        base = base ? base + 1 : c->sh.installed;
        dot = strrchr(base, '.');
        name = ps_strndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
        if (name && !ps_ansible_name_ok(name)) {
            ps_esc_printf(&m, ps_esc_text, "patchseq plan: --format ansible: the machine of %s "
                          "would be '%s', which cannot be an Ansible host name: name it with "
                          "--host\n", c->sh.installed, name);
            goto out;
        }
    }
    if ((c->host || (c->sh.installed && !c->is_fleet)) && name == NULL)
        goto oom;
    /* the files of the folder, against the inputs (as for any -o) */
    for (size_t i = 0; i <= PS_ARRAY_LEN(names); i++) {
        const char *leaf = i < PS_ARRAY_LEN(names) ? names[i] : NULL;

        if (leaf == NULL && name == NULL)
            break;
        paths_out[i] = leaf ? ps_asprintf("%s/%s", c->sh.outpath, leaf)
                            : ps_asprintf("%s/host_vars/%s.yml", c->sh.outpath, name);
        if (paths_out[i] == NULL)
            goto oom;
        outs[nout].what = "-o";
        outs[nout++].path = paths_out[i];
    }
    if ((rc = ps_cli_check_run(cli, c->cmd, outs, nout, ins, nin, paths, npaths)) ||
        (rc = ps_cli_refuse_archives(cli, c->format, paths, npaths)) ||
        (rc = ps_cli_plan_build(cli, c, paths, npaths)))
        goto out;
    rc = 2;
    if (c->is_fleet) {
        rc = fleet_ansible(cli, c, &so, &m);
        goto out;
    }
    if (ps_plan_script_check_opts(&c->plan, &so, msg, sizeof msg) != 0) {
        ps_esc_printf(&m, ps_esc_text, "patchseq plan: --format ansible: %s\n", msg);
        goto out;
    }
    for (size_t i = 0; i < c->f.count; i++)
        errors += c->f.items[i].severity == PS_SEV_ERROR;
    if (errors && !c->allow_partial) {
        ps_buf_printf(&reason, "the plan has %zu error finding%s (patchseq plan --format text "
                      "lists them):", errors, errors == 1 ? "" : "s");
        for (size_t i = 0; i < c->f.count; i++)
            if (c->f.items[i].severity == PS_SEV_ERROR)
                ps_buf_printf(&reason, " %s%s%s", c->f.items[i].kb ? c->f.items[i].kb : "",
                              c->f.items[i].kb ? " " : "",
                              ps_finding_code_name(c->f.items[i].code));
        if (reason.data == NULL)
            goto oom;
        host.skip_reason = reason.data;
    }
    host.name = name;
    host.plan = &c->plan;
    if (ps_render_ansible(c->sh.outpath, &host, 1, &c->f, &so, msg, sizeof msg) != 0) {
        ps_esc_printf(&m, ps_esc_text, "patchseq plan: --format ansible: %s\n", msg);
        goto out;
    }
    ps_findings_render_text(&m, &c->f);
    if (host.skip_reason)
        ps_buf_printf(&m, "patchseq plan: --format ansible: the plan has %zu error finding%s "
                      "(above): the playbook skips the machine (--allow-partial installs the "
                      "rest, naming what is left out)\n", errors, errors == 1 ? "" : "s");
    rc = ps_cli_exit_code(&c->f, 0);
    goto out;
oom:
    ps_buf_printf(&m, "patchseq plan: out of memory\n");
    rc = 2;
out:
    if (m.data)
        fputs(m.data, cli->err);
    ps_buf_free(&m);
    ps_buf_free(&reason);
    for (size_t i = 0; i < PS_ARRAY_LEN(paths_out); i++)
        free(paths_out[i]);
    free(name);
    free(ins);
    return rc;
}
