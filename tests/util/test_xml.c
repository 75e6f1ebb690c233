/*
 * test_xml.c - ps_xml_stream_path: the stack of open elements a streamed
 * parse keeps for its callback (the parent's kind, the depth it keeps).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util.h"

struct seen {
    char log[256]; /* "name<parent " for each element told */
    int next;      /* the kind the next element is given */
};

static int on_start(void *user, int parent, const char *local, const char *ns, unsigned line,
                    const char *const *attrs, size_t n)
{
    struct seen *s = user;
    size_t used = strlen(s->log);

    (void)ns;
    (void)line;
    (void)attrs;
    (void)n;
    snprintf(s->log + used, sizeof s->log - used, "%s<%d ", local, parent);
    return ++s->next;
}

static void test_xml_path(void **state)
{
    static const char doc[] = "<a><b><c><d/></c><e/></b><f><g/></f></a>";
    ps_xml_path_sax sax = {on_start, 2};
    struct seen s;
    ps_err e;

    (void)state;
    memset(&s, 0, sizeof s);
    assert_int_equal(ps_xml_stream_path(doc, sizeof doc - 1, 1024, &sax, &s, &e), 0);
    /* a is 1, b 2, c 3 (told: its parent b is kept), d not told (c's kind
     * is below the kept depth), e 4 under b, f 5 under a, g 6 under f */
    assert_string_equal(s.log, "a<-1 b<1 c<2 e<2 f<1 g<5 ");

    sax.keep = 0; /* only the root is told */
    memset(&s, 0, sizeof s);
    assert_int_equal(ps_xml_stream_path(doc, sizeof doc - 1, 1024, &sax, &s, &e), 0);
    assert_string_equal(s.log, "a<-1 ");

    memset(&s, 0, sizeof s);
    assert_int_equal(ps_xml_stream_path("<a><b></a>", 10, 1024, &sax, &s, &e), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_path),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
