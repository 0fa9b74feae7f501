//go:build tools

// Package tools pins the Node.js language host. Its own Go module
// (sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not served by the module proxy
// this project can reach, so it is built from the last sdk/v3 release that still
// carried it as a package, v3.68.0. It speaks the same LanguageRuntime protocol
// the v3.276.0 engine uses and launches the project's own @pulumi/pulumi
// (`@pulumi/pulumi/cmd/run`), so programs run on the current Node.js SDK.
package tools

import _ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
