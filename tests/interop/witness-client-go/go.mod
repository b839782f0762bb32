module github.com/docket/docket/tests/interop/witness-client-go

go 1.26.0

require golang.org/x/mod v0.42.0
