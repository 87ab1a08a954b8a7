// Package client is the onair API's Go client, generated with oapi-codegen from the
// OpenAPI document the API serves (openapi.json here is a copy of it). Do not edit
// client.gen.go: change the routes in api/ and run go generate ./client; the drift test
// fails until both files match what the API documents.
package client

//go:generate go run ./specgen openapi.json
//go:generate go tool oapi-codegen -config oapi-codegen.yaml openapi.json
