package domain

import (
	"errors"
	"fmt"
	"time"
)

// ErrorCode classifies a domain error; the API layer maps each code to one transport code.
type ErrorCode string

// The error codes.
const (
	// EInvalid means the request is malformed or breaks a rule.
	EInvalid ErrorCode = "invalid"
	// EUnauthenticated means the caller presented no valid credential.
	EUnauthenticated ErrorCode = "unauthenticated"
	// EPermission means the caller's credential may not do this.
	EPermission ErrorCode = "permission_denied"
	// ENotFound means the resource does not exist in the caller's account.
	ENotFound ErrorCode = "not_found"
	// EConflict means the resource already exists.
	EConflict ErrorCode = "conflict"
	// EFailedPrecondition means the resource is not in a state that allows this.
	EFailedPrecondition ErrorCode = "failed_precondition"
	// ERateLimited means the caller must slow down.
	ERateLimited ErrorCode = "rate_limited"
	// EUnavailable means a dependency is down; retrying later may work.
	EUnavailable ErrorCode = "unavailable"
	// EInternal means something broke inside Tandem.
	EInternal ErrorCode = "internal"
)

// Error is an error a caller can act on: a code and a message written for a person.
type Error struct {
	// Code classifies the error.
	Code ErrorCode
	// Message says what went wrong and what to do about it.
	Message string
	// RetryAfter, for ERateLimited and EUnavailable, says when a retry may succeed.
	RetryAfter time.Duration
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the first *Error in err's chain, or EInternal.
func CodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}
