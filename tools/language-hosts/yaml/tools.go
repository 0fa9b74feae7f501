//go:build tools

// Package tools pins the YAML language host, github.com/pulumi/pulumi-yaml
// v1.25.0 (served by the Go module proxy). A YAML program needs nothing else.
package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
