/*
 * ansible.h - the plans of one or more machines as a playbook folder for
 * ansible-core 2.14+ with the ansible.windows collection (render_ansible.c).
 *
 * The folder:
 *   site.yml                 installs each machine's own steps (static)
 *   tasks/patchseq-step.yml  one step: marker, stage, SHA-256, install,
 *                            exit code, barrier restart (static)
 *   collect.yml              fetches `systeminfo /fo csv` of each machine
 *                            for the next `plan --installed` (static)
 *   group_vars/all.yml       the settings of the run (package source,
 *                            bundle folder, staging and marker folders)
 *   host_vars/NAME.yml       the steps of machine NAME (or, for the one plan
 *                            of no named machine, group_vars/windows.yml)
 *   inventory.ini            an example inventory listing the machines
 *   README.txt               what the folder is and how it is run
 *
 * Every value of a package that enters a file is validated first (the
 * checks of the install scripts, ps_plan_script_check_opts) and written as
 * an `!unsafe "..."` YAML scalar (ps_esc_ansible): neither YAML nor Jinja
 * reads anything in it.  Machine names are checked by ps_ansible_name_ok
 * and never escaped (they are file names and inventory lines).
 */
#ifndef PS_ANSIBLE_H
#define PS_ANSIBLE_H

#include "script.h"

/* One machine of the playbook.  name NULL (only with n == 1): the plan is
 * for the machines of the group `windows`, none named.  skip_reason
 * non-NULL: the host is skipped with it (its plan has errors); a plan the
 * script checks refuse is skipped with their reason. */
typedef struct ps_ansible_host {
    const char *name;
    const ps_plan *plan;
    const char *skip_reason;
} ps_ansible_host;

/* The group every machine of the playbook is in, and the group of the one
 * plan of no named machine. */
#define PS_ANSIBLE_GROUP "patchseq"
#define PS_ANSIBLE_DEFAULT_GROUP "windows"

/* 1 when `name` can be a machine of the playbook: 1 to 253 characters of
 * [A-Za-z0-9._-], starting with a letter or a digit, not "all",
 * "ungrouped", "localhost" nor a group of the playbook. */
int ps_ansible_name_ok(const char *name);

/* A file of the folder: its path relative to the folder ('/' between
 * components) and its content. */
typedef struct ps_ansible_file {
    char *path;
    char *data;
    size_t len;
} ps_ansible_file;

/*
 * The files of the folder, in memory.  so: the bundle roots (at most one:
 * each step names its file below it, and group_vars/all.yml names it as
 * patchseq_bundle, made absolute); f: the findings of the run (counted in
 * README.txt), may be NULL.  Returns 0, or -1 with the reason in msg
 * (a machine name refused or given twice, several roots, out of memory).
 */
int ps_ansible_build(const ps_ansible_host *hosts, size_t n, const ps_findings *f,
                     const ps_script_opts *so, ps_ansible_file **files, size_t *nfiles,
                     char *msg, size_t msglen);
void ps_ansible_files_free(ps_ansible_file *files, size_t n);

/*
 * ps_ansible_build, then the files written into `dir` (created when it does
 * not exist; its parent must), each atomically (ps_write_atomic).  Nothing
 * outside dir is written: a subfolder or file of the folder that is a
 * symbolic link, or not a folder / regular file, is refused before
 * anything is written.  Files of the folder it does not write are left as
 * they are.  Returns 0, or -1 with the reason in msg.
 */
int ps_render_ansible(const char *dir, const ps_ansible_host *hosts, size_t n,
                      const ps_findings *f, const ps_script_opts *so, char *msg, size_t msglen);

#endif /* PS_ANSIBLE_H */
