#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Ansible module: apply a porttune profile, or roll it back.

A thin wrapper: it runs the porttune binary with --format json and maps
its report to Ansible's changed/diff/failed. porttune does the work,
including the snapshot that makes the change reversible.
"""

DOCUMENTATION = r"""
module: porttune
short_description: Apply a porttune profile (sysctls, NIC settings) or roll it back
description:
  - Runs C(porttune apply --profile PROFILE --format json), or
    C(porttune rollback), and reports what changed.
  - Check mode runs the same command with C(--dry-run), so nothing changes
    and the result says what would.
  - Diff mode shows each setting's value before and after.
options:
  profile:
    description: Path of the profile (INI) on the managed host.
    type: path
    required: true
  state:
    description:
      - C(applied) makes the host match the profile.
      - C(rolledback) restores the values saved before the last apply.
    type: str
    choices: [applied, rolledback]
    default: applied
  state_dir:
    description: porttune's state directory (snapshots, lock).
    type: path
  netns:
    description: Network namespace to act in (porttune C(--netns)).
    type: str
  binary:
    description: The porttune program.
    type: path
    default: porttune
author: porttune
"""

EXAMPLES = r"""
- name: Tune the outbound proxy
  porttune:
    profile: /usr/share/porttune/profiles/outbound-proxy.ini

- name: Undo it
  porttune:
    profile: /usr/share/porttune/profiles/outbound-proxy.ini
    state: rolledback
"""

RETURN = r"""
changes:
  description: porttune's list of settings, with before, after and status.
  returned: always
  type: list
snapshot:
  description: The snapshot written before the change (id, path), or null.
  returned: always
  type: dict
result:
  description: porttune's result word (ok, invalid, failed, revert-failed).
  returned: always
  type: str
"""

import json

from ansible.module_utils.basic import AnsibleModule

# statuses of a setting that is, or would be, changed
CHANGING = ("pending", "changed")


def label(change):
    if change.get("device"):
        return "[nic %s] %s" % (change["device"], change["setting"])
    return change["setting"]


def diff_of(changes):
    before, after = [], []
    for c in changes:
        if c.get("status") not in CHANGING:
            continue
        before.append("%s = %s\n" % (label(c), c.get("before")))
        after.append("%s = %s\n" % (label(c), c.get("after")))
    return {"before": "".join(before), "after": "".join(after),
            "before_header": "porttune (current)",
            "after_header": "porttune (profile)"}


def command(module, binary):
    p = module.params
    argv = [binary]
    if p["state_dir"]:
        argv += ["--state-dir", p["state_dir"]]
    if p["netns"]:
        argv += ["--netns", p["netns"]]
    if p["state"] == "applied":
        argv += ["apply", "--profile", p["profile"]]
    else:
        argv += ["rollback"]
    argv += ["--format", "json"]
    if module.check_mode:
        argv.append("--dry-run")
    return argv


def main():
    module = AnsibleModule(
        argument_spec=dict(
            profile=dict(type="path", required=True),
            state=dict(type="str", default="applied",
                       choices=["applied", "rolledback"]),
            state_dir=dict(type="path"),
            netns=dict(type="str"),
            binary=dict(type="path", default="porttune"),
        ),
        supports_check_mode=True,
    )
    binary = module.params["binary"]
    if "/" not in binary:
        binary = module.get_bin_path(binary, required=True,
                                     opt_dirs=["/usr/sbin", "/usr/local/sbin"])
    argv = command(module, binary)
    rc, out, err = module.run_command(argv)
    try:
        report = json.loads(out)
    except ValueError:
        report = None
    if rc != 0 or report is None:
        # porttune's own words: "porttune: CONTEXT: MESSAGE" on stderr
        msg = err.strip() or (report or {}).get("error") or \
            "porttune exited %d" % rc
        module.fail_json(msg=msg, rc=rc, cmd=argv, stdout=out, stderr=err,
                         **({"porttune": report} if report else {}))
    result = dict(
        changed=bool(report.get("changed")),
        changes=report.get("changes", []),
        snapshot=report.get("snapshot"),
        result=report.get("result"),
        cmd=argv,
        rc=rc,
    )
    if err.strip():
        result["warnings"] = [l for l in err.strip().splitlines()]
    if module._diff:
        result["diff"] = diff_of(result["changes"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
