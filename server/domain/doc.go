// Package domain holds Tandem's entities, roles and errors: the vocabulary every other
// package shares. It knows nothing of protobuf, Connect or SQL.
package domain
