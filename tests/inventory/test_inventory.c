/*
 * test_inventory.c - the inventory of a machine (`--installed FILE`):
 * systeminfo, wmic qfe and Get-HotFix CSV exports and KB lists, built here
 * from text in the encodings Windows writes them in, and the errors with
 * their exact line numbers and messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inventory.h"

/* ---- helpers ------------------------------------------------------- */

/* Allocation for the tests: a failure stops the test program. */
static void *xmalloc(size_t n)
{
    void *p = malloc(n);

    if (p == NULL)
        abort();
    return p;
}

/* UTF-8 text (1 to 3 byte sequences) as UTF-16 with a byte order mark. */
static unsigned char *to_utf16(const char *s, int big_endian, size_t *len)
{
    size_t n = strlen(s), k = 0;
    unsigned char *out = xmalloc(2 * n + 2);

    out[k++] = big_endian ? 0xFE : 0xFF;
    out[k++] = big_endian ? 0xFF : 0xFE;
    for (size_t i = 0; i < n;) {
        const unsigned char *u = (const unsigned char *)s + i;
        unsigned c;

        if (u[0] < 0x80) {
            c = u[0];
            i += 1;
        } else if ((u[0] & 0xE0) == 0xC0) {
            c = (unsigned)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
            i += 2;
        } else {
            c = (unsigned)(u[0] & 0x0F) << 12 | (unsigned)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
            i += 3;
        }
        out[k++] = (unsigned char)(big_endian ? c >> 8 : c & 0xFF);
        out[k++] = (unsigned char)(big_endian ? c & 0xFF : c >> 8);
    }
    *len = k;
    return out;
}

static void parse_ok(const void *data, size_t len, ps_inventory *inv)
{
    ps_err err = {0};
    int rc = ps_inventory_parse(data, len, inv, &err);

    if (rc != 0)
        fail_msg("unexpected error at line %u: %s", err.line, err.msg);
}

static void parse_fails(const void *data, size_t len, ps_error_code code, unsigned line,
                        const char *msg)
{
    ps_inventory inv;
    ps_err err = {0};

    assert_int_equal(ps_inventory_parse(data, len, &inv, &err), -1);
    assert_string_equal(err.msg, msg);
    assert_int_equal(err.line, line);
    assert_int_equal(err.error, code);
    assert_int_equal(err.finding, PS_ERR_NO_FINDING); /* an inventory is no package */
    assert_null(inv.kbs);
    assert_int_equal(inv.n_kbs, 0);
    assert_null(inv.format);
}

static void text_fails(const char *text, unsigned line, const char *msg)
{
    parse_fails(text, strlen(text), PS_E_FORMAT, line, msg);
}

static void assert_kbs(const ps_inventory *inv, size_t n, ...)
{
    va_list ap;

    assert_int_equal(inv->n_kbs, n);
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(inv->kbs[i], va_arg(ap, const char *));
    va_end(ap);
}

/* ---- systeminfo /fo csv ------------------------------------------- */

#define SYSTEMINFO_HEADER                                                                     \
    "\"Host Name\",\"OS Name\",\"OS Version\",\"OS Manufacturer\",\"OS Configuration\","      \
    "\"OS Build Type\",\"Registered Owner\",\"Registered Organization\",\"Product ID\","      \
    "\"Original Install Date\",\"System Boot Time\",\"System Manufacturer\",\"System Model\"," \
    "\"System Type\",\"Processor(s)\",\"BIOS Version\",\"Windows Directory\","                \
    "\"System Directory\",\"Boot Device\",\"System Locale\",\"Input Locale\",\"Time Zone\","  \
    "\"Total Physical Memory\",\"Available Physical Memory\",\"Virtual Memory: Max Size\","   \
    "\"Virtual Memory: Available\",\"Virtual Memory: In Use\",\"Page File Location(s)\","     \
    "\"Domain\",\"Logon Server\",\"Hotfix(s)\",\"Network Card(s)\""

/* One row of a Windows Server 2008 SP2 machine; type and hotfixes vary. */
#define SYSTEMINFO_ROW(type, hotfixes)                                                        \
    "\"WS2008SP2\",\"Microsoft\u00ae Windows Server\u00ae 2008 Standard \","                  \
    "\"6.0.6003 Service Pack 2 Build 6003\",\"Microsoft Corporation\",\"Member Server\","     \
    "\"Multiprocessor Free\",\"Windows User\",\"\",\"92573-082-2500115-76258\","              \
    "\"3/14/2012, 10:02:11 AM\",\"4/16/2019, 8:41:20 AM\",\"VMware, Inc.\","                  \
    "\"VMware Virtual Platform\",\"" type "\",\"1 Processor(s) Installed.,[01]: Intel64 "     \
    "Family 6 Model 85 Stepping 4 GenuineIntel ~2095 Mhz\",\"Phoenix Technologies LTD "       \
    "6.00, 12/12/2018\",\"C:\\Windows\",\"C:\\Windows\\system32\","                           \
    "\"\\Device\\HarddiskVolume1\",\"en-us;English (United States)\","                        \
    "\"en-us;English (United States)\",\"(GMT+01:00) Amsterdam, Berlin, Bern, Rome\","        \
    "\"4,095 MB\",\"2,811 MB\",\"8,380 MB\",\"6,903 MB\",\"1,477 MB\",\"C:\\pagefile.sys\","   \
    "\"CORP\",\"\\\\DC01\",\"" hotfixes "\",\"1 NIC(s) Installed.,[01]: Intel(R) PRO/1000 MT " \
    "Network Connection,      Connection Name: Local Area Connection,      DHCP Enabled: No\""

static void test_systeminfo_2008_sp2_x64(void **state)
{
    const char *text = SYSTEMINFO_HEADER "\r\n"
        SYSTEMINFO_ROW("x64-based PC",
                       "2 Hotfix(s) Installed.,[01]: KB4493730,[02]: KB4474419") "\r\n";
    ps_inventory inv;

    (void)state;
    parse_ok(text, strlen(text), &inv);
    assert_string_equal(inv.format, "systeminfo");
    assert_string_equal(inv.os_version, "6.0.6003");
    assert_string_equal(inv.os_build, "6.0.6003");
    assert_int_equal(inv.arch, PS_ARCH_X64);
    assert_kbs(&inv, 2, "KB4474419", "KB4493730");
    assert_int_equal(ps_inventory_has(&inv, "KB4474419"), 1);
    assert_int_equal(ps_inventory_has(&inv, "kb4493730"), 1);
    assert_int_equal(ps_inventory_has(&inv, "4493730"), 1);
    assert_int_equal(ps_inventory_has(&inv, "KB4512476"), 0);
    assert_int_equal(ps_inventory_has(&inv, "not a kb"), 0);
    assert_int_equal(ps_inventory_has(NULL, "KB4474419"), 0);
    ps_inventory_free(&inv);
    assert_null(inv.kbs);
    assert_null(inv.os_version);
    assert_null(inv.os_build);
}

/* The Host Name names the machine of a fleet: kept when it is a host name,
 * an error at its line when it is not; absent or empty: none. */
static void test_host_name(void **state)
{
    const char *text = SYSTEMINFO_HEADER "\r\n"
        SYSTEMINFO_ROW("x64-based PC", "1 Hotfix(s) Installed.,[01]: KB4493730") "\r\n";
    const char *bad = "\"Host Name\",\"OS Version\",\"Hotfix(s)\"\r\n"
                      "\"WS 2008\",\"6.0.6003\",\"1 Hotfix(s) Installed.,[01]: KB4493730\"\r\n";
    const char *empty = "\"Host Name\",\"OS Version\",\"Hotfix(s)\"\r\n"
                        "\"  \",\"6.0.6003\",\"1 Hotfix(s) Installed.,[01]: KB4493730\"\r\n";
    const char *wmic = "Node,CSName,HotFixID\r\nSRV-A,SRV-A,KB4493730\r\nSRV-A,srv-a,KB4474419\r\n";
    ps_inventory inv;

    (void)state;
    parse_ok(text, strlen(text), &inv);
    assert_string_equal(inv.host_name, "WS2008SP2");
    ps_inventory_free(&inv);
    assert_null(inv.host_name);
    parse_fails(bad, strlen(bad), PS_E_FORMAT, 2,
                "Host Name 'WS 2008' is not a host name (letters, digits, '-' and '_' in labels "
                "of at most 63 characters separated by dots)");
    parse_ok(empty, strlen(empty), &inv);
    assert_null(inv.host_name);
    ps_inventory_free(&inv);
    parse_ok(wmic, strlen(wmic), &inv);
    assert_string_equal(inv.host_name, "SRV-A");
    ps_inventory_free(&inv);
    parse_ok("KB4493730\n", 10, &inv);
    assert_null(inv.host_name);
    ps_inventory_free(&inv);

    assert_int_equal(ps_host_name_valid("WS2008", 6), 1);
    assert_int_equal(ps_host_name_valid("srv-01.corp.example", 19), 1);
    assert_int_equal(ps_host_name_valid("a_b", 3), 1);
    assert_int_equal(ps_host_name_valid("", 0), 0);
    assert_int_equal(ps_host_name_valid("-a", 2), 0);
    assert_int_equal(ps_host_name_valid("a-", 2), 0);
    assert_int_equal(ps_host_name_valid("a..b", 4), 0);
    assert_int_equal(ps_host_name_valid(".a", 2), 0);
    assert_int_equal(ps_host_name_valid("a.", 2), 0);
    assert_int_equal(ps_host_name_valid("a-.b", 4), 0);
    assert_int_equal(ps_host_name_valid("../x", 4), 0);
    assert_int_equal(ps_host_name_valid("a/b", 3), 0);
    assert_int_equal(ps_host_name_valid("a\\b", 3), 0);
    assert_int_equal(ps_host_name_valid("<b>", 3), 0);
    {
        char label[70], name[260];

        memset(label, 'a', sizeof label);
        assert_int_equal(ps_host_name_valid(label, 63), 1);
        assert_int_equal(ps_host_name_valid(label, 64), 0);
        for (size_t i = 0; i < sizeof name; i++)
            name[i] = i % 2 ? '.' : 'a';
        assert_int_equal(ps_host_name_valid(name, 253), 1);
        assert_int_equal(ps_host_name_valid(name, 255), 0);
    }
}

/* systeminfo > file from PowerShell: UTF-16LE with a BOM; an x86 machine
 * with an entry that is not a KB number; LF line ends. */
static void test_systeminfo_utf16le_x86(void **state)
{
    size_t len;
    unsigned char *data = to_utf16(
        SYSTEMINFO_HEADER "\n"
        SYSTEMINFO_ROW("X86-based PC",
                       "3 Hotfix(s) Installed.,[01]: KB955430,[02]: File 1,[03]: KB4474419") "\n",
        0, &len);
    ps_inventory inv;

    (void)state;
    parse_ok(data, len, &inv);
    assert_string_equal(inv.format, "systeminfo");
    assert_string_equal(inv.os_version, "6.0.6003");
    assert_int_equal(inv.arch, PS_ARCH_X86);
    assert_kbs(&inv, 2, "KB955430", "KB4474419");
    ps_inventory_free(&inv);
    free(data);
}

static void test_systeminfo_variants(void **state)
{
    const char *ia64 = "\"OS Version\",\"System Type\",\"Hotfix(s)\"\n"
                       "\"6.0.6002 Service Pack 2 Build 6002\",\"Itanium (TM) based System\","
                       "\"N/A\"\n";
    const char *two_part = "\"OS Version\",\"System Type\",\"Hotfix(s)\"\n"
                           "\"6.1 Service Pack 1\",\"ARM64-based PC\",\"0 Hotfix(s) Installed.\"\n";
    ps_inventory inv;

    (void)state;
    parse_ok(ia64, strlen(ia64), &inv);
    assert_string_equal(inv.os_version, "6.0.6002");
    assert_string_equal(inv.os_build, "6.0.6002");
    assert_int_equal(inv.arch, PS_ARCH_IA64);
    assert_int_equal(inv.n_kbs, 0);
    assert_null(inv.kbs);
    ps_inventory_free(&inv);

    parse_ok(two_part, strlen(two_part), &inv);
    assert_string_equal(inv.os_version, "6.1");
    assert_null(inv.os_build);
    assert_int_equal(inv.arch, PS_ARCH_NONE);
    assert_int_equal(inv.n_kbs, 0);
    ps_inventory_free(&inv);
}

static void test_systeminfo_errors(void **state)
{
    (void)state;
    text_fails(SYSTEMINFO_HEADER "\r\n", 1, "systeminfo CSV header without a data row");
    text_fails(SYSTEMINFO_HEADER "\r\n" SYSTEMINFO_ROW("x64-based PC", "N/A") "\r\n"
               SYSTEMINFO_HEADER "\r\n",
               3, "a second systeminfo row: an inventory describes one machine");
    text_fails("\"OS Version\",\"Hotfix(s)\"\n\n\"Service Pack 2\",\"N/A\"\n", 3,
               "OS Version 'Service Pack 2' does not start with a version number");
    text_fails("\"OS Version\",\"Hotfix(s)\"\n\"6.0.6003x\",\"N/A\"\n", 2,
               "OS Version '6.0.6003x' does not start with a version number");
    text_fails("\"OS Version\",\"Hotfix(s)\"\n\"6.0.6003\",\"1 Hotfix(s) Installed.,KB4474419\"\n",
               2, "unexpected entry in the Hotfix(s) column: 'KB4474419'");
    /* a German export: column names are localised */
    text_fails("\"Hostname\",\"Betriebssystemname\",\"Betriebssystemversion\",\"Hotfix(es)\"\r\n"
               "\"WS2008\",\"Windows Server 2008\",\"6.0.6003 Service Pack 2 Build 6003\","
               "\"1 Hotfix(es) installiert.,[01]: KB4474419\"\r\n",
               1,
               "the CSV header has no HotFixID or Hotfix(s) column (a header row with English "
               "column names is needed; localised exports are not supported)");
}

/* ---- wmic qfe list full /format:csv -------------------------------- */

#define WMIC_HEADER                                                                          \
    "Node,Caption,CSName,Description,FixComments,HotFixID,InstallDate,InstalledBy,"          \
    "InstalledOn,Name,ServicePackInEffect,Status"

/* wmic writes UTF-16LE with a BOM when redirected, starts with an empty
 * line, and ends lines with CR CR LF. */
static void test_wmic_qfe(void **state)
{
    size_t len;
    unsigned char *data = to_utf16(
        "\r\r\n" WMIC_HEADER "\r\r\n"
        "WS2008,http://support.microsoft.com/?kbid=4493730,WS2008,Security Update,,KB4493730,,"
        "NT AUTHORITY\\SYSTEM,4/16/2019,,,\r\r\n"
        "WS2008,http://support.microsoft.com/?kbid=4474419,WS2008,Security Update,,KB4474419,,"
        "NT AUTHORITY\\SYSTEM,9/24/2019,,,\r\r\n"
        "WS2008,,WS2008,Update,,File 1,,,,,,\r\r\n"
        "ws2008,http://support.microsoft.com/?kbid=4474419,WS2008,Security Update,,KB4474419,,"
        "NT AUTHORITY\\SYSTEM,9/24/2019,,,\r\r\n",
        0, &len);
    ps_inventory inv;

    (void)state;
    parse_ok(data, len, &inv);
    assert_string_equal(inv.format, "wmic-qfe");
    assert_null(inv.os_version);
    assert_null(inv.os_build);
    assert_int_equal(inv.arch, PS_ARCH_NONE);
    assert_kbs(&inv, 2, "KB4474419", "KB4493730");
    ps_inventory_free(&inv);
    free(data);
}

static void test_wmic_errors(void **state)
{
    (void)state;
    text_fails("\n" WMIC_HEADER "\n"
               "WS2008,,WS2008,Security Update,,KB4493730,,,4/16/2019,,,\n"
               "WS2008,,WS2008,Security Update,,KB4474419,,,9/24/2019,,\n",
               4, "11 fields where the header (line 2) has 12");
    text_fails(WMIC_HEADER "\n"
               "WS2008,,WS2008,Security Update,,KB4493730,,,4/16/2019,,,\n"
               "WS2008B,,WS2008B,Security Update,,KB4474419,,,9/24/2019,,,\n",
               3, "hotfixes of more than one machine ('WS2008' and 'WS2008B')");
}

/* ---- Get-HotFix | Export-Csv --------------------------------------- */

#define HOTFIX_TYPE "#TYPE System.Management.ManagementObject#root\\cimv2\\Win32_QuickFixEngineering"
#define HOTFIX_HEADER                                                                        \
    "\"PSComputerName\",\"InstalledOn\",\"__GENUS\",\"__CLASS\",\"Caption\",\"CSName\","      \
    "\"Description\",\"FixComments\",\"HotFixID\",\"InstallDate\",\"InstalledBy\",\"Name\","  \
    "\"ServicePackInEffect\",\"Status\""
#define HOTFIX_ROW(kb, comments)                                                             \
    "\"WS2008\",\"4/16/2019 12:00:00 AM\",\"2\",\"Win32_QuickFixEngineering\","              \
    "\"http://support.microsoft.com/?kbid=" kb "\",\"WS2008\",\"Security Update\","          \
    "\"" comments "\",\"KB" kb "\",,\"NT AUTHORITY\\SYSTEM\",,,"

/* Windows PowerShell writes UTF-16LE with a BOM; a field holds commas,
 * doubled quotes and a CRLF line break. */
static void test_get_hotfix_utf16le(void **state)
{
    size_t len;
    unsigned char *data = to_utf16(
        HOTFIX_TYPE "\r\n" HOTFIX_HEADER "\r\n"
        HOTFIX_ROW("4493730", "servicing stack, \"\"April\"\"\r\nsecond line, too") "\r\n"
        HOTFIX_ROW("4474419", "") "\r\n",
        0, &len);
    ps_inventory inv;

    (void)state;
    parse_ok(data, len, &inv);
    assert_string_equal(inv.format, "get-hotfix");
    assert_kbs(&inv, 2, "KB4474419", "KB4493730");
    assert_int_equal(inv.arch, PS_ARCH_NONE);
    assert_null(inv.os_version);
    ps_inventory_free(&inv);
    free(data);
}

/* -NoTypeInformation in UTF-8 with a BOM, and a single-column export. */
static void test_get_hotfix_untyped(void **state)
{
    const char *text = "\xEF\xBB\xBF" HOTFIX_HEADER "\n" HOTFIX_ROW("4512476", "") "\n";
    const char *single = "HotFixID\r\nKB4474419\r\n\r\nKB4493730\r\n";
    ps_inventory inv;

    (void)state;
    parse_ok(text, strlen(text), &inv);
    assert_string_equal(inv.format, "get-hotfix");
    assert_kbs(&inv, 1, "KB4512476");
    ps_inventory_free(&inv);

    parse_ok(single, strlen(single), &inv);
    assert_string_equal(inv.format, "get-hotfix");
    assert_kbs(&inv, 2, "KB4474419", "KB4493730");
    ps_inventory_free(&inv);
}

static void test_csv_errors(void **state)
{
    char *wide;
    size_t n = PS_INVENTORY_MAX_FIELDS + 1;

    (void)state;
    /* line numbers count the line breaks inside quoted fields */
    text_fails(HOTFIX_TYPE "\n" HOTFIX_HEADER "\n"
               HOTFIX_ROW("4493730", "one\ntwo\nthree") "\n"
               "\"WS2008\",\"KB4474419\"\n",
               6, "2 fields where the header (line 2) has 14");
    text_fails(HOTFIX_TYPE "\n" HOTFIX_HEADER "\n"
               HOTFIX_ROW("4493730", "") "\n"
               "\"WS2008\",\"4/16/2019 12:00:00 AM\",\"2\",\"Win32_QuickFixEngineering\",\"open\n"
               "the quote is never closed,\n"
               "KB4474419\n",
               4, "quoted field not closed before the end of the file");
    text_fails(HOTFIX_HEADER "\n\"WS2008\"x,\"KB1\"\n", 2,
               "text after the closing quote of a field");
    text_fails(HOTFIX_TYPE "\r\n\r\n", 1, "a '#TYPE' line without a CSV header after it");
    text_fails(HOTFIX_TYPE "\r\n\"Source\",\"Hotfix(s)\"\r\n", 2,
               "the CSV header has no HotFixID or Hotfix(s) column (a header row with English "
               "column names is needed; localised exports are not supported)");

    wide = xmalloc(n + 16);
    memset(wide, ',', n - 1);
    memcpy(wide + n - 1, "\n", 2);
    parse_fails(wide, strlen(wide), PS_E_LIMIT, 1, "more than 256 fields in a record");
    free(wide);
}

/* ---- plain KB lists ------------------------------------------------ */

static void test_kb_list(void **state)
{
    const char *text = "# machine WS2008, 2019-10-01\r\n"
                       "KB4493730\r\n"
                       "\r\n"
                       "  4474419  \r\n"
                       "kb4512476 # the August rollup\r\n"
                       "KB4474419\r\n"
                       "KB955430";
    ps_inventory inv;

    (void)state;
    parse_ok(text, strlen(text), &inv);
    assert_string_equal(inv.format, "kb-list");
    assert_kbs(&inv, 4, "KB955430", "KB4474419", "KB4493730", "KB4512476");
    assert_null(inv.os_version);
    assert_int_equal(inv.arch, PS_ARCH_NONE);
    ps_inventory_free(&inv);
}

/* Duplicates merge, whatever format they come in. */
static void test_duplicates(void **state)
{
    const char *list = "KB4474419\n4474419\nkb4474419\nKB4474419\n";
    const char *sysinfo = "\"OS Version\",\"Hotfix(s)\"\n\"6.0.6003\","
                          "\"3 Hotfix(s) Installed.,[01]: KB4474419,[02]: KB4474419,[03]: 4474419\"\n";
    ps_inventory inv;

    (void)state;
    parse_ok(list, strlen(list), &inv);
    assert_kbs(&inv, 1, "KB4474419");
    ps_inventory_free(&inv);
    parse_ok(sysinfo, strlen(sysinfo), &inv);
    assert_kbs(&inv, 1, "KB4474419");
    ps_inventory_free(&inv);
}

static void test_utf16be_kb_list(void **state)
{
    size_t len;
    unsigned char *data = to_utf16("KB4474419\r\nKB4493730\r\n", 1, &len);
    ps_inventory inv;

    (void)state;
    parse_ok(data, len, &inv);
    assert_string_equal(inv.format, "kb-list");
    assert_kbs(&inv, 2, "KB4474419", "KB4493730");
    ps_inventory_free(&inv);
    free(data);
}

static void test_kb_list_errors(void **state)
{
    (void)state;
    text_fails("KB4474419\n\nKB44x\n", 3, "not a KB number: 'KB44x'");
    text_fails("# list\nKB4474419 KB4493730\n", 2, "not a KB number: 'KB4474419 KB4493730'");
    text_fails("KB4474419\n"
               "this line is not a KB number and is longer than forty characters\n",
               2, "not a KB number: 'this line is not a KB number and is long...'");
    text_fails("\n\nhello world\n", 3, "neither a KB number nor a CSV header: 'hello world'");
    /* systeminfo without /fo csv, and Get-HotFix as a table */
    text_fails("\r\nHost Name:                 WS2008\r\n"
               "OS Version:                6.0.6003 Service Pack 2 Build 6003\r\n",
               2,
               "a table or a list, not CSV: export with 'systeminfo /fo csv', "
               "'wmic qfe list full /format:csv' or 'Get-HotFix | Export-Csv'");
    text_fails("Source        Description      HotFixID      InstalledBy\n"
               "------        -----------      --------      -----------\n",
               1,
               "a table or a list, not CSV: export with 'systeminfo /fo csv', "
               "'wmic qfe list full /format:csv' or 'Get-HotFix | Export-Csv'");
}

/* Characters beyond Latin-1 and outside the BMP, as UTF-16 writes them. */
static void test_utf16_wide_characters(void **state)
{
    /* "# \u20ac \U0001F600\r\nKB4474419\r\n\U0001F600\r\n" in UTF-16LE */
    static const unsigned char data[] = {
        0xFF, 0xFE, '#', 0, ' ', 0, 0xAC, 0x20, ' ', 0, 0x3D, 0xD8, 0x00, 0xDE, '\r', 0, '\n', 0,
        'K', 0, 'B', 0, '4', 0, '4', 0, '7', 0, '4', 0, '4', 0, '1', 0, '9', 0, '\r', 0, '\n', 0,
        0x3D, 0xD8, 0x00, 0xDE, '\r', 0, '\n', 0};
    ps_inventory inv;

    (void)state;
    parse_ok(data, sizeof data - 8, &inv);
    assert_string_equal(inv.format, "kb-list");
    assert_kbs(&inv, 1, "KB4474419");
    ps_inventory_free(&inv);
    parse_fails(data, sizeof data, PS_E_FORMAT, 3, "not a KB number: '\?\?\?\?'");
}

/* ---- files that are not inventories ------------------------------- */

static void test_empty_and_binary(void **state)
{
    static const unsigned char elf[] = {0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0};
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0};
    static const unsigned char utf16_no_bom[] = {'K', 0, 'B', 0, '4', 0};
    static const unsigned char odd[] = {0xFF, 0xFE, 'K', 0, 'B'};
    static const unsigned char lone[] = {0xFF, 0xFE, 'K', 0, '\n', 0, 0x00, 0xDC, '\n', 0};

    (void)state;
    parse_fails("", 0, PS_E_FORMAT, 0, "empty file: no KB number and no CSV header");
    text_fails(" \r\n\t\r\n", 0, "empty file: no KB number and no CSV header");
    text_fails("\xEF\xBB\xBF", 0, "empty file: no KB number and no CSV header");
    parse_fails(elf, sizeof elf, PS_E_FORMAT, 1,
                "control character 0x7f: not a text file");
    parse_fails(png, sizeof png, PS_E_FORMAT, 2,
                "control character 0x1a: not a text file");
    parse_fails(utf16_no_bom, sizeof utf16_no_bom, PS_E_FORMAT, 1,
                "NUL byte: binary data, or UTF-16 text without a byte order mark");
    parse_fails(odd, sizeof odd, PS_E_FORMAT, 0,
                "UTF-16 text (byte order mark) with an odd number of bytes");
    parse_fails(lone, sizeof lone, PS_E_FORMAT, 2,
                "invalid UTF-16 text: unpaired surrogate");
}

static void test_limits(void **state)
{
    size_t n = PS_INVENTORY_MAX_LINE + 1;
    char *text = xmalloc(n + 32);
    char *big;

    (void)state;
    memcpy(text, "KB4474419\n# x\n", 14);
    memset(text + 14, 'x', n);
    memcpy(text + 14 + n, "\nKB1\n", 6);
    parse_fails(text, strlen(text), PS_E_LIMIT, 3, "line longer than 65536 bytes");
    /* a line of exactly the limit is fine */
    text[14 + n - 1] = '\n';
    text[14] = '#';
    {
        ps_inventory inv;

        parse_ok(text, 14 + n, &inv);
        assert_kbs(&inv, 1, "KB4474419");
        ps_inventory_free(&inv);
    }
    free(text);

    /* one KB number more than the limit, on the last line */
    big = xmalloc((size_t)(PS_INVENTORY_MAX_KBS + 1) * 10 + 1);
    for (size_t i = 0; i <= PS_INVENTORY_MAX_KBS; i++)
        memcpy(big + i * 10, "KB4474419\n", 10);
    parse_fails(big, (size_t)(PS_INVENTORY_MAX_KBS + 1) * 10, PS_E_LIMIT,
                PS_INVENTORY_MAX_KBS + 1, "more than 100000 KB numbers");
    {
        ps_inventory inv;

        parse_ok(big, (size_t)PS_INVENTORY_MAX_KBS * 10, &inv);
        assert_kbs(&inv, 1, "KB4474419");
        ps_inventory_free(&inv);
    }
    free(big);

    big = xmalloc((size_t)PS_INVENTORY_MAX_BYTES + 1);
    memset(big, 'x', (size_t)PS_INVENTORY_MAX_BYTES + 1);
    parse_fails(big, (size_t)PS_INVENTORY_MAX_BYTES + 1, PS_E_LIMIT, 0,
                "file of 16777217 bytes exceeds the limit of 16777216 bytes");
    free(big);
}

/* ---- loading a file ------------------------------------------------ */

/* Writes data to a new temporary file whose name goes to path. */
static void write_temp(char path[32], const void *data, size_t len)
{
    int fd;

    memcpy(path, "/tmp/ps-inventory-XXXXXX", 25);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

static void test_load(void **state)
{
    const char *good = "KB4474419\r\nKB4493730\r\n";
    const char *bad = "KB4474419\n\"unterminated\n";
    char path[32], expect[128], err[600];
    ps_inventory inv;

    (void)state;
    write_temp(path, good, strlen(good));
    assert_int_equal(ps_inventory_load(path, &inv, err, sizeof err), 0);
    assert_string_equal(err, "");
    assert_kbs(&inv, 2, "KB4474419", "KB4493730");
    assert_string_equal(inv.format, "kb-list");
    ps_inventory_free(&inv);
    unlink(path);

    write_temp(path, bad, strlen(bad));
    assert_int_equal(ps_inventory_load(path, &inv, err, sizeof err), -1);
    snprintf(expect, sizeof expect, "%s:2: not a KB number: '\"unterminated'", path);
    assert_string_equal(err, expect);
    assert_null(inv.kbs);
    unlink(path);

    write_temp(path, "", 0);
    assert_int_equal(ps_inventory_load(path, &inv, err, sizeof err), -1);
    snprintf(expect, sizeof expect, "%s: empty file: no KB number and no CSV header", path);
    assert_string_equal(err, expect);
    assert_int_equal(truncate(path, (off_t)PS_INVENTORY_MAX_BYTES + 1), 0);
    assert_int_equal(ps_inventory_load(path, &inv, err, sizeof err), -1);
    snprintf(expect, sizeof expect, "%s: file larger than the limit of 16777216 bytes", path);
    assert_string_equal(err, expect);
    unlink(path);

    assert_int_equal(ps_inventory_load("/nonexistent/inventory.csv", &inv, err, sizeof err), -1);
    assert_string_equal(err, "/nonexistent/inventory.csv: cannot open: No such file or directory");
    assert_int_equal(ps_inventory_load("/", &inv, err, sizeof err), -1);
    assert_string_equal(err, "/: not a regular file (a directory is refused)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_systeminfo_2008_sp2_x64),
        cmocka_unit_test(test_systeminfo_utf16le_x86),
        cmocka_unit_test(test_systeminfo_variants),
        cmocka_unit_test(test_systeminfo_errors),
        cmocka_unit_test(test_wmic_qfe),
        cmocka_unit_test(test_wmic_errors),
        cmocka_unit_test(test_get_hotfix_utf16le),
        cmocka_unit_test(test_get_hotfix_untyped),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_kb_list),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_utf16be_kb_list),
        cmocka_unit_test(test_kb_list_errors),
        cmocka_unit_test(test_utf16_wide_characters),
        cmocka_unit_test(test_empty_and_binary),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_host_name),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
