//go:build tools

// Package tools pins the Go language host. Its own Go module
// (sdk/go/pulumi-language-go/v3) is not served by the module proxy this project
// can reach, and sdk/v3 stopped carrying it as a package after v3.50.0, so it
// is built from sdk/v3 v3.50.0. The host only runs `go build`/`go run` on the
// program, which brings its own (current) Go SDK through its go.mod.
package tools

import _ "github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go"
