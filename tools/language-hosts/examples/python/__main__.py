"""Trivial program that proves the Python language host runs a program."""

import pulumi

pulumi.export("greeting", " ".join(["hello", "from", "python"]))
pulumi.export("answer", 6 * 7)
