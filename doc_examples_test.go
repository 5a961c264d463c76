package ecsdeploy_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// Every Example function of the packages a user reads appears on its
// documentation page (go/doc attaches it to the package, a type, a
// function or a method), and the root package doc starts with where to
// start.
func TestEveryExampleAppearsOnThePackagePage(t *testing.T) {
	for _, dir := range []string{".", "fake", "fake/faketest", "examples/unittest"} {
		fset := token.NewFileSet()
		paths, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		var files []*ast.File
		for _, p := range paths {
			f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		pkg, err := doc.NewFromFiles(fset, files, "example.com/"+dir)
		if err != nil {
			t.Fatal(err)
		}
		shown := map[string]bool{}
		mark := func(exs []*doc.Example) {
			for _, ex := range exs {
				shown["Example"+ex.Name] = true
				if ex.Name == "" {
					shown["Example"] = true
				}
			}
		}
		mark(pkg.Examples)
		for _, f := range pkg.Funcs {
			mark(f.Examples)
		}
		for _, ty := range pkg.Types {
			mark(ty.Examples)
			for _, f := range ty.Funcs {
				mark(f.Examples)
			}
			for _, m := range ty.Methods {
				mark(m.Examples)
			}
		}
		var all []string
		for _, f := range files {
			for _, ex := range doc.Examples(f) {
				all = append(all, "Example"+ex.Name)
			}
		}
		for _, name := range all {
			if !shown[strings.TrimSuffix(name, "_")] && !shown[name] {
				t.Errorf("%s: %s is not attached to anything on the package page", dir, name)
			}
		}
		if dir == "." {
			if len(all) < 10 {
				t.Errorf("only %d examples found in the root package", len(all))
			}
			if !strings.HasPrefix(pkg.Doc, "Package ecsdeploy") || !strings.Contains(pkg.Doc[:600], "Where to start") {
				t.Errorf("root package doc does not start with where to start:\n%.600s", pkg.Doc)
			}
			for _, ex := range []string{"Example_platformTool", "Example_unitTestWithFake", "Example_deployScript"} {
				if !shown[ex] {
					t.Errorf("%s missing", ex)
				}
			}
		}
	}
}
