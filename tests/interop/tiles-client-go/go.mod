module github.com/docket/docket/tests/interop/tiles-client-go

go 1.26.0

require golang.org/x/mod v0.42.0
