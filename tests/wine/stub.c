/*
 * stub.c - a stand-in for one Windows program (wusa, pkgmgr, dism,
 * shutdown, certutil, schtasks) for the Wine tests of the install scripts;
 * built with -DSTUB_NAME=L"wusa" by x86_64-w64-mingw32-gcc at test time.
 *
 * Every call appends "NAME CMDLINE" to %PS_STUB_DIR%\calls.log and to
 * %PS_STUB_DIR%\NAME.log.  The exit code of call N (0-based, counted in
 * NAME.log) is line N of %PS_STUB_DIR%\NAME.codes (the last line once the
 * lines are used up; 0 without the file).  certutil prints the SHA-256 of
 * the file named after -hashfile in the format %PS_STUB_DIR%\certutil.mode
 * names: "old" (Vista, 2008, 7: "SHA256 hash of file X:" and the bytes
 * apart), "new" (Windows 10: "SHA256 hash of X:", no spaces) or "noalg"
 * (an older certutil without SHA256: NTE_BAD_ALGID), computed with the
 * CryptoAPI.
 */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#ifndef STUB_NAME
#error STUB_NAME must be defined
#endif

static wchar_t dir[MAX_PATH];

static void path_of(wchar_t *out, size_t n, const wchar_t *leaf)
{
    _snwprintf(out, n, L"%ls\\%ls", dir, leaf);
    out[n - 1] = 0;
}

static void append_line(const wchar_t *leaf, const wchar_t *line)
{
    wchar_t p[MAX_PATH * 2];
    FILE *fp;

    path_of(p, MAX_PATH * 2, leaf);
    fp = _wfopen(p, L"ab");
    if (fp == NULL)
        return;
    /* ASCII is enough for what the scripts pass; others become '?' */
    for (const wchar_t *c = line; *c; c++)
        fputc(*c < 0x80 ? (int)*c : '?', fp);
    fputs("\r\n", fp);
    fclose(fp);
}

static int count_lines(const wchar_t *leaf)
{
    wchar_t p[MAX_PATH * 2];
    FILE *fp;
    int c, n = 0;

    path_of(p, MAX_PATH * 2, leaf);
    fp = _wfopen(p, L"rb");
    if (fp == NULL)
        return 0;
    while ((c = fgetc(fp)) != EOF)
        n += c == '\n';
    fclose(fp);
    return n;
}

/* Line `index` of `leaf` (the last one past the end) into buf; 0 if none. */
static int read_line(const wchar_t *leaf, int index, char *buf, size_t n)
{
    wchar_t p[MAX_PATH * 2];
    char line[256];
    FILE *fp;
    int i = 0, got = 0;

    path_of(p, MAX_PATH * 2, leaf);
    fp = _wfopen(p, L"rb");
    if (fp == NULL)
        return 0;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == 0)
            continue;
        snprintf(buf, n, "%s", line);
        got = 1;
        if (i++ == index)
            break;
    }
    fclose(fp);
    return got;
}

static int hash_file(const wchar_t *file, unsigned char out[32])
{
    HCRYPTPROV prov = 0;
    HCRYPTHASH h = 0;
    HANDLE f;
    unsigned char block[65536];
    DWORD got, len = 32;
    int ok = 0;

    f = CreateFileW(file, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (f == INVALID_HANDLE_VALUE)
        return -2;
    if (CryptAcquireContextW(&prov, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT) &&
        CryptCreateHash(prov, CALG_SHA_256, 0, 0, &h)) {
        ok = 1;
        while (ok && ReadFile(f, block, sizeof block, &got, NULL) && got > 0)
            ok = CryptHashData(h, block, got, 0) != 0;
        ok = ok && CryptGetHashParam(h, HP_HASHVAL, out, &len, 0) && len == 32;
    }
    if (h)
        CryptDestroyHash(h);
    if (prov)
        CryptReleaseContext(prov, 0);
    CloseHandle(f);
    return ok ? 0 : -1;
}

static int certutil(int argc, wchar_t **argv)
{
    char mode[32] = "old";
    unsigned char d[32];
    const wchar_t *file = NULL;
    int r;

    for (int i = 1; i + 1 < argc; i++)
        if (_wcsicmp(argv[i], L"-hashfile") == 0)
            file = argv[i + 1];
    if (file == NULL) {
        printf("CertUtil: Unknown arg: %ls\n", argc > 1 ? argv[1] : L"");
        return -2147024809; /* E_INVALIDARG */
    }
    read_line(L"certutil.mode", 0, mode, sizeof mode);
    if (strcmp(mode, "noalg") == 0) {
        printf("CertUtil: -hashfile command FAILED: 0x80090008 (-2146893816)\n"
               "CertUtil: Invalid algorithm specified.\n");
        return -2146893816;
    }
    r = hash_file(file, d);
    if (r == -2) {
        printf("CertUtil: -hashfile command FAILED: 0x80070002 (WIN32: 2)\n"
               "CertUtil: The system cannot find the file specified.\n");
        return -2147024894;
    }
    if (r != 0) {
        printf("CertUtil: -hashfile command FAILED: 0x80090008 (-2146893816)\n"
               "CertUtil: Invalid algorithm specified.\n");
        return -2146893816;
    }
    if (strcmp(mode, "new") == 0) {
        printf("SHA256 hash of %ls:\n", file);
        for (int i = 0; i < 32; i++)
            printf("%02x", d[i]);
    } else {
        printf("SHA256 hash of file %ls:\n", file);
        for (int i = 0; i < 32; i++)
            printf("%s%02x", i ? " " : "", d[i]);
    }
    printf("\nCertUtil: -hashfile command completed successfully.\n");
    return 0;
}

int main(void)
{
    wchar_t **argv;
    wchar_t line[8192], leaf[64];
    const wchar_t *cmdline = GetCommandLineW();
    char code[64];
    int argc, n;
    DWORD dn;

    dn = GetEnvironmentVariableW(L"PS_STUB_DIR", dir, MAX_PATH);
    if (dn == 0 || dn >= MAX_PATH) {
        fprintf(stderr, "%ls stub: PS_STUB_DIR is not set\n", STUB_NAME);
        return 99;
    }
    argv = CommandLineToArgvW(cmdline, &argc);
    _snwprintf(leaf, 64, L"%ls.log", STUB_NAME);
    leaf[63] = 0;
    n = count_lines(leaf);
    _snwprintf(line, 8192, L"%ls %ls", STUB_NAME, cmdline);
    line[8191] = 0;
    append_line(L"calls.log", line);
    append_line(leaf, cmdline);
    if (wcscmp(STUB_NAME, L"certutil") == 0)
        return certutil(argc, argv);
    _snwprintf(leaf, 64, L"%ls.codes", STUB_NAME);
    leaf[63] = 0;
    if (!read_line(leaf, n, code, sizeof code))
        return 0;
    return (int)strtol(code, NULL, 0);
}
