/*
 * render.h - the table of output formats (render.c) and what the document
 * renderers share (library-private, doc.c): the sections a document is made
 * of (one plan, or the machine groups of a fleet), the summary figures of an
 * arch plan, the plain-words reason of a step, and the renderers themselves.
 *
 * Every renderer reads the plan model (plan.h) only, and escapes every
 * value that came from a package, the knowledge base or an inventory with
 * the escaper of its format (escape.h).
 */
#ifndef PS_RENDER_H
#define PS_RENDER_H

#include "escape.h"
#include "plan.h"

/* What a format needs and does, as flags of the format table. */
enum {
    PS_FMT_HASHES = 1u << 0,          /* shows or checks the SHA-256 of the packages: the
                                         bundle is read with hashing on */
    PS_FMT_SCRIPT = 1u << 1,          /* an install script (script.c) */
    PS_FMT_ONE_PLAN = 1u << 2,        /* one plan per document: a fleet with different plans
                                         is refused */
    PS_FMT_FOLDER = 1u << 3,          /* writes a folder (-o DIR), not one document */
    PS_FMT_FINDINGS_INLINE = 1u << 4, /* the document holds the findings; else they go to
                                         stderr as text */
    PS_FMT_GRAPH_SVG = 1u << 5,       /* embeds the dependency graph, drawn as SVG */
};

/* A renderer of one document: 0, or -1 (out of memory, or a value that
 * cannot go into the document safely). */
typedef int (*ps_render_fn)(ps_buf *b, const ps_plan *plan, const ps_findings *f,
                            const ps_render_opts *o);

typedef struct ps_format {
    const char *name;
    ps_render_fn render; /* NULL: not one document (ansible, emit/render_ansible.c) */
    unsigned flags;      /* PS_FMT_* */
} ps_format;

/* The format called `name`, or NULL. */
const ps_format *ps_format_find(const char *name);
/* 1 when `name` is a format with `flag`; 0 for an unknown name. */
int ps_format_has(const char *name, unsigned flag);
/* 1 when `format` names a renderer of one document (ps_plan_render_with). */
int ps_plan_format_known(const char *format);
/* 1 for a script format (PS_FMT_SCRIPT): "cmd", "ps1". */
int ps_plan_format_is_script(const char *format);

/*
 * A document is a list of sections, each one plan shown once with the
 * machines it is for.  A single plan is one section (its machine, when an
 * inventory named one).  A fleet (ps_render_opts.groups) is one section per
 * group of machines with an identical plan.
 */
typedef struct ps_doc_section {
    const ps_plan *plan;
    const char *const *machines; /* borrowed; may be NULL */
    size_t n_machines;
    const char *label;           /* the group's name, or NULL */
} ps_doc_section;

/* Fills *sec (one per group, or one for `plan`); returns how many, or 0
 * when `sec` could not be allocated.  Free *sec with free(). */
size_t ps_doc_sections(const ps_plan *plan, const ps_render_opts *o, ps_doc_section **sec);

/* 1 when plan i of section g has the OS and architecture of a plan before it
 * (another group of a fleet): the scope names each system once. */
int ps_doc_seen_before(const ps_doc_section *sec, size_t g, size_t i);

/* What the "checks done before" part of a document counts: the files the
 * plans install, how many of them were hashed, and the findings per
 * severity (sev[PS_SEV_INFO..PS_SEV_ERROR]). */
typedef struct ps_doc_checks {
    size_t files, hashed, sev[3];
} ps_doc_checks;

void ps_doc_checks_count(const ps_doc_section *sec, size_t nsec, const ps_findings *f,
                         ps_doc_checks *c);

/* A fleet's status name ("cannot-update") in words ("cannot be brought up
 * to date"); other text as it is. */
const char *ps_fleet_status_label(const char *status);
/* The machines of a fleet document, and how many of them per status
 * (needs-updates, cannot-update, current, wrong-architecture). */
void ps_fleet_counts(const ps_doc_section *sec, size_t nsec, const ps_render_opts *o,
                     size_t *machines, size_t counts[4]);

/* "6 machines in 4 groups: 3 need updates, 1 already current" (numbers
 * only: safe in every format). */
void ps_fleet_counts_text(ps_buf *b, const ps_doc_section *sec, size_t nsec,
                          const ps_render_opts *o);

/* The figures of the summary line of a plan. */
typedef struct ps_plan_summary {
    size_t installs;
    unsigned restarts;
    unsigned long seconds;   /* estimate of the whole plan from the time model */
    const char *build_before, *build_after; /* "unknown" when not known */
} ps_plan_summary;

void ps_plan_summarize(const ps_arch_plan *ap, const ps_render_opts *o, ps_plan_summary *s);
/* Estimated seconds of step i. */
unsigned long ps_step_seconds(const ps_arch_plan *ap, size_t i, const ps_render_opts *o);
/* Minutes, rounded up. */
unsigned long ps_minutes(unsigned long seconds);

/* "Windows Vista SP2 / Windows Server 2008 SP2" (the rules' name), or NULL. */
const char *ps_plan_os_title(const ps_arch_plan *ap);
/* The knowledge base's title of a node, or NULL when it has none. */
const char *ps_node_title(const ps_plan_node *n);

/*
 * The reason of an install step in plain words, one line: what the package
 * is, then the packages it must follow with the kinds of the edges:
 * "SHA-2 code signing support; after KB4493730 (stack, rule)".  Values come
 * from the bundle: the caller escapes the text for its format.  The two first
 * packages in node order are named, the others counted ("and 3 more").
 */
int ps_step_plain_reason(ps_buf *b, const ps_arch_plan *ap, const ps_plan_step *st);
/* "stack, rule": the kinds of the edges from -> to, in kind order; 0 when
 * there is none. */
size_t ps_edge_kinds(ps_buf *b, const ps_arch_plan *ap, size_t from, size_t to);
/* 1 when the update cannot be uninstalled (a servicing stack update, or the
 * SHA-2 code signing support update). */
int ps_node_not_removable(const ps_arch_plan *ap, const ps_plan_node *n);
/* "1.2 MiB", "350 KiB", "12 bytes". */
void ps_size_text(char *out, size_t outlen, uint64_t bytes);
/* "1-3" or "4": the 1-based steps of a window. */
void ps_window_steps(ps_buf *b, const ps_plan_window *w);

/*
 * The parts the change ticket and the report write alike (doc_parts.c),
 * each format told by its markup: its escaper for every value, and the
 * fixed tags of a list item, a scope field, code, a finding code, a file.
 */
typedef struct ps_doc_markup {
    int (*esc)(ps_buf *b, const char *s);
    const char *item, *item_end;               /* "- " "\n" / "<li>" "</li>\n" */
    const char *field, *field_mid, *field_end; /* "- " ": " "\n" / "<dt>" "</dt><dd>" ... */
    const char *code, *code_end;               /* a command: "`" / "<code>" */
    const char *term, *term_end;               /* a finding code: "" / "<code>" */
    const char *file, *file_end;               /* a file name: "" / "<span class=\"file\">" */
    const char *arrow;                         /* between steps: " -> " / " &rarr; " */
} ps_doc_markup;

/* "4493730" of "KB4493730", or NULL when kb is not KB + digits. */
const char *ps_kb_digits(const char *kb);
/* "Windows 6.0 (Windows Vista SP2 / Windows Server 2008 SP2), x64" */
void ps_doc_plan_title(ps_buf *b, const ps_arch_plan *ap, const ps_doc_markup *mk);
/* "KB4493730 -> KB4474419 -> restart", or "nothing to install". */
void ps_doc_sequence(ps_buf *b, const ps_arch_plan *ap, const ps_doc_markup *mk);
/* "a, b, c" */
void ps_doc_names(ps_buf *b, const char *const *names, size_t n, const ps_doc_markup *mk);
/* The scope fields: systems, architectures, machines, totals. */
void ps_doc_scope(ps_buf *b, const ps_doc_section *sec, size_t nsec, const ps_render_opts *o,
                  const ps_doc_markup *mk);
/* The items of "checks done before"; `hashes_listed` says where the
 * SHA-256 are ("with the steps"). */
void ps_doc_checks_list(ps_buf *b, const ps_doc_section *sec, size_t nsec,
                        const ps_findings *f, const ps_doc_markup *mk, const char *hashes_listed);
/* One finding as a list item: code (arch), file, member line N: message. */
void ps_doc_finding(ps_buf *b, const ps_finding *fd, const ps_doc_markup *mk);
/* The skipped packages of a plan, one item each: KB (file), state: why. */
void ps_doc_skipped(ps_buf *b, const ps_arch_plan *ap, const ps_doc_markup *mk);
/* The restarts of a plan, one item each: "step N: " and its reasons, or
 * `no_reason` when it has none. */
void ps_doc_restarts(ps_buf *b, const ps_arch_plan *ap, const ps_doc_markup *mk,
                     const char *no_reason);

/* What to do to take the install of nd back: the wusa command, or why
 * there is none. */
void ps_doc_backout(ps_buf *b, const ps_arch_plan *ap, const ps_plan_node *nd,
                    const ps_doc_markup *mk);

/* The machine state a plan starts from, on one line, then the installed
 * KBs (text.c; values escaped as text). */
void ps_text_machine(ps_buf *b, const ps_arch_plan *ap, const char *indent);

/* The renderers of the format table (text.c, json.c, render_md.c,
 * render_dot.c, render_html.c; the scripts are script.c). */
int ps_render_text(ps_buf *b, const ps_plan *plan, const ps_findings *f, const ps_render_opts *o);
int ps_render_md(ps_buf *b, const ps_plan *plan, const ps_findings *f, const ps_render_opts *o);
int ps_render_dot(ps_buf *b, const ps_plan *plan, const ps_findings *f, const ps_render_opts *o);
int ps_render_html(ps_buf *b, const ps_plan *plan, const ps_findings *f, const ps_render_opts *o);
int ps_render_json(ps_buf *b, const ps_plan *plan, const ps_findings *f, const ps_render_opts *o);

/* A document in `format` (render.c, the format table): NUL-terminated, the
 * caller frees it; NULL on allocation failure.  `findings` are included in
 * the document (text, json, md, html). */
char *ps_plan_render(const char *format, const ps_plan *plan, const ps_findings *findings,
                     size_t *len);

/* As ps_plan_render, with the options of the document (a fleet, the
 * machine, the graph of html). */
char *ps_plan_render_with(const char *format, const ps_plan *plan, const ps_findings *findings,
                          const ps_render_opts *opts, size_t *len);

/* The answer of `patchseq explain` (explain.c): every plan the KB appears
 * in, its place or skip reason, every edge into and out of it, and its
 * supersedence decision.  NULL on allocation failure; *found is set to the
 * number of packages of that KB found across the plans (0: not in the bundle). */
char *ps_plan_explain(const ps_plan *plan, const char *kb, size_t *len, size_t *found);

#endif /* PS_RENDER_H */
