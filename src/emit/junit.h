/*
 * junit.h - JUnit XML reports (written with libxml2's xmlwriter) for CI
 * servers: one testcase per package and per (OS, architecture) plan; the
 * error findings of a testcase are its failure.
 */
#ifndef PS_JUNIT_H
#define PS_JUNIT_H

#include "util.h"
#include "validate_report.h"

typedef struct ps_junit_case {
    char *classname;     /* "patchseq.package" or "patchseq.plan" */
    char *name;          /* the package's display path, or "6.0 x64" */
    char *file;          /* the package's display path, or NULL */
    char **failures;     /* "code: message" of each error finding */
    size_t n_failures;
    char *first_type;    /* code of the first failure */
    char *first_message; /* message of the first failure */
    char **notes;        /* warnings and information, for system-out */
    size_t n_notes;
} ps_junit_case;

typedef struct ps_junit {
    ps_junit_case *cases;
    size_t count;
} ps_junit;

/* Adds a testcase; returns it, or NULL on allocation failure. */
ps_junit_case *ps_junit_add_case(ps_junit *j, const char *classname, const char *name,
                                 const char *file);
/* Finds the testcase with this classname and name, or NULL. */
ps_junit_case *ps_junit_find(ps_junit *j, const char *classname, const char *name);
/* Records a finding on a testcase: errors are failures, the rest notes. */
int ps_junit_add_finding(ps_junit_case *c, const ps_finding *f);
/* Renders the report; 0, or -1 (err filled). */
int ps_junit_render(const ps_junit *j, const char *suite_name, ps_buf *out, char *err,
                    size_t errlen);
void ps_junit_free(ps_junit *j);

/* The testcases of a validation: one per package and per (OS, architecture)
 * plan (per machine, for a fleet); a finding goes to its package's
 * testcase and to its plan's (with the file named), anything else to a
 * testcase of its own file (of the lock, or of the bundle).  A finding
 * that fails the validation is a failure, a waived one a note.  0, or -1
 * when memory ran out. */
int ps_junit_from_validate(ps_junit *j, const ps_validate_view *v);

#endif /* PS_JUNIT_H */
