"""Runs the official Python SDK's group calls, unmodified, against the emulator.

Usage (tests/emulator/interop/run.ts does all of this; the emulator's command prints the values):
    python3 -m venv .venv && .venv/bin/pip install pydomo
    DOMO_HOST=127.0.0.1:PORT DOMO_CLIENT_ID=... DOMO_CLIENT_SECRET=... .venv/bin/python pydomo_groups.py

Prints one PASS/FAIL line per SDK call and exits 1 if any failed.
"""
import os
import sys
import traceback

from pydomo import Domo
from pydomo.groups import CreateGroupRequest
from pydomo.users import CreateUserRequest

domo = Domo(os.environ["DOMO_CLIENT_ID"], os.environ["DOMO_CLIENT_SECRET"],
            api_host=os.environ["DOMO_HOST"], use_https=False)
groups = domo.groups
failures = []


def check(call, action):
    """Runs one SDK call and its assertions; records a failure instead of stopping."""
    try:
        detail = action()
        print(f"PASS pydomo {call}" + (f": {detail}" if detail is not None else ""))
    except Exception as error:  # noqa: BLE001 - any failure is reported, then the next call runs
        failures.append(call)
        print(f"FAIL pydomo {call}: {error!r}")
        traceback.print_exc(file=sys.stderr)


state = {}


def make_member():
    request = CreateUserRequest()
    request.name = "Group Member"
    request.email = "group.member@example.com"
    request.role = "Participant"
    state["user"] = domo.users.create(request, False)["id"]
    return state["user"]


def create():
    request = CreateGroupRequest()
    request.name = "PyDomo Group"
    request.active = True
    request.default = False
    group = groups.create(request)
    assert group["name"] == "PyDomo Group" and group["active"] is True, group
    assert group["memberCount"] == 0, group
    state["group"] = group["id"]
    return f"id {group['id']}"


def get():
    group = groups.get(state["group"])
    assert group["id"] == state["group"] and group["default"] is False, group
    return group["name"]


def list_page():
    page = groups.list(500, 0)
    assert any(g["id"] == state["group"] for g in page), page
    assert [g["id"] for g in page] == sorted(g["id"] for g in page), page
    assert groups.list(500, 500) == []
    return f"{len(page)} groups"


def update():
    updated = groups.update(state["group"], {"name": "PyDomo Group Renamed", "active": True})
    assert updated["name"] == "PyDomo Group Renamed", updated
    return updated["name"]


def add_user():
    result = groups.add_user(state["group"], state["user"])
    assert result is None, result  # 204, no body
    groups.add_user(state["group"], state["user"])  # a second add is idempotent
    member_groups = domo.users.get(state["user"])["groups"]
    assert {"id": state["group"], "name": "PyDomo Group Renamed"} in member_groups, member_groups


def list_users():
    ids = groups.list_users(state["group"], 500, 0)
    assert ids == [state["user"]], ids
    assert groups.get(state["group"])["memberCount"] == 1
    return ids


def remove_user():
    assert groups.remove_user(state["group"], state["user"]) is None
    assert groups.list_users(state["group"], 500, 0) == []


def delete():
    assert groups.delete(state["group"]) is None
    try:
        groups.get(state["group"])
    except Exception as error:  # noqa: BLE001 - pydomo raises a bare Exception on non-200
        assert "not found" in str(error), error
        return "then get raises 404"
    raise AssertionError("the deleted group is still there")


def helpers():
    """pydomo's own helpers: groups_create (active 'true' as a string) with members, groups_list
    (pandas, pages of 500 until empty), groups_list_users and groups_delete (removes members first)."""
    created = domo.groups_create("PyDomo Helper Group", [state["user"]])
    assert domo.groups_list_users(created["id"]) == [state["user"]]
    frame = domo.groups_list()
    assert created["id"] in list(frame["id"]), frame
    assert domo.groups_get(created["id"])["memberCount"] == 1
    domo.groups_delete(created["id"])
    return f"{len(frame)} groups listed"


check("users.create (member for the group)", make_member)
check("groups.create", create)
check("groups.get", get)
check("groups.list", list_page)
check("groups.update", update)
check("groups.add_user", add_user)
check("groups.list_users", list_users)
check("groups.remove_user", remove_user)
check("groups.delete", delete)
check("groups_create/groups_list/groups_list_users/groups_delete helpers", helpers)

print(f"pydomo: {10 - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
