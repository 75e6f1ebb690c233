/*
 * validate_report.h - the reports of `patchseq validate`: what failed, the
 * text report (one line per finding, then a summary) and the JSON report
 * (schema patchseq.validate/1), made from a view of a finished validation.
 */
#ifndef PS_VALIDATE_REPORT_H
#define PS_VALIDATE_REPORT_H

#include "fleet.h"
#include "plan.h"

/* What a validation found, borrowed from its owner. */
typedef struct ps_validate_view {
    const ps_bundle *bundle;
    const ps_plan *plan;
    const ps_findings *f;              /* sorted */
    const ps_fleet *fleet;             /* NULL: not a fleet */
    const char *lockpath;              /* NULL: no lock */
    const char *plan_digest;           /* with a lock: the plan's now */
    const char *locked_plan_digest;    /* with a lock: the locked one */
    int strict;                        /* warnings fail too */
    int quiet;                         /* text: the findings only, no summary */
    int color;                         /* text: coloured severities */
} ps_validate_view;

/* True when the finding fails the validation: an error (with strict, a
 * warning too) that is not waived. */
bool ps_validate_fails(const ps_validate_view *v, const ps_finding *it);
/* True when the finding is about the plan ap (its OS and architecture). */
bool ps_validate_about_plan(const ps_finding *it, const ps_arch_plan *ap);
/* Machine i's findings of a fleet: its inventory's (which 0), then its
 * plan's (which 1; NULL when it has no plan). */
const ps_findings *ps_validate_machine_findings(const ps_validate_view *v, size_t i, int which);
/* True when machine i fails: a failing finding in its inventory or plan. */
bool ps_validate_machine_fails(const ps_validate_view *v, size_t i);
/* True when nothing fails: no finding, and no machine of a fleet. */
bool ps_validate_passed(const ps_validate_view *v);

/* The reports; the caller frees.  NULL when memory ran out. */
char *ps_validate_render_text(const ps_validate_view *v, int ok, size_t *len);
char *ps_validate_render_json(const ps_validate_view *v, int ok, size_t *len);

#endif /* PS_VALIDATE_REPORT_H */
