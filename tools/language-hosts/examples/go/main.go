// Trivial program that proves the Go language host runs a program.
package main

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		ctx.Export("greeting", pulumi.String(strings.Join([]string{"hello", "from", "go"}, " ")))
		ctx.Export("answer", pulumi.Int(6*7))
		return nil
	})
}
