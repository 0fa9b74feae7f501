//go:build tools

// Package tools pins the Pulumi CLI as a dependency of this wrapper module so
// that `go build` can build it with the exact versions recorded in go.mod and
// go.sum (`go install pkg@version` refuses because pkg/go.mod has replace
// directives). This file is never compiled.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
