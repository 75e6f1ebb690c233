/*
 * junit.c - JUnit XML through libxml2's xmlwriter; every text and
 * attribute value goes through ps_esc_xml (markup escaped, characters
 * XML 1.0 does not allow replaced), so the report is always well-formed.
 *
 * The shape is the one Jenkins' JUnit plugin and GitLab's test reports
 * read: <testsuites> holding one <testsuite> whose <testcase> elements
 * carry at most one <failure message="..." type="...">details</failure>
 * (both readers keep only one failure per testcase, so all error findings
 * of a testcase are listed in its details) and <system-out> notes.
 */
#include "junit.h"

#include "escape.h"

#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

ps_junit_case *ps_junit_add_case(ps_junit *j, const char *classname, const char *name,
                                 const char *file)
{
    ps_junit_case *n = ps_realloc(j->cases, (j->count + 1) * sizeof *n), *c;

    if (n == NULL)
        return NULL;
    j->cases = n;
    c = &n[j->count];
    memset(c, 0, sizeof *c);
    if (ps_set_str(&c->classname, classname) || ps_set_str(&c->name, name) ||
        ps_set_str(&c->file, file)) {
        free(c->classname);
        free(c->name);
        free(c->file);
        return NULL;
    }
    j->count++;
    return c;
}

ps_junit_case *ps_junit_find(ps_junit *j, const char *classname, const char *name)
{
    for (size_t i = 0; i < j->count; i++)
        if (strcmp(j->cases[i].classname, classname) == 0 && strcmp(j->cases[i].name, name) == 0)
            return &j->cases[i];
    return NULL;
}

int ps_junit_add_finding(ps_junit_case *c, const ps_finding *f)
{
    char *line;
    int r;

    if (f->member && f->line)
        line = ps_asprintf("%s: %s (%s:%u)", ps_finding_code_name(f->code), f->message, f->member,
                           f->line);
    else if (f->member)
        line = ps_asprintf("%s: %s (%s)", ps_finding_code_name(f->code), f->message, f->member);
    else
        line = ps_asprintf("%s: %s", ps_finding_code_name(f->code), f->message);
    if (line == NULL)
        return -1;
    if (f->severity == PS_SEV_ERROR) {
        if (c->n_failures == 0 && (ps_set_str(&c->first_type, ps_finding_code_name(f->code)) ||
                                   ps_set_str(&c->first_message, f->message))) {
            free(line);
            return -1;
        }
        r = ps_strv_push(&c->failures, &c->n_failures, line);
    } else {
        char *note = ps_asprintf("%s: %s", ps_severity_name(f->severity), line);

        r = note ? ps_strv_push(&c->notes, &c->n_notes, note) : -1;
        free(note);
    }
    free(line);
    return r;
}

/* xmlwriter calls return < 0 on failure; collect them in one flag. */
#define W(call)          \
    do {                 \
        if ((call) < 0)  \
            bad = 1;     \
    } while (0)

/* An attribute / text content, escaped by ps_esc_xml and written raw. */
static int put_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
    ps_buf e = {0};
    int rc = -1;

    if (ps_esc_xml(&e, value ? value : "") == 0 &&
        xmlTextWriterStartAttribute(w, BAD_CAST name) >= 0 &&
        (e.data == NULL || xmlTextWriterWriteRaw(w, BAD_CAST e.data) >= 0) &&
        xmlTextWriterEndAttribute(w) >= 0)
        rc = 0;
    ps_buf_free(&e);
    return rc;
}

static int put_text(xmlTextWriterPtr w, const char *value)
{
    ps_buf e = {0};
    int rc = -1;

    if (ps_esc_xml(&e, value ? value : "") == 0 &&
        (e.data == NULL || xmlTextWriterWriteRaw(w, BAD_CAST e.data) >= 0))
        rc = 0;
    ps_buf_free(&e);
    return rc;
}

/* <elem type=".." message="..">the lines, one a line</elem>; the
 * attributes only with attrs. */
static int put_lines(xmlTextWriterPtr w, const char *elem, char *const *lines, size_t n,
                     int attrs, const char *type, const char *message)
{
    ps_buf text = {0};
    int bad = 0;

    for (size_t i = 0; i < n; i++)
        if (ps_buf_printf(&text, "%s\n", lines[i]) != 0)
            bad = 1;
    W(xmlTextWriterStartElement(w, BAD_CAST elem));
    if (attrs) {
        W(put_attr(w, "type", type));
        W(put_attr(w, "message", message));
    }
    W(put_text(w, text.data));
    W(xmlTextWriterEndElement(w));
    ps_buf_free(&text);
    return bad ? -1 : 0;
}

static int write_case(xmlTextWriterPtr w, const ps_junit_case *c)
{
    int bad = 0;

    W(xmlTextWriterStartElement(w, BAD_CAST "testcase"));
    W(put_attr(w, "classname", c->classname));
    W(put_attr(w, "name", c->name));
    if (c->file)
        W(put_attr(w, "file", c->file));
    W(put_attr(w, "time", "0"));
    if (c->n_failures)
        W(put_lines(w, "failure", c->failures, c->n_failures, 1, c->first_type,
                    c->first_message));
    if (c->n_notes)
        W(put_lines(w, "system-out", c->notes, c->n_notes, 0, NULL, NULL));
    W(xmlTextWriterEndElement(w));
    return bad ? -1 : 0;
}

int ps_junit_render(const ps_junit *j, const char *suite_name, ps_buf *out, char *err,
                    size_t errlen)
{
    xmlBufferPtr xb = xmlBufferCreate();
    xmlTextWriterPtr w = NULL;
    size_t failures = 0;
    char tests[32], fails[32];
    int bad = 0, rc = -1;

    if (xb == NULL || (w = xmlNewTextWriterMemory(xb, 0)) == NULL) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < j->count; i++)
        failures += j->cases[i].n_failures != 0;
    snprintf(tests, sizeof tests, "%zu", j->count);
    snprintf(fails, sizeof fails, "%zu", failures);
    W(xmlTextWriterSetIndent(w, 1));
    W(xmlTextWriterSetIndentString(w, BAD_CAST "  "));
    W(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL));
    W(xmlTextWriterStartElement(w, BAD_CAST "testsuites"));
    W(put_attr(w, "name", suite_name));
    W(put_attr(w, "tests", tests));
    W(put_attr(w, "failures", fails));
    W(put_attr(w, "errors", "0"));
    W(xmlTextWriterStartElement(w, BAD_CAST "testsuite"));
    W(put_attr(w, "name", suite_name));
    W(put_attr(w, "tests", tests));
    W(put_attr(w, "failures", fails));
    W(put_attr(w, "errors", "0"));
    W(put_attr(w, "skipped", "0"));
    W(put_attr(w, "time", "0"));
    for (size_t i = 0; i < j->count && !bad; i++)
        W(write_case(w, &j->cases[i]));
    W(xmlTextWriterEndElement(w));
    W(xmlTextWriterEndElement(w));
    W(xmlTextWriterEndDocument(w));
    xmlFreeTextWriter(w);
    w = NULL;
    if (bad) {
        snprintf(err, errlen, "cannot write the JUnit report (text not valid UTF-8, or out of memory)");
        goto out;
    }
    if (ps_buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb)) != 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    rc = 0;
out:
    if (w)
        xmlFreeTextWriter(w);
    if (xb)
        xmlBufferFree(xb);
    return rc;
}

void ps_junit_free(ps_junit *j)
{
    for (size_t i = 0; i < j->count; i++) {
        ps_junit_case *c = &j->cases[i];

        free(c->classname);
        free(c->name);
        free(c->file);
        free(c->first_type);
        free(c->first_message);
        ps_strv_free(&c->failures, &c->n_failures);
        ps_strv_free(&c->notes, &c->n_notes);
    }
    free(j->cases);
    j->cases = NULL;
    j->count = 0;
}

/* ---- the testcases of a validation -------------------------------- */

static bool is_package(const ps_validate_view *v, const char *file)
{
    for (size_t i = 0; file && i < v->bundle->count; i++)
        if (strcmp(v->bundle->items[i].file, file) == 0)
            return true;
    return false;
}

static void plan_name(char *buf, size_t len, const ps_arch_plan *ap)
{
    snprintf(buf, len, "%s %s", ap->os, ps_arch_name(ap->arch));
}

/* Records a finding on a testcase; with --strict a warning is a failure
 * there too, so that the report agrees with the exit status. */
static int add_finding(const ps_validate_view *v, ps_junit_case *jc, const ps_finding *it)
{
    ps_finding copy = *it;

    char *msg = NULL;
    int r;

    if (jc == NULL)
        return -1;
    if (ps_validate_fails(v, it))
        copy.severity = PS_SEV_ERROR;
    else if (it->waived) {
        /* a note, never a failure */
        copy.severity = it->severity == PS_SEV_ERROR ? PS_SEV_WARNING : it->severity;
        msg = ps_asprintf("(waived) %s", it->message);
        if (msg == NULL)
            return -1;
        copy.message = msg;
    }
    r = ps_junit_add_finding(jc, &copy);
    free(msg);
    return r;
}

/* The same, the finding's file named in its message when name_file (a
 * plan or a machine spans files). */
static int add_finding_naming(const ps_validate_view *v, ps_junit_case *jc, const ps_finding *it,
                              bool name_file)
{
    ps_finding copy = *it;
    char *msg = name_file && it->file ? ps_asprintf("%s (%s)", it->message, it->file)
                                      : ps_strdup(it->message);
    int r;

    if (jc == NULL || msg == NULL) {
        free(msg);
        return -1;
    }
    copy.message = msg;
    r = add_finding(v, jc, &copy);
    free(msg);
    return r;
}

/* A fleet: one testcase per machine, named by the machine, its inventory
 * as the file; its findings on it (those of its plan name their file). */
static int machine_cases(const ps_validate_view *v, ps_junit *j)
{
    for (size_t i = 0; i < v->fleet->n_machines; i++) {
        const ps_fleet_machine *m = &v->fleet->machines[i];
        ps_junit_case *jc = ps_junit_add_case(j, "patchseq.machine", m->name, m->inventory);

        if (jc == NULL)
            return -1;
        for (int w = 0; w < 2; w++) {
            const ps_findings *f = ps_validate_machine_findings(v, i, w);

            for (size_t k = 0; f && k < f->count; k++)
                if (add_finding_naming(v, jc, &f->items[k], w) != 0)
                    return -1;
        }
    }
    return 0;
}

/* One testcase per package and per plan; a finding goes to its package's
 * testcase, and also to its plan's (with the file named, since a plan
 * spans files); anything else to a testcase of its own file. */
int ps_junit_from_validate(ps_junit *j, const ps_validate_view *v)
{
    char name[64];

    for (size_t i = 0; i < v->bundle->count; i++) {
        const ps_package *p = &v->bundle->items[i];

        if (ps_junit_find(j, "patchseq.package", p->file) == NULL &&
            ps_junit_add_case(j, "patchseq.package", p->file, p->file) == NULL)
            return -1;
    }
    for (size_t i = 0; v->fleet == NULL && i < v->plan->count; i++) {
        plan_name(name, sizeof name, &v->plan->plans[i]);
        if (ps_junit_add_case(j, "patchseq.plan", name, NULL) == NULL)
            return -1;
    }
    if (v->fleet && machine_cases(v, j) != 0)
        return -1;
    for (size_t i = 0; i < v->f->count; i++) {
        const ps_finding *it = &v->f->items[i];
        ps_junit_case *jc;
        bool placed = false;

        if (it->file && is_package(v, it->file)) {
            jc = ps_junit_find(j, "patchseq.package", it->file);
            if (add_finding(v, jc, it) != 0)
                return -1;
            placed = true;
        }
        for (size_t k = 0; v->fleet == NULL && k < v->plan->count; k++) {
            if (!ps_validate_about_plan(it, &v->plan->plans[k]))
                continue;
            plan_name(name, sizeof name, &v->plan->plans[k]);
            jc = ps_junit_find(j, "patchseq.plan", name);
            if (add_finding_naming(v, jc, it, true) != 0)
                return -1;
            placed = true;
        }
        if (!placed) {
            const char *cls = it->file == NULL ? "patchseq.bundle"
                              : v->lockpath && strcmp(it->file, v->lockpath) == 0
                                  ? "patchseq.lock"
                                  : "patchseq.file";
            const char *nm = it->file ? it->file : "bundle";

            jc = ps_junit_find(j, cls, nm);
            if (jc == NULL)
                jc = ps_junit_add_case(j, cls, nm, it->file);
            if (add_finding(v, jc, it) != 0)
                return -1;
        }
    }
    return 0;
}
