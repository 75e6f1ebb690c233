/*
 * render_md.c - the change ticket (`plan --format md`): Markdown that reads
 * well as text, with pandoc and on GitLab/GitHub.
 *
 * Layout: the scope (systems, architectures, machines, totals), then per
 * plan its summary, a table of steps whose cells stay short (KB, title
 * shortened, release date, phase, minutes, a one-line reason in plain
 * words with the planner's full reasons and their provenance as a
 * footnote), the files with size and SHA-256, the restarts, the estimated
 * windows, the prerequisites the bundle lacks, what was skipped and why,
 * the backout (wusa /uninstall per step, in reverse order; servicing stack
 * updates and the SHA-2 support update are not removable); then the checks
 * done before and the findings by severity.  Long text (titles, files,
 * sentences) goes in lists, never in a table cell.  No raw HTML: every
 * value from a package, the knowledge base or an inventory goes through
 * ps_esc_md.  A fleet (ps_render_opts.groups) gets its machine groups first,
 * then each group's plans once.
 */
#include "plan.h"
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest title in a table cell, in bytes; a longer one is cut at a space. */
#define MD_TITLE_CELL 60

static void md(ps_buf *b, const char *s)
{
    ps_esc_md(b, s ? s : "");
}

/* The markup of the parts it shares with the report (doc_parts.c). */
static const ps_doc_markup md_markup = {
    .esc = ps_esc_md, .item = "- ", .item_end = "\n", .field = "- ", .field_mid = ": ",
    .field_end = "\n", .code = "`", .code_end = "`", .term = "", .term_end = "", .file = "",
    .file_end = "", .arrow = " -> "};

/* The title cut at the last space before MD_TITLE_CELL bytes, with "...". */
static void md_short_title(ps_buf *b, const char *title)
{
    size_t n = strlen(title), cut;
    char *tmp;

    if (n <= MD_TITLE_CELL) {
        md(b, title);
        return;
    }
    for (cut = MD_TITLE_CELL; cut > 0 && title[cut] != ' '; cut--)
        ;
    if (cut == 0) /* one long word: cut before a UTF-8 continuation byte */
        for (cut = MD_TITLE_CELL; cut > 0 && ((unsigned char)title[cut] & 0xc0) == 0x80; cut--)
            ;
    tmp = ps_strndup(title, cut);
    if (tmp == NULL) {
        ps_buf_fail(b);
        return;
    }
    md(b, tmp);
    free(tmp);
    ps_buf_puts(b, " ...");
}

static int same_plan(const ps_finding *fd, const ps_arch_plan *ap)
{
    return fd->arch == ap->arch && fd->os && ap->os && strcmp(fd->os, ap->os) == 0;
}

static void md_steps(ps_buf *b, const ps_arch_plan *ap, const ps_render_opts *o, const char *tag)
{
    ps_buf reason = {0};

    ps_buf_puts(b, "| # | Action | KB | Title | Released | Phase | Minutes | Reason |\n"
                   "|---:|---|---|---|---|---|---:|---|\n");
    for (size_t s = 0; s < ap->n_steps; s++) {
        const ps_plan_step *st = &ap->steps[s];

        reason.len = 0;
        if (reason.data)
            reason.data[0] = '\0';
        ps_step_plain_reason(&reason, ap, st);
        if (reason.failed)
            ps_buf_fail(b);
        if (st->action == PS_STEP_REBOOT) {
            ps_buf_printf(b, "| %zu | **restart** | | | | | %lu | ", s + 1,
                          ps_minutes(ps_step_seconds(ap, s, o)));
        } else if (st->action == PS_STEP_MANUAL) {
            ps_buf_printf(b, "| %zu | **manual** | | activate the ESU key of year %u (see "
                             "Manual steps) | | | | ", s + 1, st->esu_year);
        } else {
            const ps_plan_node *n = &ap->nodes[st->node];

            ps_buf_printf(b, "| %zu | install | ", s + 1);
            md(b, n->kb);
            ps_buf_puts(b, " | ");
            if (ps_node_title(n))
                md_short_title(b, ps_node_title(n));
            else
                ps_buf_puts(b, "(no title in the knowledge base)");
            ps_buf_puts(b, " | ");
            md(b, n->date ? n->date : "unknown");
            ps_buf_puts(b, " | ");
            md(b, n->phase_name);
            ps_buf_printf(b, " | %lu | ", ps_minutes(ps_step_seconds(ap, s, o)));
        }
        md(b, reason.data);
        if (st->n_reasons)
            ps_buf_printf(b, " [^%s-%zu]", tag, s + 1);
        ps_buf_puts(b, " |\n");
    }
    ps_buf_puts(b, "\n");
    ps_buf_free(&reason);
}

static void md_files(ps_buf *b, const ps_arch_plan *ap)
{
    ps_buf_puts(b, "Files (size, SHA-256):\n\n");
    for (size_t s = 0; s < ap->n_steps; s++) {
        const ps_plan_node *n;
        char size[32];

        if (ap->steps[s].action != PS_STEP_INSTALL)
            continue;
        n = &ap->nodes[ap->steps[s].node];
        ps_size_text(size, sizeof size, n->pkg->size);
        ps_buf_printf(b, "- step %zu, ", s + 1);
        md(b, n->kb);
        ps_buf_puts(b, ": ");
        md(b, n->pkg->file);
        ps_buf_printf(b, ", %s, SHA-256 ", size);
        if (n->pkg->hashed)
            md(b, n->pkg->sha256);
        else
            ps_buf_puts(b, "not computed");
        if (ps_node_title(n)) {
            ps_buf_puts(b, "  \n  ");
            md(b, ps_node_title(n));
        }
        ps_buf_puts(b, "\n");
    }
    ps_buf_puts(b, "\n");
}

static void md_restarts(ps_buf *b, const ps_arch_plan *ap)
{
    ps_buf_printf(b, "### Restarts\n\n");
    if (ap->reboots == 0) {
        ps_buf_puts(b, "None.\n\n");
        return;
    }
    ps_doc_restarts(b, ap, &md_markup, "restart");
    ps_buf_puts(b, "\n");
}

static void md_windows(ps_buf *b, const ps_arch_plan *ap, const ps_plan_summary *sum)
{
    ps_buf_puts(b, "### Estimated time\n\n");
    if (ap->n_windows == 0) {
        ps_buf_printf(b, "About %lu minutes in one window (no window length was given: "
                         "`--window MINUTES` cuts the plan at its restarts).\n\n",
                      ps_minutes(sum->seconds));
        return;
    }
    ps_buf_printf(b, "Windows of at most %u minutes:\n\n| Window | Steps | Minutes | Note |\n"
                     "|---:|---|---:|---|\n", ap->window_minutes);
    for (size_t w = 0; w < ap->n_windows; w++) {
        ps_buf_printf(b, "| %zu | ", w + 1);
        ps_window_steps(b, &ap->windows[w]);
        ps_buf_printf(b, " | %lu | %s |\n", ps_minutes(ap->windows[w].seconds),
                      ap->windows[w].overrun ? "longer than the window" : "");
    }
    ps_buf_printf(b, "\nIn total about %lu minutes.\n\n", ps_minutes(sum->seconds));
}

static void md_missing(ps_buf *b, const ps_arch_plan *ap, const ps_findings *f)
{
    size_t n = 0;

    ps_buf_puts(b, "### Prerequisites the bundle lacks\n\n");
    for (size_t i = 0; f && i < f->count; i++) {
        const ps_finding *fd = &f->items[i];

        if (fd->code != PS_F_MISSING_PREREQUISITE || !same_plan(fd, ap))
            continue;
        ps_buf_puts(b, "- ");
        md(b, fd->message);
        ps_buf_puts(b, "\n");
        n++;
    }
    ps_buf_puts(b, n ? "\n" : "None.\n\n");
}

static void md_skipped(ps_buf *b, const ps_arch_plan *ap)
{
    ps_buf_puts(b, "### Skipped\n\n");
    if (ap->n_skipped == 0) {
        ps_buf_puts(b, "Nothing.\n\n");
        return;
    }
    ps_doc_skipped(b, ap, &md_markup);
    ps_buf_puts(b, "\n");
}

/* The administrator's steps (the ESU activation): the commands, in order. */
static void md_manual(ps_buf *b, const ps_arch_plan *ap)
{
    size_t n = 0;

    for (size_t s = 0; s < ap->n_steps; s++)
        n += ap->steps[s].action == PS_STEP_MANUAL;
    if (n == 0)
        return;
    ps_buf_puts(b, "### Manual steps\n\n");
    for (size_t s = 0; s < ap->n_steps; s++) {
        const ps_plan_step *st = &ap->steps[s];

        if (st->action != PS_STEP_MANUAL)
            continue;
        ps_buf_printf(b, "- step %zu: activate the ESU key of year %u, from an elevated "
                         "command prompt (the key is not in this document; the install "
                         "scripts take it at run time):\n", s + 1, st->esu_year);
        for (size_t c = 0; c < st->n_commands; c++) {
            ps_buf_printf(b, "  %zu. ", c + 1);
            md(b, st->commands[c]);
            ps_buf_puts(b, "\n");
        }
    }
    ps_buf_puts(b, "\n");
}

static void md_backout(ps_buf *b, const ps_arch_plan *ap)
{
    size_t n = 0;

    ps_buf_puts(b, "### Backout\n\n");
    for (size_t s = ap->n_steps; s-- > 0;)
        n += ap->steps[s].action == PS_STEP_INSTALL;
    if (n == 0) {
        ps_buf_puts(b, "Nothing was installed.\n\n");
        return;
    }
    ps_buf_puts(b, "Uninstall in this order (the reverse of the install), then restart:\n\n"
                   "| Step | KB | Backout |\n|---:|---|---|\n");
    for (size_t s = ap->n_steps; s-- > 0;) {
        const ps_plan_node *nd;

        if (ap->steps[s].action != PS_STEP_INSTALL)
            continue;
        nd = &ap->nodes[ap->steps[s].node];
        ps_buf_printf(b, "| %zu | ", s + 1);
        md(b, nd->kb);
        ps_buf_puts(b, " | ");
        ps_doc_backout(b, ap, nd, &md_markup);
        ps_buf_puts(b, " |\n");
    }
    ps_buf_puts(b, "\n");
}

static void md_footnotes(ps_buf *b, const ps_arch_plan *ap, const char *tag)
{
    for (size_t s = 0; s < ap->n_steps; s++) {
        const ps_plan_step *st = &ap->steps[s];

        if (st->n_reasons == 0)
            continue;
        ps_buf_printf(b, "[^%s-%zu]: Step %zu: ", tag, s + 1, s + 1);
        for (size_t r = 0; r < st->n_reasons; r++) {
            if (r)
                ps_buf_puts(b, "; ");
            md(b, st->reasons[r]);
        }
        ps_buf_puts(b, ".\n");
    }
    ps_buf_puts(b, "\n");
}

static void md_plan(ps_buf *b, const ps_arch_plan *ap, const ps_findings *f,
                    const ps_render_opts *o, const char *tag, const char *heading_prefix)
{
    ps_plan_summary sum;

    ps_plan_summarize(ap, o, &sum);
    ps_buf_puts(b, "## ");
    if (heading_prefix)
        ps_buf_puts(b, heading_prefix);
    ps_doc_plan_title(b, ap, &md_markup);
    ps_buf_printf(b, "\n\n%zu install%s, %u restart%s, about %lu minutes; build ", sum.installs,
                  sum.installs == 1 ? "" : "s", sum.restarts, sum.restarts == 1 ? "" : "s",
                  ps_minutes(sum.seconds));
    md(b, sum.build_before);
    ps_buf_puts(b, " -> ");
    md(b, sum.build_after);
    ps_buf_puts(b, ".\n\n### Steps\n\n");
    if (ap->n_steps) {
        md_steps(b, ap, o, tag);
        md_files(b, ap);
    } else {
        ps_buf_puts(b, "Nothing to install.\n\n");
    }
    md_restarts(b, ap);
    md_manual(b, ap);
    md_windows(b, ap, &sum);
    md_missing(b, ap, f);
    md_skipped(b, ap);
    md_backout(b, ap);
    if (ap->n_steps)
        md_footnotes(b, ap, tag);
}

static void md_scope(ps_buf *b, const ps_doc_section *sec, size_t nsec, const ps_render_opts *o)
{
    ps_buf_puts(b, "## Scope\n\n");
    ps_doc_scope(b, sec, nsec, o, &md_markup);
    ps_buf_puts(b, "\n");
}

static void md_groups(ps_buf *b, const ps_doc_section *sec, size_t nsec, const ps_render_opts *o)
{
    ps_buf_puts(b, "## Machine groups\n\nFleet: ");
    ps_fleet_counts_text(b, sec, nsec, o);
    ps_buf_puts(b, ".  Machines with the same plan are one group; each group's plan is shown "
                   "once below.\n\n");
    for (size_t g = 0; g < nsec; g++) {
        ps_buf_printf(b, "- Group %zu", g + 1);
        if (sec[g].label) {
            ps_buf_puts(b, " (");
            md(b, sec[g].label);
            ps_buf_puts(b, ")");
        }
        ps_buf_printf(b, ", %zu machine%s: ", sec[g].n_machines, sec[g].n_machines == 1 ? "" : "s");
        ps_doc_names(b, sec[g].machines, sec[g].n_machines, &md_markup);
        if (o->groups[g].why) {
            ps_buf_puts(b, "  \n  Why: ");
            md(b, o->groups[g].why);
        }
        for (size_t i = 0; i < sec[g].plan->count; i++) {
            ps_buf_puts(b, "  \n  ");
            ps_doc_plan_title(b, &sec[g].plan->plans[i], &md_markup);
            ps_buf_puts(b, ": ");
            ps_doc_sequence(b, &sec[g].plan->plans[i], &md_markup);
        }
        ps_buf_puts(b, "\n");
    }
    ps_buf_puts(b, "\n");
}

static void md_checks(ps_buf *b, const ps_doc_section *sec, size_t nsec, const ps_findings *f)
{
    ps_buf_puts(b, "## Checks done before\n\n");
    ps_doc_checks_list(b, sec, nsec, f, &md_markup, "with the steps");
    ps_buf_puts(b, "\n");
}

static void md_findings(ps_buf *b, const ps_findings *f)
{
    static const struct {
        ps_severity sev;
        const char *title;
    } levels[] = {{PS_SEV_ERROR, "Errors"}, {PS_SEV_WARNING, "Warnings"}, {PS_SEV_INFO, "Notes"}};

    ps_buf_puts(b, "## Findings\n\n");
    if (f == NULL || f->count == 0) {
        ps_buf_puts(b, "None.\n");
        return;
    }
    for (size_t l = 0; l < PS_ARRAY_LEN(levels); l++) {
        size_t n = 0;

        for (size_t i = 0; i < f->count; i++) {
            const ps_finding *fd = &f->items[i];

            if (fd->severity != levels[l].sev)
                continue;
            if (n++ == 0)
                ps_buf_printf(b, "### %s\n\n", levels[l].title);
            ps_doc_finding(b, fd, &md_markup);
        }
        if (n)
            ps_buf_puts(b, "\n");
    }
}

int ps_render_md(ps_buf *b, const ps_plan *plan, const ps_findings *f, const ps_render_opts *o)
{
    ps_doc_section *sec;
    size_t nsec = ps_doc_sections(plan, o, &sec);

    if (nsec == 0)
        return -1;
    ps_buf_puts(b, "# Change request: install Windows updates\n\n");
    md_scope(b, sec, nsec, o);
    if (o->n_groups)
        md_groups(b, sec, nsec, o);
    for (size_t g = 0; g < nsec; g++) {
        char prefix[32] = "";

        if (o->n_groups)
            snprintf(prefix, sizeof prefix, "Group %zu: ", g + 1);
        if (sec[g].plan->count == 0)
            ps_buf_printf(b, "## %sNo package to plan\n\n", prefix);
        for (size_t i = 0; i < sec[g].plan->count; i++) {
            char tag[48];

            snprintf(tag, sizeof tag, "%zu-%zu", g + 1, i + 1);
            md_plan(b, &sec[g].plan->plans[i], f, o, tag, prefix[0] ? prefix : NULL);
        }
    }
    md_checks(b, sec, nsec, f);
    md_findings(b, f);
    free(sec);
    return b->data ? 0 : -1;
}
