/*
 * doc_parts.c - the parts the change ticket (render_md.c) and the report
 * (render_html.c) write alike, told apart only by a small markup model
 * (ps_doc_markup): the escaper of the format and the tags of a list item,
 * a scope field, code, a finding code and a file.  The words are written
 * here once; every value goes through mk->esc.
 */
#include "plan.h"

#include "findings.h"
#include "render.h"

#include <string.h>

static void esc(ps_buf *b, const ps_doc_markup *mk, const char *s)
{
    mk->esc(b, s ? s : "");
}

const char *ps_kb_digits(const char *kb)
{
    const char *d;

    if (kb == NULL || (kb[0] != 'K' && kb[0] != 'k') || (kb[1] != 'B' && kb[1] != 'b') || !kb[2])
        return NULL;
    for (d = kb + 2; *d; d++)
        if (*d < '0' || *d > '9')
            return NULL;
    return kb + 2;
}

void ps_doc_plan_title(ps_buf *b, const ps_arch_plan *ap, const ps_doc_markup *mk)
{
    ps_buf_puts(b, "Windows ");
    esc(b, mk, ap->os);
    if (ps_plan_os_title(ap)) {
        ps_buf_puts(b, " (");
        esc(b, mk, ps_plan_os_title(ap));
        ps_buf_puts(b, ")");
    }
    ps_buf_printf(b, ", %s", ps_arch_name(ap->arch));
}

void ps_doc_sequence(ps_buf *b, const ps_arch_plan *ap, const ps_doc_markup *mk)
{
    if (ap->n_steps == 0) {
        ps_buf_puts(b, "nothing to install");
        return;
    }
    for (size_t s = 0; s < ap->n_steps; s++) {
        if (s)
            ps_buf_puts(b, mk->arrow);
        if (ap->steps[s].action == PS_STEP_REBOOT)
            ps_buf_puts(b, "restart");
        else if (ap->steps[s].action == PS_STEP_MANUAL)
            ps_buf_puts(b, "activate ESU");
        else
            esc(b, mk, ap->nodes[ap->steps[s].node].kb);
    }
}

void ps_doc_names(ps_buf *b, const char *const *names, size_t n, const ps_doc_markup *mk)
{
    for (size_t m = 0; m < n; m++) {
        if (m)
            ps_buf_puts(b, ", ");
        esc(b, mk, names[m]);
    }
}

/* The name of a scope field, opened. */
static void field(ps_buf *b, const ps_doc_markup *mk, const char *name)
{
    ps_buf_puts(b, mk->field);
    ps_buf_puts(b, name);
    ps_buf_puts(b, mk->field_mid);
}

void ps_doc_scope(ps_buf *b, const ps_doc_section *sec, size_t nsec, const ps_render_opts *o,
                  const ps_doc_markup *mk)
{
    unsigned long seconds = 0;
    size_t installs = 0, plans = 0, machines = 0;
    unsigned restarts = 0, arches = 0;

    field(b, mk, "Systems");
    for (size_t g = 0; g < nsec; g++)
        for (size_t i = 0; i < sec[g].plan->count; i++) {
            const ps_arch_plan *ap = &sec[g].plan->plans[i];
            ps_plan_summary sum;

            ps_plan_summarize(ap, o, &sum);
            seconds += sum.seconds;
            installs += sum.installs;
            restarts += sum.restarts;
            arches |= PS_ARCH_BIT(ap->arch);
            if (ps_doc_seen_before(sec, g, i))
                continue;
            if (plans++)
                ps_buf_puts(b, "; ");
            ps_doc_plan_title(b, ap, mk);
        }
    if (plans == 0)
        ps_buf_puts(b, "none (no package to plan)");
    ps_buf_puts(b, mk->field_end);
    field(b, mk, "Architectures");
    for (int a = PS_ARCH_X86, n = 0; a < PS_ARCH__COUNT; a++)
        if (arches & PS_ARCH_BIT(a))
            ps_buf_printf(b, "%s%s", n++ ? ", " : "", ps_arch_name((ps_arch)a));
    if (arches == 0)
        ps_buf_puts(b, "none");
    ps_buf_puts(b, mk->field_end);
    field(b, mk, "Machines");
    for (size_t g = 0; g < nsec; g++)
        machines += sec[g].n_machines;
    if (o->n_groups) {
        ps_buf_printf(b, "%zu in %zu group%s (below)", machines, nsec, nsec == 1 ? "" : "s");
    } else if (o->machine) {
        esc(b, mk, o->machine);
        if (o->inventory) {
            ps_buf_puts(b, " (inventory ");
            esc(b, mk, o->inventory);
            ps_buf_puts(b, ")");
        }
    } else if (o->inventory) {
        ps_buf_puts(b, "the machine of inventory ");
        esc(b, mk, o->inventory);
    } else {
        ps_buf_puts(b, "every machine of these systems (no inventory was given: the plan starts "
                       "from the base build)");
    }
    ps_buf_puts(b, mk->field_end);
    field(b, mk, "In total");
    ps_buf_printf(b, "%zu install%s, %u restart%s, about %lu minutes (estimated)", installs,
                  installs == 1 ? "" : "s", restarts, restarts == 1 ? "" : "s",
                  ps_minutes(seconds));
    ps_buf_puts(b, mk->field_end);
}

void ps_doc_checks_list(ps_buf *b, const ps_doc_section *sec, size_t nsec,
                        const ps_findings *f, const ps_doc_markup *mk, const char *hashes_listed)
{
    ps_doc_checks c;
    const size_t *sev = c.sev;

    ps_doc_checks_count(sec, nsec, f, &c);
    ps_buf_puts(b, mk->item);
    if (c.files && c.hashed == c.files)
        ps_buf_printf(b, "SHA-256 of each of the %zu files computed when the bundle was read "
                         "(listed %s); the install scripts check each again before installing "
                         "it.", c.files, hashes_listed);
    else
        ps_buf_printf(b, "SHA-256 computed for %zu of %zu files.", c.hashed, c.files);
    ps_buf_printf(b, "%s%sThe planner's checks (those of %spatchseq validate%s): %zu error%s, "
                     "%zu warning%s, %zu note%s, listed under Findings.%s",
                  mk->item_end, mk->item, mk->code, mk->code_end, sev[PS_SEV_ERROR],
                  sev[PS_SEV_ERROR] == 1 ? "" : "s", sev[PS_SEV_WARNING],
                  sev[PS_SEV_WARNING] == 1 ? "" : "s", sev[PS_SEV_INFO],
                  sev[PS_SEV_INFO] == 1 ? "" : "s", mk->item_end);
    ps_buf_printf(b, "%sBefore the window: %spatchseq validate%s on the same folder exits 0, and "
                     "the install script runs once with %s/dryrun%s (cmd) or %s-DryRun%s "
                     "(PowerShell).%s",
                  mk->item, mk->code, mk->code_end, mk->code, mk->code_end, mk->code,
                  mk->code_end, mk->item_end);
}

void ps_doc_finding(ps_buf *b, const ps_finding *fd, const ps_doc_markup *mk)
{
    ps_buf_printf(b, "%s%s%s%s", mk->item, mk->term, ps_finding_code_name(fd->code),
                  mk->term_end);
    if (fd->arch != PS_ARCH_NONE)
        ps_buf_printf(b, " (%s)", ps_arch_name(fd->arch));
    if (fd->file) {
        ps_buf_printf(b, ", %s", mk->file);
        esc(b, mk, fd->file);
        ps_buf_puts(b, mk->file_end);
    }
    if (fd->member) {
        ps_buf_puts(b, ", ");
        esc(b, mk, fd->member);
        if (fd->line)
            ps_buf_printf(b, " line %u", fd->line);
    }
    ps_buf_puts(b, ": ");
    esc(b, mk, fd->message);
    ps_buf_puts(b, mk->item_end);
}

void ps_doc_skipped(ps_buf *b, const ps_arch_plan *ap, const ps_doc_markup *mk)
{
    for (size_t s = 0; s < ap->n_skipped; s++) {
        const ps_plan_node *n = &ap->nodes[ap->skipped[s]];

        ps_buf_puts(b, mk->item);
        esc(b, mk, n->kb);
        ps_buf_printf(b, " (%s", mk->file);
        esc(b, mk, n->pkg->file);
        ps_buf_printf(b, "%s), %s: ", mk->file_end, ps_node_state_name(n->state));
        esc(b, mk, n->why ? n->why : "left out");
        ps_buf_puts(b, mk->item_end);
    }
}

void ps_doc_restarts(ps_buf *b, const ps_arch_plan *ap, const ps_doc_markup *mk,
                     const char *no_reason)
{
    for (size_t s = 0; s < ap->n_steps; s++) {
        const ps_plan_step *st = &ap->steps[s];

        if (st->action != PS_STEP_REBOOT)
            continue;
        ps_buf_printf(b, "%sstep %zu: ", mk->item, s + 1);
        for (size_t r = 0; r < st->n_reasons; r++) {
            if (r)
                ps_buf_puts(b, "; ");
            esc(b, mk, st->reasons[r]);
        }
        if (st->n_reasons == 0)
            ps_buf_puts(b, no_reason);
        ps_buf_puts(b, mk->item_end);
    }
}

void ps_doc_backout(ps_buf *b, const ps_arch_plan *ap, const ps_plan_node *nd,
                    const ps_doc_markup *mk)
{
    const char *digits = ps_kb_digits(nd->kb);

    if (ps_node_not_removable(ap, nd))
        ps_buf_puts(b, nd->role == PS_ROLE_SERVICING_STACK
                           ? "not removable (a servicing stack update)"
                           : "not removable (SHA-2 code signing support)");
    else if (digits)
        ps_buf_printf(b, "%swusa /uninstall /kb:%s /quiet /norestart%s", mk->code, digits,
                      mk->code_end);
    else
        ps_buf_puts(b, "no KB number: remove it by hand");
}
