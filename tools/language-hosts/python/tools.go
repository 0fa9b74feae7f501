//go:build tools

// Package tools pins the Python language host. Its own Go module
// (sdk/python/cmd/pulumi-language-python/v3) is not served by the module proxy
// this project can reach, so it is built from an sdk/v3 release that still
// carried it as a package, v3.68.0 (the release the Node.js host is built from).
// The host starts the program with the virtualenv's python and the project's own
// `pulumi` Python SDK; it also needs pulumi-language-python-exec beside it,
// which ensure-hosts.sh copies from the same module.
package tools

import _ "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python"
