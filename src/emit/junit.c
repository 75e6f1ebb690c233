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

static int write_case(xmlTextWriterPtr w, const ps_junit_case *c)
{
    int bad = 0;

    W(xmlTextWriterStartElement(w, BAD_CAST "testcase"));
    W(put_attr(w, "classname", c->classname));
    W(put_attr(w, "name", c->name));
    if (c->file)
        W(put_attr(w, "file", c->file));
    W(put_attr(w, "time", "0"));
    if (c->n_failures) {
        ps_buf text = {0};

        for (size_t i = 0; i < c->n_failures; i++)
            if (ps_buf_printf(&text, "%s\n", c->failures[i]) != 0)
                bad = 1;
        W(xmlTextWriterStartElement(w, BAD_CAST "failure"));
        W(put_attr(w, "type", c->first_type));
        W(put_attr(w, "message", c->first_message));
        W(put_text(w, text.data));
        W(xmlTextWriterEndElement(w));
        ps_buf_free(&text);
    }
    if (c->n_notes) {
        ps_buf text = {0};

        for (size_t i = 0; i < c->n_notes; i++)
            if (ps_buf_printf(&text, "%s\n", c->notes[i]) != 0)
                bad = 1;
        W(xmlTextWriterStartElement(w, BAD_CAST "system-out"));
        W(put_text(w, text.data));
        W(xmlTextWriterEndElement(w));
        ps_buf_free(&text);
    }
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
