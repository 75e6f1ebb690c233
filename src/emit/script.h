/*
 * script.h - the install scripts (script.c, script_cmd.c, script_ps1.c):
 * whether a plan can be a script, the cmd and PowerShell documents, the
 * paths and the plan id they name.
 */
#ifndef PS_SCRIPT_H
#define PS_SCRIPT_H

#include "plan.h"

/*
 * Scripts: "cmd" and "ps1" render exactly one plan
 * (plan->count == 1) whose installed files carry their SHA-256 (the bundle
 * read with hashing on).  ps_plan_script_check says whether `plan` can be
 * rendered as a script: 0, or -1 with the reason in msg.
 */
int ps_plan_script_check(const ps_plan *plan, char *msg, size_t msglen);
int ps_plan_render_cmd(ps_buf *b, const ps_plan *plan, const ps_findings *f);
int ps_plan_render_ps1(ps_buf *b, const ps_plan *plan, const ps_findings *f);

/* Where the packages of a script are: each step names its file by its path
 * below the root it was found under (the folder given to `plan`; the
 * script sits in it), each component checked by ps_file_name_safe.  A file
 * under no root (given by itself) is named by its base name.  NULL or no
 * roots: every file by its base name. */
typedef struct ps_script_opts {
    const char *const *roots;   /* display paths, as given to the reader */
    size_t n_roots;
} ps_script_opts;
int ps_plan_script_check_opts(const ps_plan *plan, const ps_script_opts *o, char *msg,
                              size_t msglen);
/* format "cmd" or "ps1"; -1 on a plan ps_plan_script_check_opts refuses or
 * on allocation failure. */
int ps_plan_render_script(ps_buf *b, const char *format, const ps_plan *plan,
                          const ps_findings *f, const ps_script_opts *o);
/* The path of `file` (a display path) as a script names it: below its root,
 * with '\\' between the components, into out; -1 when a component is not a
 * safe file name (or is "." or "..") or out is too small. */
int ps_script_rel_path(const char *file, const ps_script_opts *o, char *out, size_t outlen);

/* The plan id the scripts name their log and state by
 * ("patchseq-6.0-x64-0123456789abcdef": a hash of the steps), into id; -1
 * on a plan ps_plan_script_check_opts refuses. */
int ps_plan_script_id(const ps_plan *plan, const ps_script_opts *o, char *id, size_t idlen);

#endif /* PS_SCRIPT_H */
