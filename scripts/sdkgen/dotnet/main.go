// sdkgen/dotnet writes the .NET SDK (the C# generator left pkg/v3 after v3.206.0, so this
// module pins that version). Otherwise as ../main.go.
//
// sdkgen writes one language's SDK for a Pulumi package schema, with the code generators of
// github.com/pulumi/pulumi/pkg/v3 (the ones the Pulumi CLI's language hosts run for
// `pulumi package gen-sdk`). scripts/gen-sdks.mjs runs it: the CLI's gen-sdk asks a language
// host for GeneratePackage, and the hosts that build offline here (sdk/v3 v3.68.0) predate it.
//
//	go run . <schema.json> <dotnet> <out-dir>
package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noReferences loads no other package: the domo schema refers to none.
type noReferences struct{}

func (noReferences) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q; sdkgen loads no other package", pkg)
}

func (noReferences) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q; sdkgen loads no other package", d.Name)
}

func (noReferences) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema refers to package %q; sdkgen loads no other package", pkg)
}

func (noReferences) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema refers to package %q; sdkgen loads no other package", d.Name)
}

const tool = "pulumi-domo gen-sdks"

// The C# generator fetches the package logo over HTTP (the schema has no logoUrl, so Pulumi's);
// offline, every request it makes is answered with this placeholder icon instead.
//
//go:embed logo.png
var logo []byte

type localLogo struct{}

func (localLogo) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Request: req,
		Header: http.Header{"Content-Type": []string{"image/png"}},
		Body:   io.NopCloser(bytes.NewReader(logo)), ContentLength: int64(len(logo)),
	}, nil
}

func main() {
	http.DefaultTransport = localLogo{}
	http.DefaultClient.Transport = localLogo{}
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen <schema.json> <dotnet> <out-dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}

func run(schemaPath, language, outDir string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	loader := noReferences{}
	// BindSpec validates the spec against the metaschema and binds it, as gen-sdk does.
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("invalid schema: %v", diags)
	}
	var files map[string][]byte
	switch language {
	case "dotnet":
		files, err = dotnet.GeneratePackage(tool, pkg, nil, nil)
	default:
		return fmt.Errorf("unknown language %q (dotnet)", language)
	}
	if err != nil {
		return err
	}
	for name, content := range files {
		path := filepath.Join(outDir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}
