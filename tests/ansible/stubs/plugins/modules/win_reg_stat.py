#!/usr/bin/python
# stub of ansible.windows.win_reg_stat (see ../../README.txt): the values are
# config.json "registry"["PATH\\NAME"]; SystemRoot is C:\Windows and
# ProductType ServerNT unless the configuration says otherwise
from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ansible.windows.plugins.module_utils import stubfs

DEFAULTS = {
    "hklm:\\software\\microsoft\\windows nt\\currentversion\\systemroot": "C:\\Windows",
    "hklm:\\system\\currentcontrolset\\control\\productoptions\\producttype": "ServerNT",
}


def main():
    m = AnsibleModule(argument_spec=dict(path=dict(type="str", required=True, aliases=["key"]),
                                         name=dict(type="str", aliases=["entry", "value"])))
    p = m.params
    k = ("%s\\%s" % (p["path"], p["name"])).lower()
    stubfs.log("win_reg_stat", path=p["path"], name=p["name"])
    values = dict(DEFAULTS)
    values.update({a.lower(): b for a, b in stubfs.config().get("registry", {}).items()})
    if k not in values:
        m.exit_json(changed=False, exists=False)
    m.exit_json(changed=False, exists=True, type="REG_SZ", value=values[k], raw_value=values[k])


main()
