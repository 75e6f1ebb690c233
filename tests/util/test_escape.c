/*
 * test_escape.c - the per-format escapers: exact outputs for each payload,
 * and properties over every byte and over generated strings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "escape.h"

typedef int (*esc_fn)(ps_buf *, const char *);

static char *esc(esc_fn f, const char *s, int *rc)
{
    ps_buf b = {0};
    int r = f(&b, s);

    if (rc)
        *rc = r;
    if (b.data == NULL)
        return strdup("");
    return b.data;
}

static void expect(esc_fn f, const char *in, const char *out)
{
    int rc;
    char *got = esc(f, in, &rc);

    assert_int_equal(rc, 0);
    if (strcmp(got, out) != 0)
        fail_msg("'%s' gave '%s', expected '%s'", in, got, out);
    free(got);
}

static void refused(esc_fn f, const char *in)
{
    int rc;
    char *got = esc(f, in, &rc);

    if (rc != PS_ESC_REFUSED || got[0] != '\0')
        fail_msg("'%s' not refused (rc %d, '%s')", in, rc, got);
    free(got);
}

static void test_text(void **state)
{
    (void)state;
    expect(ps_esc_text, "6.0.6003.20489", "6.0.6003.20489");
    expect(ps_esc_text, "a\r\nb", "a\\r\\nb");
    expect(ps_esc_text, "t\tx\x1b[31m", "t\\tx\\x1B[31m");
    expect(ps_esc_text, "del\x7f", "del\\x7F");
    expect(ps_esc_text, "nel\xc2\x85", "nel\\u0085");
    expect(ps_esc_text, "ls\xe2\x80\xa8ps\xe2\x80\xa9", "ls\\u2028ps\\u2029");
    expect(ps_esc_text, "rlo\xe2\x80\xae", "rlo\\u202E");
    expect(ps_esc_text, "bad\xff\xc0\xaf", "bad\\xFF\\xC0\\xAF");
    expect(ps_esc_text, "nc\xef\xbf\xbe", "nc\\uFFFE");
    expect(ps_esc_text, "caf\xc3\xa9 %~dp0 & | ^ ! ' \" `x` $(y)",
           "caf\xc3\xa9 %~dp0 & | ^ ! ' \" `x` $(y)");
    expect(ps_esc_text, "surrogate\xed\xa0\x80", "surrogate\\xED\\xA0\\x80");
    expect(ps_esc_text, "", "");
    expect(ps_esc_text, NULL, "");
}

static void test_md(void **state)
{
    (void)state;
    expect(ps_esc_md, "6.0.6003.20489", "6.0.6003.20489");
    expect(ps_esc_md, "KB4474419", "KB4474419");
    expect(ps_esc_md, "# Heading", "\\# Heading");
    expect(ps_esc_md, "a|b", "a\\|b");
    expect(ps_esc_md, "<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>");
    expect(ps_esc_md, "`code` *em* _u_ [l](x) ![i](y) ~~s~~", 
           "\\`code\\` \\*em\\* \\_u\\_ \\[l\\](x) \\!\\[i\\](y) \\~\\~s\\~\\~");
    expect(ps_esc_md, "&#10;&amp;", "\\&\\#10;\\&amp;");
    expect(ps_esc_md, "a\nb\r\n# c", "a\\\\nb\\\\r\\\\n\\# c");
    expect(ps_esc_md, "- item", "\\- item");
    expect(ps_esc_md, "1. item", "1\\. item");
    expect(ps_esc_md, "12) item", "12\\) item");
    expect(ps_esc_md, "6.1 item", "6.1 item");
    expect(ps_esc_md, "back\\slash", "back\\\\slash");
    expect(ps_esc_md, "    code", "&#32;   code");
    expect(ps_esc_md, "\xe2\x80\xa8", "\\\\u2028");
}

static void test_dot(void **state)
{
    (void)state;
    expect(ps_esc_dot, "KB4474419", "KB4474419");
    expect(ps_esc_dot, "a\"b\\c", "a\\\"b\\\\c");
    expect(ps_esc_dot, "x\ny\\l", "x\\\\ny\\\\l");
    expect(ps_esc_dot, "<b>}];", "<b>}];");
    expect(ps_esc_dot, "\xff", "\\\\xFF");
}

static void test_xml(void **state)
{
    (void)state;
    expect(ps_esc_xml, "a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    expect(ps_esc_xml, "]]>-->", "]]&gt;--&gt;");
    expect(ps_esc_xml, "\x01\x1f\t\n\r", "\xEF\xBF\xBD\xEF\xBF\xBD&#9;&#10;&#13;");
    expect(ps_esc_xml, "\xef\xbf\xbe\xef\xbf\xbf", "\xEF\xBF\xBD\xEF\xBF\xBD");
    expect(ps_esc_xml, "\xff\xed\xa0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    expect(ps_esc_xml, "caf\xc3\xa9 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xf0\x9f\x98\x80");
    expect(ps_esc_html, "<script>&'\"", "&lt;script&gt;&amp;&#39;&quot;");
    expect(ps_esc_html, "\x7f\xc2\x85", "\xEF\xBF\xBD\xEF\xBF\xBD");
}

static void test_yaml(void **state)
{
    (void)state;
    expect(ps_esc_yaml, "plain 'text' {x}: [y] #z", "plain 'text' {x}: [y] #z");
    expect(ps_esc_yaml, "q\"b\\", "q\\\"b\\\\");
    expect(ps_esc_yaml, "a\nb\rc\td\x01\x7f", "a\\nb\\rc\\td\\x01\\x7F");
    expect(ps_esc_yaml, "\xc2\x85\xe2\x80\xa8\xef\xbb\xbf\xef\xbf\xbe\xff",
           "\\u0085\\u2028\\uFEFF\\uFFFE\\uFFFD");
    /* Ansible: a tagged scalar that is never a template */
    expect(ps_esc_ansible, "{{ lookup('pipe', 'id') }}", "!unsafe \"{{ lookup('pipe', 'id') }}\"");
    expect(ps_esc_ansible, "{% raw %}\"\n{#", "!unsafe \"{% raw %}\\\"\\n{#\"");
    expect(ps_esc_ansible, "", "!unsafe \"\"");
}

static void test_cmd(void **state)
{
    (void)state;
    expect(ps_esc_cmd_word, "6.0.6003.20489", "6.0.6003.20489");
    expect(ps_esc_cmd_word, "KB4474419", "KB4474419");
    expect(ps_esc_cmd_word, "windows6.0-kb4474419-x64.msu", "windows6.0-kb4474419-x64.msu");
    refused(ps_esc_cmd_word, "a(b)");
    refused(ps_esc_cmd_word, "a b");
    refused(ps_esc_cmd_word, "");
    refused(ps_esc_cmd_word, NULL);
    expect(ps_esc_cmd_quoted, "file(1).msu & | < > ( ) ' ` $ ~", "file(1).msu & | < > ( ) ' ` $ ~");
    refused(ps_esc_cmd_quoted, "100%");
    refused(ps_esc_cmd_quoted, "%~dp0");
    refused(ps_esc_cmd_quoted, "bang!");
    refused(ps_esc_cmd_quoted, "caret^");
    refused(ps_esc_cmd_quoted, "quo\"te");
    refused(ps_esc_cmd_quoted, "cr\r");
    refused(ps_esc_cmd_quoted, "lf\n");
    refused(ps_esc_cmd_quoted, "caf\xc3\xa9");
    refused(ps_esc_cmd_quoted, "");

    char *big = malloc(9001);

    assert_non_null(big);
    memset(big, 'a', 9000);
    big[9000] = '\0';
    refused(ps_esc_cmd_quoted, big);
    refused(ps_esc_cmd_word, big);
    refused(ps_esc_ps1_sq, big);
    assert_false(ps_cmd_lines_ok(big, 9000));
    assert_true(ps_cmd_lines_ok(big, PS_CMD_LINE_MAX));
    free(big);
    assert_true(ps_cmd_lines_ok("a\r\nb\n", 5));
    assert_false(ps_cmd_lines_ok("a\rb", 3));
    assert_false(ps_cmd_lines_ok("a\0b", 3));
}

static void test_ps1(void **state)
{
    (void)state;
    expect(ps_esc_ps1_sq, "KB4474419", "KB4474419");
    expect(ps_esc_ps1_sq, "it's", "it''s");
    expect(ps_esc_ps1_sq, "\xe2\x80\x98x\xe2\x80\x99", "''x''");
    expect(ps_esc_ps1_sq, "\xe2\x80\x9a\xe2\x80\x9b", "''''");
    expect(ps_esc_ps1_sq, "$x `n & | ; \"", "$x `n & | ; \"");
    refused(ps_esc_ps1_sq, "$(calc)");
    refused(ps_esc_ps1_sq, "a\rb");
    refused(ps_esc_ps1_sq, "a\nb");
    refused(ps_esc_ps1_sq, "a\xc2\x85" "b");
    refused(ps_esc_ps1_sq, "a\xe2\x80\xa8" "b");
    refused(ps_esc_ps1_sq, "a\xe2\x80\xa9" "b");
    refused(ps_esc_ps1_sq, "a\xff");
    refused(ps_esc_ps1_sq, "a\x0b");
    refused(ps_esc_ps1_sq, "");
}

/* Properties: over every single byte and over pseudo-random strings, the
 * text, Markdown, DOT and YAML output has no control byte, no raw line
 * break; XML output has only XML 1.0 characters and no markup; accepted
 * cmd / ps1 literals contain nothing that ends or expands them. */
static unsigned long rng_state = 12345;

static unsigned rnd(void)
{
    rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)(rng_state >> 33);
}

static void check_no_controls(const char *out)
{
    const unsigned char *p = (const unsigned char *)out;
    size_t n = strlen(out), i = 0;

    while (i < n) {
        unsigned long cp;
        size_t l = ps_utf8_decode(p + i, n - i, &cp);

        if (l == 0)
            fail_msg("invalid UTF-8 in '%s'", out);
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029)
            fail_msg("control U+%04lX in '%s'", cp, out);
        i += l;
    }
}

static void check_xml(const char *out)
{
    const unsigned char *p = (const unsigned char *)out;
    size_t n = strlen(out), i = 0;

    while (i < n) {
        unsigned long cp;
        size_t l = ps_utf8_decode(p + i, n - i, &cp);

        if (l == 0 || cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
            fail_msg("XML-disallowed character in '%s'", out);
        if (cp == '<' || cp == '>' || cp == '"' || cp == '\'')
            fail_msg("markup character in '%s'", out);
        i += l;
    }
}

static void check_one(const char *s)
{
    esc_fn plain[] = {ps_esc_text, ps_esc_md, ps_esc_dot, ps_esc_yaml, ps_esc_ansible};
    int rc;
    char *o;

    for (size_t k = 0; k < sizeof plain / sizeof plain[0]; k++) {
        o = esc(plain[k], s, &rc);
        assert_int_equal(rc, 0);
        check_no_controls(o);
        free(o);
    }
    o = esc(ps_esc_md, s, &rc);
    for (const char *q = o; *q; q++)
        if (strchr("|<>`", *q) && (q == o || q[-1] != '\\'))
            fail_msg("unescaped Markdown '%c' in '%s'", *q, o);
    free(o);
    o = esc(ps_esc_dot, s, &rc);
    for (const char *q = o; *q; q++) {
        if (*q == '\\') {
            if (q[1] != '\\' && q[1] != '"')
                fail_msg("DOT escape \\%c in '%s'", q[1], o);
            q++;
        } else if (*q == '"') {
            fail_msg("bare quote in DOT '%s'", o);
        }
    }
    free(o);
    o = esc(ps_esc_xml, s, &rc);
    assert_int_equal(rc, 0);
    check_xml(o);
    free(o);
    o = esc(ps_esc_html, s, &rc);
    assert_int_equal(rc, 0);
    check_xml(o);
    free(o);
    o = esc(ps_esc_cmd_quoted, s, &rc);
    if (rc == 0)
        for (const char *q = o; *q; q++)
            if (strchr("\"%!^\r\n", *q) || (unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7F)
                fail_msg("cmd quoted literal accepted '%s'", o);
    free(o);
    o = esc(ps_esc_ps1_sq, s, &rc);
    if (rc == 0) {
        /* between quotes: every ' comes in pairs, no line break */
        for (const char *q = o; *q; q++) {
            if (*q == '\'') {
                if (q[1] != '\'')
                    fail_msg("lone quote in ps1 literal '%s'", o);
                q++;
            }
            if (*q == '\r' || *q == '\n')
                fail_msg("line break in ps1 literal");
        }
        assert_null(strstr(o, "$("));
    }
    free(o);
}

static void test_properties(void **state)
{
    static const char *const atoms[] = {
        "\r", "\n", "\r\n", "\xe2\x80\xa8", "%", "%~", "!", "^", "&", "|", "\"", "'", "`",
        "$(", ")", "-->", "]]>", "<script>", "\xef\xbf\xbe", "\xff", "\xc2\x85", "#", "\\",
        "\xe2\x80\x98", "a", " ", "1.", "\x01", "\x7f", "\xed\xa0\x80", "\xf0\x9f\x98\x80",
    };
    char s[64];

    (void)state;
    for (int c = 1; c < 256; c++) {
        s[0] = (char)c;
        s[1] = '\0';
        check_one(s);
    }
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = 0;
        unsigned parts = rnd() % 6 + 1;

        for (unsigned k = 0; k < parts; k++) {
            const char *a = atoms[rnd() % (sizeof atoms / sizeof atoms[0])];

            if (len + strlen(a) >= sizeof s)
                break;
            memcpy(s + len, a, strlen(a));
            len += strlen(a);
        }
        s[len] = '\0';
        check_one(s);
    }
}

static void test_printf(void **state)
{
    ps_buf b = {0};

    (void)state;
    assert_int_equal(ps_esc_printf(&b, ps_esc_text, "%2zu. %s [%s] %-6s|%5s|%.3s %d%% %lu %c %u\n",
                                   (size_t)3, "a\nb", "x", "ab", "cd", "abcdef", -4, 7UL, 'z',
                                   12u),
                     0);
    assert_string_equal(b.data, " 3. a\\nb [x] ab    |   cd|abc -4% 7 z 12\n");
    ps_buf_free(&b);
    /* the template is copied as is, values are escaped for their format */
    assert_int_equal(ps_esc_printf(&b, ps_esc_dot, "\"%zu. %s\\n%s\"", (size_t)1, "K\"B",
                                   "x\ny"),
                     0);
    assert_string_equal(b.data, "\"1. K\\\"B\\nx\\\\ny\"");
    ps_buf_free(&b);
    assert_int_equal(ps_esc_printf(&b, ps_esc_md, "| %s | %llu | %*d |", "# a|b", 5ULL, 4, 9), 0);
    assert_string_equal(b.data, "| \\# a\\|b | 5 |    9 |");
    ps_buf_free(&b);
}

static void test_max(void **state)
{
    ps_buf b = {0};

    (void)state;
    b.max = 8;
    assert_int_equal(ps_esc_text(&b, "\n\n\n\n\n\n"), -1);
    ps_buf_free(&b);
    b.max = 8;
    assert_int_equal(ps_esc_xml(&b, "&&&&"), -1);
    ps_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text), cmocka_unit_test(test_md),  cmocka_unit_test(test_dot),
        cmocka_unit_test(test_xml),  cmocka_unit_test(test_yaml), cmocka_unit_test(test_cmd),
        cmocka_unit_test(test_ps1),  cmocka_unit_test(test_properties), cmocka_unit_test(test_max),
        cmocka_unit_test(test_printf),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
