#!/usr/bin/python
# stub of ansible.windows.win_copy (see ../../README.txt): a controller file
# is read where it is (the connection is local); config.json "corrupt" names
# KBs whose copy arrives altered, "share" maps a share path to a local folder
import hashlib
import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ansible.windows.plugins.module_utils import stubfs


def main():
    m = AnsibleModule(argument_spec=dict(
        src=dict(type="path"), dest=dict(type="path", required=True), content=dict(type="str"),
        remote_src=dict(type="bool", default=False), backup=dict(type="bool", default=False),
        force=dict(type="bool", default=True), decrypt=dict(type="bool", default=True),
        local_follow=dict(type="bool", default=True)))
    p = m.params
    cfg = stubfs.config()
    fs = stubfs.load()
    stubfs.log("win_copy", src=p["src"], dest=p["dest"], remote_src=p["remote_src"],
               content=p["content"] is not None)
    if p["content"] is not None:
        digest = hashlib.sha256(p["content"].encode()).hexdigest()
    else:
        src = p["src"]
        if p["remote_src"]:
            share = cfg.get("share", "")
            if not src.lower().startswith(share.lower() + "\\"):
                m.fail_json(msg="not on the share: %s" % src)
            src = os.path.join(cfg["share_dir"], *src[len(share) + 1:].split("\\"))
        if not os.path.isfile(src):
            m.fail_json(msg="no such file: %s" % src)
        digest = stubfs.sha256_of_file(src)
        if any(kb in p["dest"] for kb in cfg.get("corrupt", [])):
            digest = hashlib.sha256(b"altered").hexdigest()
    fs[stubfs.key(p["dest"])] = digest
    stubfs.save(fs)
    m.exit_json(changed=True, dest=p["dest"])


main()
