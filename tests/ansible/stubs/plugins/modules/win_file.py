#!/usr/bin/python
# stub of ansible.windows.win_file (see ../../README.txt)
import hashlib

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ansible.windows.plugins.module_utils import stubfs


def main():
    m = AnsibleModule(argument_spec=dict(
        path=dict(type="path", required=True, aliases=["dest", "name"]),
        state=dict(type="str", choices=["absent", "directory", "file", "touch"])))
    p = m.params
    fs = stubfs.load()
    k = stubfs.key(p["path"])
    stubfs.log("win_file", path=p["path"], state=p["state"])
    changed = False
    if p["state"] == "directory":
        changed = k not in fs
        fs.setdefault(k, None)
    elif p["state"] == "touch":
        changed = True
        fs.setdefault(k, hashlib.sha256(b"").hexdigest())
    elif p["state"] == "absent":
        changed = k in fs
        fs.pop(k, None)
    stubfs.save(fs)
    m.exit_json(changed=changed)


main()
