"""Domo's users are whatever users.yaml says.

Edit the file in a pull request, review `pulumi preview --diff`, merge, and `pulumi up` makes
Domo match. The native domo provider reads and validates the file when the program runs, so a
mistake fails the preview with file, line and field, before anything reaches Domo.
"""
import pulumi
import pulumi_domo as domo

config = pulumi.Config()

directory = domo.UserDirectory(
    "users",
    file="users.yaml",
    # Refuses a run that would delete most of the file's accounts (an emptied or truncated
    # file); `pulumi config set allowMassDeletion true` says it is meant, for one run.
    allow_mass_deletion=config.get_bool("allowMassDeletion") or False,
)

# Domo user id per (lowercased) email.
pulumi.export("userIds", directory.user_ids)
