module github.com/libe2b/libe2b/bindings/go

go 1.22
