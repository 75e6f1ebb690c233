#!/usr/bin/python
# stub of ansible.windows.win_reboot (see ../../README.txt)
from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ansible.windows.plugins.module_utils import stubfs


def main():
    m = AnsibleModule(argument_spec=dict(
        reboot_timeout=dict(type="int", default=600), pre_reboot_delay=dict(type="int", default=2),
        post_reboot_delay=dict(type="int", default=0), msg=dict(type="str"),
        test_command=dict(type="str"), connect_timeout=dict(type="int", default=5)))
    stubfs.log("win_reboot", reboot_timeout=m.params["reboot_timeout"])
    m.exit_json(changed=True, rebooted=True)


main()
