#!/usr/bin/python
# stub of ansible.windows.win_command (see ../../README.txt): the exit code
# of an install is config.json "rc"[KB] (default 0); systeminfo prints a
# systeminfo CSV
from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ansible.windows.plugins.module_utils import stubfs


def main():
    m = AnsibleModule(argument_spec=dict(
        _raw_params=dict(type="str"), cmd=dict(type="str"), argv=dict(type="list", elements="str"),
        chdir=dict(type="path"), creates=dict(type="path"), removes=dict(type="path"),
        stdin=dict(type="str"), output_encoding_override=dict(type="str")),
        mutually_exclusive=[["_raw_params", "cmd", "argv"]])
    p = m.params
    if not p["argv"]:
        m.fail_json(msg="the stub takes argv only")
    stubfs.log("win_command", argv=p["argv"])
    cfg = stubfs.config()
    if p["argv"][0].lower() == "systeminfo.exe":
        m.exit_json(changed=True, rc=0, stdout=cfg.get("systeminfo", ""), stderr="")
    if p["argv"][0].lower().endswith("\\cscript.exe"):
        # slmgr: config.json "slmgr_rc" (default 0)
        m.exit_json(changed=True, rc=cfg.get("slmgr_rc", 0), stdout="", stderr="")
    rc = 0
    for kb, code in cfg.get("rc", {}).items():
        if any(kb in a for a in p["argv"]):
            rc = code
    m.exit_json(changed=True, rc=rc, stdout="", stderr="")


main()
