#!/usr/bin/python
# stub of ansible.windows.win_stat (see ../../README.txt)
from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ansible.windows.plugins.module_utils import stubfs


def main():
    m = AnsibleModule(argument_spec=dict(
        path=dict(type="path", required=True, aliases=["dest", "name"]),
        get_checksum=dict(type="bool", default=True),
        checksum_algorithm=dict(type="str", default="sha1", choices=["md5", "sha1", "sha256", "sha384", "sha512"]),
        follow=dict(type="bool", default=False)))
    p = m.params
    fs = stubfs.load()
    k = stubfs.key(p["path"])
    stubfs.log("win_stat", path=p["path"], checksum=p["get_checksum"] and p["checksum_algorithm"])
    if k not in fs:
        m.exit_json(changed=False, stat=dict(exists=False))
    st = dict(exists=True, isdir=fs[k] is None, path=p["path"])
    if fs[k] is not None and p["get_checksum"]:
        if p["checksum_algorithm"] != "sha256":
            m.fail_json(msg="the stub knows sha256 only")
        st["checksum"] = fs[k].upper()
    m.exit_json(changed=False, stat=st)


main()
