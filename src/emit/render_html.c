/*
 * render_html.c - the report for the maintenance window (`plan --format
 * html`): one self-contained HTML file, readable with no network and no
 * script (a Content-Security-Policy says so to the browser: nothing is
 * fetched, nothing runs).
 *
 * Content: the change ticket's (scope, per plan its steps with title,
 * release date, phase and the reason in plain words, the planner's full
 * reasons with their provenance in a <details>, the files with size and
 * SHA-256, the restarts, windows, missing prerequisites, what was skipped,
 * the backout), a timeline of each plan drawn as inline SVG (one row per boot,
 * the steps in order as boxes as wide as their estimated minutes, the
 * window of each row and the restart that ends it), the graph (the SVG
 * Graphviz made of the dot document, given by the caller in
 * ps_render_opts.graph_svg; else a note says why it is omitted), the
 * checks done before, and the findings by severity.  A fleet
 * (ps_render_opts.groups) gets its machine groups first, then each
 * group's plans once.  Every value from a package, the knowledge base or
 * an inventory goes through ps_esc_html.
 */
#include "plan.h"
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void h(ps_buf *b, const char *s)
{
    ps_esc_html(b, s ? s : "");
}

/* The markup of the parts it shares with the change ticket (doc_parts.c). */
static const ps_doc_markup html_markup = {
    .esc = ps_esc_html, .item = "<li>", .item_end = "</li>\n", .field = "<dt>",
    .field_mid = "</dt><dd>", .field_end = "</dd>\n", .code = "<code>", .code_end = "</code>",
    .term = "<code>", .term_end = "</code>", .file = "<span class=\"file\">",
    .file_end = "</span>", .arrow = " &rarr; "};

static const char html_style[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
    "margin:2em auto;max-width:72em;padding:0 1.5em;color:#1c2430;line-height:1.4}"
    "h1{font-size:1.6em;border-bottom:2px solid #2f5d9e;padding-bottom:.2em}"
    "h2{font-size:1.3em;margin-top:2em;border-bottom:1px solid #c8d2e0}"
    "h3{font-size:1.05em;margin-top:1.4em}"
    "table{border-collapse:collapse;margin:.5em 0;width:100%}"
    "th,td{border:1px solid #c8d2e0;padding:.25em .5em;text-align:left;vertical-align:top}"
    "th{background:#eef2f8}td.n{text-align:right;white-space:nowrap}td.nw{white-space:nowrap}"
    "tr.restart td{background:#fff4e0}"
    ".hash{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:.8em;"
    "overflow-wrap:anywhere}"
    ".file{overflow-wrap:anywhere}"
    ".summary{font-size:1.05em;background:#eef2f8;padding:.5em .8em;border-radius:4px}"
    "dl.scope{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}"
    "dl.scope dt{font-weight:bold}dl.scope dd{margin:0}"
    ".sev-error{color:#a40000}.sev-warning{color:#8a5a00}.sev-info{color:#2f5d9e}"
    "svg.timeline{max-width:100%;height:auto;display:block;margin:.5em 0}"
    ".graph svg{max-width:100%;height:auto}"
    ".note{color:#555;font-style:italic}"
    "details{margin:.3em 0}summary{cursor:pointer}"
    "code{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:.9em}"
    "@media print{body{margin:0;max-width:none}details{display:block}}";

/* The window (1-based) step s is in, or 0 without windows. */
static size_t window_of(const ps_arch_plan *ap, size_t s)
{
    for (size_t w = 0; w < ap->n_windows; w++)
        if (s >= ap->windows[w].first && s <= ap->windows[w].last)
            return w + 1;
    return 0;
}

/* Timeline geometry, in SVG user units. */
#define TL_LEFT 150u   /* the row labels */
#define TL_ROW 46u     /* height of a row */
#define TL_BOX 30u     /* height of a step */
#define TL_MIN_W 118u  /* narrowest step */
#define TL_PER_MIN 7u  /* width per estimated minute */
#define TL_MAX_W 300u  /* widest step */

static unsigned tl_width(unsigned long minutes)
{
    unsigned long w = TL_MIN_W + minutes * TL_PER_MIN;

    return w > TL_MAX_W ? TL_MAX_W : (unsigned)w;
}

/*
 * One row per boot: its window and estimated minutes on the left, its
 * install steps as boxes left to right, the restart that ends it as an
 * orange bar; each box's title (a tooltip) holds the KB title and file.
 */
static void html_timeline(ps_buf *b, const ps_arch_plan *ap, const ps_render_opts *o)
{
    size_t rows = ap->reboots + 1, row = 0;
    unsigned width = TL_LEFT, x = TL_LEFT;
    unsigned long row_minutes = 0;

    if (ap->n_steps == 0)
        return;
    /* the widest row sets the width */
    for (size_t s = 0; s < ap->n_steps; s++) {
        unsigned long m = ps_minutes(ps_step_seconds(ap, s, o));

        x += ap->steps[s].action != PS_STEP_INSTALL ? 64u : tl_width(m) + 6u;
        if (x + 10u > width)
            width = x + 10u;
        if (ap->steps[s].action == PS_STEP_REBOOT)
            x = TL_LEFT;
    }
    if (ap->steps[ap->n_steps - 1].action == PS_STEP_REBOOT)
        rows--; /* the last restart ends the last row */
    ps_buf_printf(b, "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
                     "width=\"%u\" height=\"%zu\" viewBox=\"0 0 %u %zu\" "
                     "font-family=\"sans-serif\" font-size=\"12\">\n<title>Timeline of ",
                  width, rows * TL_ROW + 28u, width, rows * TL_ROW + 28u);
    ps_doc_plan_title(b, ap, &html_markup);
    ps_buf_puts(b, "</title>\n");
    ps_buf_printf(b, "<text x=\"4\" y=\"16\" font-weight=\"bold\">boot</text>"
                     "<text x=\"%u\" y=\"16\" font-weight=\"bold\">steps in install order "
                     "(width: estimated minutes)</text>\n", TL_LEFT);
    x = TL_LEFT;
    for (size_t s = 0; s < ap->n_steps; s++) {
        const ps_plan_step *st = &ap->steps[s];
        unsigned long m = ps_minutes(ps_step_seconds(ap, s, o));
        unsigned y = 24u + (unsigned)row * TL_ROW;
        int row_start = x == TL_LEFT;

        if (row_start) {
            unsigned long rm = 0;
            size_t w = window_of(ap, s);

            for (size_t t = s; t < ap->n_steps; t++) { /* the row's minutes */
                rm += ps_minutes(ps_step_seconds(ap, t, o));
                if (ap->steps[t].action == PS_STEP_REBOOT)
                    break;
            }
            row_minutes = rm;
            ps_buf_printf(b, "<text x=\"4\" y=\"%u\">boot %zu</text>", y + 13u, row + 1);
            if (w)
                ps_buf_printf(b, "<text x=\"4\" y=\"%u\" fill=\"#555\">window %zu, %lu min</text>\n",
                              y + 27u, w, row_minutes);
            else
                ps_buf_printf(b, "<text x=\"4\" y=\"%u\" fill=\"#555\">%lu min</text>\n", y + 27u,
                              row_minutes);
        }
        if (st->action == PS_STEP_REBOOT) {
            ps_buf_printf(b, "<g><title>step %zu: restart, about %lu min</title>"
                             "<rect x=\"%u\" y=\"%u\" width=\"58\" height=\"%u\" rx=\"4\" "
                             "fill=\"#f0a030\"/><text x=\"%u\" y=\"%u\" font-size=\"11\">"
                             "%zu. restart</text></g>\n",
                          s + 1, m, x, y, TL_BOX, x + 3u, y + 19u, s + 1);
            x = TL_LEFT;
            row++;
            continue;
        }
        if (st->action == PS_STEP_MANUAL) {
            ps_buf_printf(b, "<g><title>step %zu: manual: activate the ESU key of year %u</title>"
                             "<rect x=\"%u\" y=\"%u\" width=\"58\" height=\"%u\" rx=\"4\" "
                             "fill=\"#9fd39f\"/><text x=\"%u\" y=\"%u\" font-size=\"11\">"
                             "%zu. ESU key</text></g>\n",
                          s + 1, st->esu_year, x, y, TL_BOX, x + 3u, y + 19u, s + 1);
            x += 64u;
            continue;
        }
        const ps_plan_node *n = &ap->nodes[st->node];
        unsigned wbox = tl_width(m);

        ps_buf_printf(b, "<g><title>step %zu: ", s + 1);
        h(b, n->kb);
        if (ps_node_title(n)) {
            ps_buf_puts(b, " - ");
            h(b, ps_node_title(n));
        }
        ps_buf_puts(b, " - ");
        h(b, n->pkg->file);
        ps_buf_printf(b, ", about %lu min</title><rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" "
                         "rx=\"4\" fill=\"%s\" stroke=\"#2f5d9e\"/>"
                         "<text x=\"%u\" y=\"%u\" font-size=\"11\">%zu. ",
                      m, x, y, wbox, TL_BOX,
                      ps_node_not_removable(ap, n) ? "#c9d8ef" : "#e4ecf7", x + 4u, y + 13u, s + 1);
        h(b, n->kb);
        ps_buf_printf(b, "</text><text x=\"%u\" y=\"%u\" font-size=\"10\" fill=\"#444\">", x + 4u,
                      y + 26u);
        h(b, n->phase_name);
        ps_buf_printf(b, ", %lu min</text></g>\n", m);
        x += wbox + 6u;
    }
    ps_buf_puts(b, "</svg>\n");
}

static void html_steps(ps_buf *b, const ps_arch_plan *ap, const ps_render_opts *o)
{
    ps_buf reason = {0};

    ps_buf_puts(b, "<table class=\"steps\">\n<thead><tr><th>#</th><th>Action</th><th>KB</th>"
                   "<th>Title</th><th>Released</th><th>Phase</th><th>Minutes</th><th>Reason</th>"
                   "</tr></thead>\n<tbody>\n");
    for (size_t s = 0; s < ap->n_steps; s++) {
        const ps_plan_step *st = &ap->steps[s];
        unsigned long m = ps_minutes(ps_step_seconds(ap, s, o));

        reason.len = 0;
        if (reason.data)
            reason.data[0] = '\0';
        ps_step_plain_reason(&reason, ap, st);
        if (reason.failed)
            ps_buf_fail(b); /* the document fails with its reason, never goes without it */
        if (st->action == PS_STEP_REBOOT) {
            ps_buf_printf(b, "<tr class=\"restart\"><td class=\"n\">%zu</td><td><strong>restart"
                             "</strong></td><td colspan=\"4\"></td><td class=\"n\">%lu</td><td>",
                          s + 1, m);
        } else if (st->action == PS_STEP_MANUAL) {
            ps_buf_printf(b, "<tr class=\"manual\"><td class=\"n\">%zu</td><td><strong>manual"
                             "</strong></td><td></td><td>activate the ESU key of year %u "
                             "(the key is not in this report; the install scripts take it at "
                             "run time):",
                          s + 1, st->esu_year);
            for (size_t c = 0; c < st->n_commands; c++) {
                ps_buf_puts(b, c ? "<br>" : " ");
                ps_buf_puts(b, "<code>");
                h(b, st->commands[c]);
                ps_buf_puts(b, "</code>");
            }
            ps_buf_puts(b, "</td><td colspan=\"2\"></td><td class=\"n\"></td><td>");
        } else {
            const ps_plan_node *n = &ap->nodes[st->node];

            ps_buf_printf(b, "<tr><td class=\"n\">%zu</td><td>install</td><td class=\"nw\">",
                          s + 1);
            h(b, n->kb);
            ps_buf_puts(b, "</td><td>");
            if (ps_node_title(n))
                h(b, ps_node_title(n));
            else
                ps_buf_puts(b, "<span class=\"note\">no title in the knowledge base</span>");
            ps_buf_puts(b, "</td><td class=\"nw\">");
            h(b, n->date ? n->date : "unknown");
            ps_buf_puts(b, "</td><td class=\"nw\">");
            h(b, n->phase_name);
            ps_buf_printf(b, "</td><td class=\"n\">%lu</td><td>", m);
        }
        h(b, reason.data);
        if (st->n_reasons) {
            ps_buf_puts(b, "<details><summary>why, with sources</summary><ul>");
            for (size_t r = 0; r < st->n_reasons; r++) {
                ps_buf_puts(b, "<li>");
                h(b, st->reasons[r]);
                ps_buf_puts(b, "</li>");
            }
            ps_buf_puts(b, "</ul></details>");
        }
        ps_buf_puts(b, "</td></tr>\n");
    }
    ps_buf_puts(b, "</tbody>\n</table>\n");
    ps_buf_free(&reason);
}

static void html_hashes(ps_buf *b, const ps_arch_plan *ap)
{
    ps_buf_puts(b, "<h3>Files</h3>\n<table>\n<thead><tr><th>#</th><th>KB</th><th>File</th>"
                   "<th>Size</th><th>SHA-256</th></tr></thead>\n<tbody>\n");
    for (size_t s = 0; s < ap->n_steps; s++) {
        const ps_plan_node *n;
        char size[32];

        if (ap->steps[s].action != PS_STEP_INSTALL)
            continue;
        n = &ap->nodes[ap->steps[s].node];
        ps_size_text(size, sizeof size, n->pkg->size);
        ps_buf_printf(b, "<tr><td class=\"n\">%zu</td><td>", s + 1);
        h(b, n->kb);
        ps_buf_puts(b, "</td><td class=\"file\">");
        h(b, n->pkg->file);
        ps_buf_printf(b, "</td><td class=\"n\">%s</td><td class=\"hash\">", size);
        if (n->pkg->hashed)
            h(b, n->pkg->sha256);
        else
            ps_buf_puts(b, "<span class=\"note\">not computed</span>");
        ps_buf_puts(b, "</td></tr>\n");
    }
    ps_buf_puts(b, "</tbody>\n</table>\n");
}

static void html_windows(ps_buf *b, const ps_arch_plan *ap, const ps_plan_summary *sum)
{
    ps_buf_puts(b, "<h3>Estimated time</h3>\n");
    if (ap->n_windows == 0) {
        ps_buf_printf(b, "<p>About %lu minutes in one window (no window length was given: "
                         "<code>--window MINUTES</code> cuts the plan at its restarts).</p>\n",
                      ps_minutes(sum->seconds));
        return;
    }
    ps_buf_printf(b, "<table>\n<thead><tr><th>Window (at most %u min)</th><th>Steps</th>"
                     "<th>Minutes</th><th>Note</th></tr></thead>\n<tbody>\n", ap->window_minutes);
    for (size_t w = 0; w < ap->n_windows; w++) {
        ps_buf_printf(b, "<tr><td class=\"n\">%zu</td><td>", w + 1);
        ps_window_steps(b, &ap->windows[w]);
        ps_buf_printf(b, "</td><td class=\"n\">%lu</td><td>%s</td></tr>\n",
                      ps_minutes(ap->windows[w].seconds),
                      ap->windows[w].overrun ? "longer than the window" : "");
    }
    ps_buf_printf(b, "</tbody>\n</table>\n<p>In total about %lu minutes.</p>\n",
                  ps_minutes(sum->seconds));
}

static void html_lists(ps_buf *b, const ps_arch_plan *ap, const ps_findings *f)
{
    size_t n = 0;

    ps_buf_puts(b, "<h3>Restarts</h3>\n");
    if (ap->reboots == 0)
        ps_buf_puts(b, "<p>None.</p>\n");
    else
        ps_buf_puts(b, "<ul>\n");
    ps_doc_restarts(b, ap, &html_markup, "");
    if (ap->reboots)
        ps_buf_puts(b, "</ul>\n");
    ps_buf_puts(b, "<h3>Prerequisites the bundle lacks</h3>\n");
    for (size_t i = 0; f && i < f->count; i++) {
        const ps_finding *fd = &f->items[i];

        if (fd->code != PS_F_MISSING_PREREQUISITE || fd->arch != ap->arch || !fd->os || !ap->os ||
            strcmp(fd->os, ap->os) != 0)
            continue;
        ps_buf_puts(b, n++ ? "<li>" : "<ul>\n<li>");
        h(b, fd->message);
        ps_buf_puts(b, "</li>\n");
    }
    ps_buf_puts(b, n ? "</ul>\n" : "<p>None.</p>\n");
    ps_buf_puts(b, "<h3>Skipped</h3>\n");
    if (ap->n_skipped == 0)
        ps_buf_puts(b, "<p>Nothing.</p>\n");
    else
        ps_buf_puts(b, "<ul>\n");
    ps_doc_skipped(b, ap, &html_markup);
    if (ap->n_skipped)
        ps_buf_puts(b, "</ul>\n");
}

static void html_backout(ps_buf *b, const ps_arch_plan *ap)
{
    int any = 0;

    ps_buf_puts(b, "<h3>Backout</h3>\n");
    for (size_t s = 0; s < ap->n_steps; s++)
        any |= ap->steps[s].action == PS_STEP_INSTALL;
    if (!any) {
        ps_buf_puts(b, "<p>Nothing was installed.</p>\n");
        return;
    }
    ps_buf_puts(b, "<p>Uninstall in this order (the reverse of the install), then restart:</p>\n"
                   "<table>\n<thead><tr><th>Step</th><th>KB</th><th>Backout</th></tr></thead>\n"
                   "<tbody>\n");
    for (size_t s = ap->n_steps; s-- > 0;) {
        const ps_plan_node *nd;

        if (ap->steps[s].action != PS_STEP_INSTALL)
            continue;
        nd = &ap->nodes[ap->steps[s].node];
        ps_buf_printf(b, "<tr><td class=\"n\">%zu</td><td>", s + 1);
        h(b, nd->kb);
        ps_buf_puts(b, "</td><td>");
        ps_doc_backout(b, ap, nd, &html_markup);
        ps_buf_puts(b, "</td></tr>\n");
    }
    ps_buf_puts(b, "</tbody>\n</table>\n");
}

static void html_plan(ps_buf *b, const ps_arch_plan *ap, const ps_findings *f,
                      const ps_render_opts *o, const char *prefix)
{
    ps_plan_summary sum;

    ps_plan_summarize(ap, o, &sum);
    ps_buf_printf(b, "<section class=\"plan\">\n<h2>%s", prefix);
    ps_doc_plan_title(b, ap, &html_markup);
    ps_buf_printf(b, "</h2>\n<p class=\"summary\">%zu install%s, %u restart%s, about %lu minutes; "
                     "build ", sum.installs, sum.installs == 1 ? "" : "s", sum.restarts,
                  sum.restarts == 1 ? "" : "s", ps_minutes(sum.seconds));
    h(b, sum.build_before);
    ps_buf_puts(b, " &rarr; ");
    h(b, sum.build_after);
    ps_buf_puts(b, "</p>\n");
    if (ap->n_steps) {
        ps_buf_puts(b, "<h3>Timeline</h3>\n");
        html_timeline(b, ap, o);
        ps_buf_puts(b, "<h3>Steps</h3>\n");
        html_steps(b, ap, o);
        html_hashes(b, ap);
    } else {
        ps_buf_puts(b, "<p>Nothing to install.</p>\n");
    }
    html_windows(b, ap, &sum);
    html_lists(b, ap, f);
    html_backout(b, ap);
    ps_buf_puts(b, "</section>\n");
}

/* The SVG of Graphviz without its XML prolog; NULL when it is not one. */
static const char *svg_body(const char *svg)
{
    const char *p = svg ? strstr(svg, "<svg") : NULL;

    if (p == NULL || strstr(p, "</svg>") == NULL)
        return NULL;
    for (const char *q = p; *q; q++) /* no script, no foreign object */
        if (*q == '<' && (ps_has_prefix_ci(q + 1, "script") || ps_has_prefix_ci(q + 1, "foreign")))
            return NULL;
    return p;
}

static void html_graph(ps_buf *b, const ps_render_opts *o)
{
    const char *svg = svg_body(o->graph_svg);

    ps_buf_puts(b, "<section class=\"graph\">\n<h2>Graph of the order</h2>\n");
    if (svg) {
        const char *end = strstr(svg, "</svg>") + strlen("</svg>");

        ps_buf_puts(b, "<p>One row per boot; an edge says what a package must follow "
                       "(stack, sha2, rule, wsus); hover over it for the reasons.</p>\n");
        ps_buf_append(b, svg, (size_t)(end - svg));
        ps_buf_puts(b, "\n");
    } else {
        ps_buf_puts(b, "<p class=\"note\">The graph is omitted: ");
        h(b, o->graph_note ? o->graph_note : "no rendering of it was given");
        ps_buf_puts(b, ". <code>patchseq plan --format dot</code> writes it for Graphviz.</p>\n");
    }
    ps_buf_puts(b, "</section>\n");
}

static void html_scope(ps_buf *b, const ps_doc_section *sec, size_t nsec, const ps_render_opts *o)
{
    ps_buf_puts(b, "<dl class=\"scope\">\n");
    ps_doc_scope(b, sec, nsec, o, &html_markup);
    ps_buf_puts(b, "</dl>\n");
}

static void html_groups(ps_buf *b, const ps_doc_section *sec, size_t nsec,
                        const ps_render_opts *o)
{
    ps_buf_puts(b, "<section class=\"groups\">\n<h2>Machine groups</h2>\n<p>Fleet: ");
    ps_fleet_counts_text(b, sec, nsec, o);
    ps_buf_puts(b, ".  Machines with the same plan are one group; each group's plan is shown "
                   "once below.</p>\n"
                   "<table>\n<thead><tr><th>Group</th><th>Machines</th><th>Plan</th></tr>"
                   "</thead>\n<tbody>\n");
    for (size_t g = 0; g < nsec; g++) {
        ps_buf_printf(b, "<tr><td>%zu", g + 1);
        if (sec[g].label) {
            ps_buf_puts(b, " (");
            h(b, sec[g].label);
            ps_buf_puts(b, ")");
        }
        ps_buf_printf(b, "</td><td>%zu: ", sec[g].n_machines);
        ps_doc_names(b, sec[g].machines, sec[g].n_machines, &html_markup);
        ps_buf_puts(b, "</td><td>");
        for (size_t i = 0; i < sec[g].plan->count; i++) {
            const ps_arch_plan *ap = &sec[g].plan->plans[i];

            if (i)
                ps_buf_puts(b, "<br>");
            ps_doc_plan_title(b, ap, &html_markup);
            ps_buf_puts(b, ": ");
            ps_doc_sequence(b, ap, &html_markup);
        }
        if (o->groups[g].why) {
            ps_buf_puts(b, sec[g].plan->count ? "<br>Why: " : "Why: ");
            h(b, o->groups[g].why);
        }
        ps_buf_puts(b, "</td></tr>\n");
    }
    ps_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

static void html_checks(ps_buf *b, const ps_doc_section *sec, size_t nsec, const ps_findings *f)
{
    ps_buf_puts(b, "<section class=\"checks\">\n<h2>Checks done before</h2>\n<ul>\n");
    ps_doc_checks_list(b, sec, nsec, f, &html_markup, "with each plan");
    ps_buf_puts(b, "</ul>\n</section>\n");
}

static void html_findings(ps_buf *b, const ps_findings *f)
{
    static const struct {
        ps_severity sev;
        const char *title, *cls;
    } levels[] = {{PS_SEV_ERROR, "Errors", "sev-error"},
                  {PS_SEV_WARNING, "Warnings", "sev-warning"},
                  {PS_SEV_INFO, "Notes", "sev-info"}};

    ps_buf_puts(b, "<section class=\"findings\">\n<h2>Findings</h2>\n");
    if (f == NULL || f->count == 0)
        ps_buf_puts(b, "<p>None.</p>\n");
    for (size_t l = 0; f && l < PS_ARRAY_LEN(levels); l++) {
        size_t n = 0;

        for (size_t i = 0; i < f->count; i++)
            n += f->items[i].severity == levels[l].sev;
        if (n == 0)
            continue;
        ps_buf_printf(b, "<h3 class=\"%s\">%s (%zu)</h3>\n<ul>\n", levels[l].cls, levels[l].title, n);
        for (size_t i = 0; i < f->count; i++) {
            const ps_finding *fd = &f->items[i];

            if (fd->severity != levels[l].sev)
                continue;
            ps_doc_finding(b, fd, &html_markup);
        }
        ps_buf_puts(b, "</ul>\n");
    }
    ps_buf_puts(b, "</section>\n");
}

int ps_render_html(ps_buf *b, const ps_plan *plan, const ps_findings *f, const ps_render_opts *o)
{
    ps_doc_section *sec;
    size_t nsec = ps_doc_sections(plan, o, &sec);

    if (nsec == 0)
        return -1;
    ps_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                     "style-src 'unsafe-inline'\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<meta name=\"generator\" content=\"patchseq %s\">\n"
                     "<title>Change request: install Windows updates</title>\n<style>%s</style>\n"
                     "</head>\n<body>\n<h1>Change request: install Windows updates</h1>\n",
                  PS_VERSION_STRING, html_style);
    html_scope(b, sec, nsec, o);
    if (o->n_groups)
        html_groups(b, sec, nsec, o);
    for (size_t g = 0; g < nsec; g++) {
        char prefix[32] = "";

        if (o->n_groups)
            snprintf(prefix, sizeof prefix, "Group %zu: ", g + 1);
        if (sec[g].plan->count == 0)
            ps_buf_printf(b, "<h2>%sNo package to plan</h2>\n", prefix);
        for (size_t i = 0; i < sec[g].plan->count; i++)
            html_plan(b, &sec[g].plan->plans[i], f, o, prefix);
    }
    html_graph(b, o);
    html_checks(b, sec, nsec, f);
    html_findings(b, f);
    ps_buf_puts(b, "</body>\n</html>\n");
    free(sec);
    return b->data ? 0 : -1;
}
