module github.com/libe2b/libe2b/tests/bench/go

go 1.22

require github.com/libe2b/libe2b/bindings/go v0.0.0

replace github.com/libe2b/libe2b/bindings/go => ../../../bindings/go
