/*
 * why_state.c - the sentences of node states: the role a package is given
 * and what disagrees with it, what the machine provides and where its
 * servicing stack comes from, and why a package leaves the plan before
 * resolution (wrong machine, superseded by what is installed, unsafe file
 * name, --until, --exclude, previews, the track, included in a rollup).
 */
#include "plan_int.h"

#include <stddef.h>
#include <stdlib.h>

/* ---- roles (node.c) ------------------------------------------------ */

/* The role of a package nothing classified. */
char *ps_plan_why_role_unknown(void)
{
    return ps_strdup("no knowledge of it");
}

/* The role of a kernel-delivering security update outside the rollups. */
char *ps_plan_why_role_kernel_security(void)
{
    return ps_strdup("a Security Update delivering Microsoft-Windows-OS-Kernel, not of the "
                     "Package_for_RollupFix family");
}

/* The role a WSUS title gives. */
char *ps_plan_why_role_title(const char *title)
{
    return ps_asprintf("WSUS title \"%s\"", title);
}

/* The parts of a title mismatch, appended to odd ("; " between two);
 * ps_buf_printf's result. */
int ps_plan_why_odd_role(ps_buf *odd, ps_role role, const char *why)
{
    return ps_buf_printf(odd, "its other metadata make it %s (%s)", ps_role_name(role), why);
}

int ps_plan_why_odd_class(ps_buf *odd, bool preview)
{
    return ps_buf_printf(odd, preview ? "%sits WSUS classification is Security Updates"
                                      : "%sits WSUS classification is Updates, not Security "
                                        "Updates",
                         odd->len ? "; " : "");
}

int ps_plan_why_odd_build_date(ps_buf *odd, const char *build_date, const char *month)
{
    return ps_buf_printf(odd, "%sits build date %s is neither in %s nor in the month before",
                         odd->len ? "; " : "", build_date, month);
}

/* The metadata-mismatch text of a package planned by its WSUS title. */
char *ps_plan_why_title_mismatch(const char *kb, ps_role role, const char *title, const char *odd)
{
    return ps_asprintf("%s is planned as %s by its WSUS title \"%s\", but %s", kb,
                       ps_role_name(role), title, odd);
}

/* Where a node's SHA-2-only flag comes from. */
const char *ps_plan_why_sha2_src(bool from_catalog, const char *kb_file)
{
    if (from_catalog)
        return "update.cat digests";
    return ps_plan_why_src_file(kb_file);
}

/* ---- the machine and its servicing stack (stack.c) ------------------- */

/* A knowledge-base file as a source, or the knowledge base itself. */
const char *ps_plan_why_src_file(const char *file)
{
    return file ? file : "the knowledge base";
}

/* The source of a stack a package of the bundle delivers. */
const char *ps_plan_why_src_bundle(void)
{
    return "its package in the bundle";
}

/* The stack credited to an SSU from the chain it follows. */
char *ps_plan_why_credited_stack(const char *from)
{
    return ps_asprintf("at least what %s delivers, which it supersedes or follows in the "
                       "servicing stack chain", from);
}

char *ps_plan_why_base_stack(const char *os)
{
    return ps_asprintf("the base of Windows %s", os);
}

char *ps_plan_why_provides_stack(const char *stack, const char *src)
{
    return ps_asprintf("servicing stack %s (%s)", stack, src);
}

char *ps_plan_why_stack_installed(const char *kb, const char *src)
{
    return ps_asprintf("%s installed: %s", kb, src);
}

char *ps_plan_why_provides_unknown_stack(void)
{
    return ps_strdup("a servicing stack of unknown version, counted by the SSU chain order");
}

char *ps_plan_why_stack_unknown(const char *stack_src, const char *kb)
{
    return ps_asprintf("%s; %s installed, of unknown stack", stack_src, kb);
}

/* A kernel an installed KB provides, from its package or the knowledge base. */
char *ps_plan_why_provides_kernel(const char *kernel, bool from_bundle, const char *kb_file)
{
    if (from_bundle)
        return ps_asprintf("kernel %s (its package in the bundle)", kernel);
    return ps_asprintf("kernel %s (%s)", kernel, ps_plan_why_src_file(kb_file));
}

/* What an installed KB of role SHA-2 support or licensing provides; NULL
 * for the other roles (and on OOM). */
char *ps_plan_why_provides_role(ps_role role)
{
    if (role == PS_ROLE_SHA2_SUPPORT)
        return ps_strdup("SHA-2 code-signing support");
    if (role == PS_ROLE_LICENSING)
        return ps_strdup("ESU licensing");
    return NULL;
}

/* ---- leaving the plan before resolution (supersede.c) ---------------- */

char *ps_plan_why_server_only(const char *os_name, const char *kb)
{
    return ps_asprintf("the machine runs %s: %s is for Windows Server 2008 only (Vista never got "
                       "SHA-2 support or Extended Security Updates); not planned",
                       os_name, kb);
}

/* text (owned, may be NULL) with the installed KB that supersedes. */
char *ps_plan_why_installed_supersedes(char *text, const char *kb)
{
    char *w = text ? ps_asprintf("%s; %s is installed", text, kb) : NULL;

    free(text);
    return w;
}

char *ps_plan_why_installed_kb_says(const char *kb, const ps_kb_entry *e)
{
    return ps_asprintf("superseded by %s, which is installed (%s:%u)", kb,
                       e->where.file ? e->where.file : "manifests", e->where.line);
}

char *ps_plan_why_installed_newer(const char *kb, ps_role role, const char *date, const char *own)
{
    return ps_asprintf("superseded by %s, which is installed: a newer %s (released %s, after %s)",
                       kb, ps_role_name(role), date, own);
}

char *ps_plan_why_below_build(unsigned long kernel_build, const char *machine_build)
{
    return ps_asprintf("already contained: its kernel build %lu is below the machine's build %s",
                       kernel_build, machine_build);
}

char *ps_plan_why_unsafe_name(ps_arch arch)
{
    return ps_asprintf("the file name has a character outside [A-Za-z0-9._()+-], so no install "
                       "script may name it; left out of the %s plan (rename the file)",
                       ps_arch_name(arch));
}

char *ps_plan_why_after_target(const char *date, const char *until, const char *option)
{
    return ps_asprintf("released %.7s, after the target %.7s (--until %s)", date, until, option);
}

char *ps_plan_why_excluded(const char *kb)
{
    return ps_asprintf("left out by --exclude %s", kb);
}

char *ps_plan_why_preview(void)
{
    return ps_strdup("a preview rollup (non-security fixes ahead of the next month): optional, "
                     "planned only with --include-previews");
}

char *ps_plan_why_other_track(void)
{
    return ps_strdup("a monthly rollup: the plan follows the security-only track (--track "
                     "security-only)");
}

/* A security-only update inside rollup kb of date; installed or planned. */
char *ps_plan_why_included(const char *kb, const char *date, bool installed)
{
    if (installed)
        return ps_asprintf("included in the monthly rollup %s (%.7s), which is installed: a "
                           "monthly rollup contains the security-only updates of its month and "
                           "before", kb, date);
    return ps_asprintf("included in the monthly rollup %s (%.7s): a monthly rollup contains the "
                       "security-only updates of its month and before", kb, date);
}
