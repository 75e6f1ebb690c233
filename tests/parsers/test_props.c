/*
 * test_props.c - pkgProperties.txt parsing: the real samples, UTF-16 and
 * BOM variants built here, and every error.
 */
#include "parse.h"
#include "sample.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char *const a_x64[][2] = {
    {"ApplicabilityInfo", "Windows 7.0 Client SP1;Windows 7.0 Server Core SP1;Windows 7.0 "
                          "Embedded SP1;Windows 7.0 Server SP1;"},
    {"Applies to", "Windows 6.1"},
    {"Build Date", "2020/05/01"},
    {"Company", "Microsoft Corporation"},
    {"File Version", "1"},
    {"Installation Type", "FULL"},
    {"Installer Engine", "Component Based Servicing - WUSA.exe"},
    {"Installer Version", "6.1.7601.24550"},
    {"KB Article Number", "4538483"},
    {"Language", "ALL"},
    {"Package Type", "Security Update"},
    {"Processor Architecture", "amd64"},
    {"Product Name", "Windows 6.1"},
    {"Support Link", "http://support.microsoft.com?kbid=4538483"},
};

static void assert_a_x64(const ps_props *p)
{
    assert_int_equal(p->count, PS_ARRAY_LEN(a_x64));
    for (size_t i = 0; i < p->count; i++) {
        assert_string_equal(p->keys[i], a_x64[i][0]);
        assert_string_equal(p->values[i], a_x64[i][1]);
    }
}

static void parse_ok(const void *data, size_t len, ps_props *p)
{
    ps_err err = {0};

    if (ps_props_parse(data, len, p, &err) != 0)
        fail_msg("line %u: %s", err.line, err.msg);
}

static void parse_fails(const void *data, size_t len, ps_finding_code code, unsigned line,
                        const char *msg)
{
    ps_props p;
    ps_err err = {0};

    assert_int_equal(ps_props_parse(data, len, &p, &err), -1);
    assert_err(&err, code, line, msg);
    assert_int_equal(p.count, 0);
    assert_null(p.keys);
    assert_null(p.values);
    ps_props_free(&p);
}

static void kb4538483_x64(void **state)
{
    size_t len;
    char *data = sample_read("win7-kb4538483-x64/Windows6.1-KB4538483-x64-pkgProperties.txt", &len);
    ps_props p;

    (void)state;
    assert_int_equal(len, 537);
    parse_ok(data, len, &p);
    assert_a_x64(&p);
    /* keys are looked up case-insensitively */
    assert_string_equal(ps_props_get(&p, "Applies To"), "Windows 6.1");
    assert_string_equal(ps_props_get(&p, "APPLIES TO"), "Windows 6.1");
    assert_string_equal(ps_props_get(&p, "installer version"), "6.1.7601.24550");
    assert_null(ps_props_get(&p, "Applies"));
    assert_null(ps_props_get(&p, NULL));
    assert_null(ps_props_get(NULL, "Company"));
    ps_props_free(&p);
    assert_int_equal(p.count, 0);
    assert_null(p.keys);
    ps_props_free(&p);
    free(data);
}

static void other_samples(void **state)
{
    static const struct {
        const char *rel;
        size_t count;
        const char *kb, *type, *arch, *installer, *date;
    } cases[] = {
        {"win7-kb4538483-x86/Windows6.1-KB4538483-x86-pkgProperties.txt", 14, "4538483",
         "Security Update", "x86", "6.1.7601.24550", "2020/05/01"},
        {"win7-kb2999226-x64/Windows6.1-KB2999226-x64-pkgProperties.txt", 14, "2999226", "Update",
         "amd64", "6.0.0.0", "2015/07/21"},
        {"win7-kb3118401-x64/Windows6.1-KB3118401-x64-pkgProperties.txt", 14, "3118401", "Update",
         "amd64", "6.0.0.0", "2015/12/12"},
    };

    (void)state;
    for (size_t i = 0; i < PS_ARRAY_LEN(cases); i++) {
        size_t len;
        char *data = sample_read(cases[i].rel, &len);
        ps_props p;

        parse_ok(data, len, &p);
        assert_int_equal(p.count, cases[i].count);
        assert_string_equal(ps_props_get(&p, "KB Article Number"), cases[i].kb);
        assert_string_equal(ps_props_get(&p, "Package Type"), cases[i].type);
        assert_string_equal(ps_props_get(&p, "Processor Architecture"), cases[i].arch);
        assert_string_equal(ps_props_get(&p, "Installer Version"), cases[i].installer);
        assert_string_equal(ps_props_get(&p, "Build Date"), cases[i].date);
        assert_string_equal(ps_props_get(&p, "Applies to"), "Windows 6.1");
        ps_props_free(&p);
        free(data);
    }
}

/* UTF-16 text with a BOM, built from UTF-8 text (ASCII + the few code
 * points used below). */
static unsigned char *to_utf16(const char *text, size_t len, int big_endian, size_t *out_len)
{
    unsigned char *u = malloc(2 + 4 * len);
    size_t n = 0;

    assert_non_null(u);
    u[n++] = big_endian ? 0xFE : 0xFF;
    u[n++] = big_endian ? 0xFF : 0xFE;
    for (size_t i = 0; i < len; i++) {
        unsigned long units[2];
        size_t k = 1;
        unsigned char c = (unsigned char)text[i];

        if (c < 0x80) {
            units[0] = c;
        } else if ((c & 0xE0) == 0xC0) {
            units[0] = (unsigned long)(c & 0x1F) << 6 | (text[i + 1] & 0x3F);
            i += 1;
        } else if ((c & 0xF0) == 0xE0) {
            units[0] = (unsigned long)(c & 0x0F) << 12 | (unsigned long)(text[i + 1] & 0x3F) << 6 |
                       (text[i + 2] & 0x3F);
            i += 2;
        } else {
            unsigned long cp = (unsigned long)(c & 0x07) << 18 |
                               (unsigned long)(text[i + 1] & 0x3F) << 12 |
                               (unsigned long)(text[i + 2] & 0x3F) << 6 | (text[i + 3] & 0x3F);

            cp -= 0x10000;
            units[0] = 0xD800 + (cp >> 10);
            units[1] = 0xDC00 + (cp & 0x3FF);
            k = 2;
            i += 3;
        }
        for (size_t j = 0; j < k; j++) {
            u[n++] = (unsigned char)(big_endian ? units[j] >> 8 : units[j] & 0xFF);
            u[n++] = (unsigned char)(big_endian ? units[j] & 0xFF : units[j] >> 8);
        }
    }
    *out_len = n;
    return u;
}

static void utf16(void **state)
{
    size_t len, ulen;
    char *data = sample_read("win7-kb4538483-x64/Windows6.1-KB4538483-x64-pkgProperties.txt", &len);
    unsigned char *u = to_utf16(data, len, 0, &ulen);
    const char *intl = "Company=\"Soci\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"\r\n"
                       "Product Name=\"Windows 6.0\"";
    ps_props p;

    (void)state;
    assert_int_equal(ulen, 2 + 2 * 537);
    assert_memory_equal(u, "\xFF\xFE" "A\0p\0", 6);
    parse_ok(u, ulen, &p);
    assert_a_x64(&p);
    ps_props_free(&p);
    free(u);

    u = to_utf16(data, len, 1, &ulen);
    parse_ok(u, ulen, &p);
    assert_a_x64(&p);
    ps_props_free(&p);
    free(u);

    /* non-ASCII text, including a surrogate pair, comes out as UTF-8 */
    u = to_utf16(intl, strlen(intl), 0, &ulen);
    assert_int_equal(ulen, 2 + 2 * (strlen(intl) - 6)); /* 2 e-acute, euro sign, emoji */
    parse_ok(u, ulen, &p);
    assert_int_equal(p.count, 2);
    assert_string_equal(ps_props_get(&p, "company"), "Soci\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
    assert_string_equal(ps_props_get(&p, "product name"), "Windows 6.0");
    ps_props_free(&p);
    free(u);
    free(data);
}

static void utf8_bom_lf_blank(void **state)
{
    const char *text = "\xEF\xBB\xBF\nKB Article Number=\"4474419\"\n\n  Package Type = \"Update\"  \n"
                       "Empty=\"\"\nQuoted=\"a \"b\" c\"\n\t\n";
    ps_props p;

    (void)state;
    parse_ok(text, strlen(text), &p);
    assert_int_equal(p.count, 4);
    assert_string_equal(p.keys[0], "KB Article Number");
    assert_string_equal(p.values[0], "4474419");
    assert_string_equal(p.keys[1], "Package Type");
    assert_string_equal(p.values[1], "Update");
    assert_string_equal(ps_props_get(&p, "empty"), "");
    assert_string_equal(ps_props_get(&p, "quoted"), "a \"b\" c");
    ps_props_free(&p);
}

static void errors(void **state)
{
    (void)state;
    parse_fails("", 0, PS_F_UNREADABLE_PACKAGE, 0, "empty properties file");
    parse_fails("\r\n  \r\n", 6, PS_F_UNREADABLE_PACKAGE, 0,
                "no Key=\"Value\" line in properties file");
    parse_fails("\xEF\xBB\xBF", 3, PS_F_UNREADABLE_PACKAGE, 0,
                "no Key=\"Value\" line in properties file");
    parse_fails("A=\"1\"\r\nB=\"2\"\r\njust text\r\n", 24, PS_F_UNREADABLE_PACKAGE, 3,
                "line is not Key=\"Value\": no '='");
    parse_fails("A=\"1\"\n =\"2\"\n", 12, PS_F_UNREADABLE_PACKAGE, 2,
                "line is not Key=\"Value\": empty key");
    parse_fails("A=1\n", 4, PS_F_UNREADABLE_PACKAGE, 1,
                "line is not Key=\"Value\": the value is not in double quotes");
    parse_fails("A=\"\n", 4, PS_F_UNREADABLE_PACKAGE, 1,
                "line is not Key=\"Value\": the value is not in double quotes");
    parse_fails("A=\"1\"\nB=\"2\" trailing\n", 21, PS_F_UNREADABLE_PACKAGE, 2,
                "line is not Key=\"Value\": the value is not in double quotes");
    parse_fails("A=\"1\"\nB=\"\xC3\x28\"\n", 12, PS_F_UNREADABLE_PACKAGE, 2, "invalid UTF-8 text");
    parse_fails("A=\"\xED\xA0\x80\"", 7, PS_F_UNREADABLE_PACKAGE, 1, "invalid UTF-8 text");
    parse_fails("A=\"1\"\n\nB=\"\0\"\n", 13, PS_F_UNREADABLE_PACKAGE, 3,
                "control character 0x00 in text");
    parse_fails("A=\"\x1b[31m\"\n", 11, PS_F_UNREADABLE_PACKAGE, 1, "control character 0x1b in text");
    /* UTF-16 */
    parse_fails("\xFF\xFE" "A\0=\0\"", 7, PS_F_UNREADABLE_PACKAGE, 0,
                "UTF-16 text has an odd number of bytes (7)");
    parse_fails("\xFF\xFE" "A\0\n\0B\0\x00\xD8=\0", 12, PS_F_UNREADABLE_PACKAGE, 2,
                "invalid UTF-16: unpaired surrogate");
    parse_fails("\xFF\xFE" "A\0\x00\xDC", 6, PS_F_UNREADABLE_PACKAGE, 1,
                "invalid UTF-16: unpaired surrogate");
    parse_fails("\xFF\xFE" "A\0\x00\xD8", 6, PS_F_UNREADABLE_PACKAGE, 1,
                "invalid UTF-16: unpaired surrogate");
    parse_fails("\xFF\xFE" "A\0\n\0B\0", 8, PS_F_UNREADABLE_PACKAGE, 1,
                "line is not Key=\"Value\": no '='");
}

static void limits(void **state)
{
    ps_buf b = {0};
    char *big;

    (void)state;
    big = malloc(64 * 1024 + 1);
    assert_non_null(big);
    memset(big, 'A', 64 * 1024 + 1);
    parse_fails(big, 64 * 1024 + 1, PS_F_UNSAFE_INPUT, 0,
                "properties file of 65537 bytes exceeds the limit of 65536 bytes");
    free(big);

    for (int i = 0; i < 1025; i++)
        assert_int_equal(ps_buf_printf(&b, "K%d=\"v\"\n", i), 0);
    assert_true(b.len <= 64 * 1024);
    parse_fails(b.data, b.len, PS_F_UNSAFE_INPUT, 1025, "more than 1024 properties");
    ps_buf_free(&b);

    /* 1024 lines are still fine */
    for (int i = 0; i < 1024; i++)
        assert_int_equal(ps_buf_printf(&b, "K%d=\"v%d\"\r\n", i, i), 0);
    ps_props p;
    parse_ok(b.data, b.len, &p);
    assert_int_equal(p.count, 1024);
    assert_string_equal(ps_props_get(&p, "k1023"), "v1023");
    ps_props_free(&p);
    ps_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kb4538483_x64),
        cmocka_unit_test(other_samples),
        cmocka_unit_test(utf16),
        cmocka_unit_test(utf8_bom_lf_blank),
        cmocka_unit_test(errors),
        cmocka_unit_test(limits),
    };

    return cmocka_run_group_tests_name("props", tests, NULL, NULL);
}
