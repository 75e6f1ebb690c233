/*
 * runner.c - runs one command line under Wine as Windows would, and writes
 * its full 32-bit exit code to the file named first (a Unix exit status
 * keeps only 8 bits: 3010 would read 194).
 *
 * usage: runner.exe RCFILE [+elevated|-elevated] [VAR=VALUE]... -- "COMMAND LINE"
 * +elevated creates HKEY_USERS\S-1-5-19 (the LocalService profile, which a
 * session without elevation cannot read: the scripts' elevation check),
 * -elevated deletes it.  Wine has no such profile and keeps keys of HKU
 * only while its wineserver runs, so each run says which it wants.
 * VAR=VALUE sets (VAR= removes) a variable of the child's environment
 * (PROCESSOR_ARCHITECTURE, PROCESSOR_ARCHITEW6432 for the WOW64 cases).
 * The one argument after "--" (wine quotes a Unix argument with spaces;
 * CommandLineToArgvW takes the quotes off again) is the command line given
 * to CreateProcess as it is.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int main(void)
{
    const wchar_t *cl = GetCommandLineW();
    wchar_t **argv;
    int argc, i;
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    DWORD code = 255;
    FILE *fp;

    argv = CommandLineToArgvW(cl, &argc);
    if (argv == NULL || argc < 3)
        return 125;
    for (i = 2; i < argc && wcscmp(argv[i], L"--") != 0; i++) {
        wchar_t *eq = wcschr(argv[i], L'=');

        if (wcscmp(argv[i], L"+elevated") == 0) {
            HKEY k;

            if (RegCreateKeyExW(HKEY_USERS, L"S-1-5-19", 0, NULL, 0, KEY_ALL_ACCESS, NULL, &k,
                                NULL) != ERROR_SUCCESS)
                return 124;
            RegCloseKey(k);
            continue;
        }
        if (wcscmp(argv[i], L"-elevated") == 0) {
            RegDeleteKeyW(HKEY_USERS, L"S-1-5-19");
            continue;
        }

        if (eq == NULL)
            return 125;
        *eq = 0;
        SetEnvironmentVariableW(argv[i], eq[1] ? eq + 1 : NULL);
    }
    if (i + 2 != argc)
        return 125;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    {
        size_t n = wcslen(argv[i + 1]) + 1;
        wchar_t *copy = malloc(n * sizeof *copy);

        if (copy == NULL)
            return 125;
        memcpy(copy, argv[i + 1], n * sizeof *copy);
        if (!CreateProcessW(NULL, copy, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
            fprintf(stderr, "runner: CreateProcess failed: %lu\n", GetLastError());
            return 126;
        }
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    fp = _wfopen(argv[1], L"w");
    if (fp == NULL)
        return 127;
    fprintf(fp, "%ld\n", (long)(int)code);
    fclose(fp);
    return 0;
}
