"""Runs the official Python SDK's user calls, unmodified, against the emulator.

Usage (the emulator's command prints the values):
    python3 -m venv .venv && .venv/bin/pip install pydomo
    DOMO_HOST=127.0.0.1:PORT DOMO_CLIENT_ID=... DOMO_CLIENT_SECRET=... .venv/bin/python pydomo_users.py
"""
import os

from pydomo import Domo
from pydomo.users import CreateUserRequest

domo = Domo(os.environ["DOMO_CLIENT_ID"], os.environ["DOMO_CLIENT_SECRET"],
            api_host=os.environ["DOMO_HOST"], use_https=False)
users = domo.users

request = CreateUserRequest()
request.name = "Py Domo"
request.email = "Py.Domo@Example.com"
request.role = "Participant"
created = users.create(request, True)
print("create:", created["id"], created["email"])

fetched = users.get(created["id"])
assert fetched["email"] == "py.domo@example.com", fetched

update = CreateUserRequest()
update.name = "Py Domo Updated"
update.email = fetched["email"]
update.role = "Editor"
updated = users.update(created["id"], update)
assert updated["role"] == "Editor", updated
print("update:", updated["name"], updated["role"])

listed = list(users.list_all(df_output=False))
assert any(u["id"] == created["id"] for u in listed), listed
print("list_all:", len(listed), "users")

page = users.list(10, 0)
print("list page:", len(page))

users.delete(created["id"])
print("delete: ok")
gone = users.get(created["id"])
print("after delete:", gone.get("deleted"))
