package admin

import (
	"context"
	"errors"
	"net/http"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// Error is the JSON body of every failed API request. Code is stable and
// meant for programs; Message is for people.
type Error struct {
	Code    string      `json:"code"`
	Message string      `json:"message"`
	Kind    domain.Kind `json:"kind,omitempty"`
	Key     string      `json:"key,omitempty"`
	Field   string      `json:"field,omitempty"`
	Status  int         `json:"-"`
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Stable error codes (the README's admin API paragraph lists them with
// their statuses). CodeInternal is every error the server has no code for:
// its text is logged, never sent.
const (
	CodeNotFound     = "not_found"
	CodeExists       = "exists"
	CodeInUse        = "in_use"
	CodeInvalid      = "invalid"
	CodeReadOnly     = "read_only"
	CodeUnavailable  = "unavailable"
	CodeUnauthorized = "unauthorized"
	CodeMisdirected  = "misdirected"
	CodeBadRequest   = "bad_request"
	CodeTooLarge     = "too_large"
	CodeInternal     = "internal"
)

// internalMessage is the whole message of every 500: the error's own text
// stays in the server's log.
const internalMessage = "internal error"

// toError maps an error from the store to an API error. An error with no
// stable code is CodeInternal with internalMessage, none of its own text.
func toError(err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	if tl := tooLarge(err); tl != nil {
		return tl
	}
	e := &Error{Message: err.Error()}
	var fe *domain.FieldError
	if errors.As(err, &fe) {
		e.Kind, e.Key, e.Field = fe.Kind, fe.Key, fe.Field
	}
	switch {
	case errors.Is(err, domain.ErrInvalid):
		e.Code, e.Status = CodeInvalid, http.StatusUnprocessableEntity
	case errors.Is(err, domain.ErrNotFound) && fe != nil:
		// A dangling reference: the request is wrong, not the URL.
		e.Code, e.Status = CodeInvalid, http.StatusUnprocessableEntity
	case errors.Is(err, domain.ErrNotFound):
		e.Code, e.Status = CodeNotFound, http.StatusNotFound
	case errors.Is(err, domain.ErrExists):
		e.Code, e.Status = CodeExists, http.StatusConflict
	case errors.Is(err, domain.ErrInUse):
		e.Code, e.Status = CodeInUse, http.StatusConflict
	case errors.Is(err, domain.ErrReadOnly):
		e.Code, e.Status = CodeReadOnly, http.StatusForbidden
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		e.Code, e.Status = CodeUnavailable, http.StatusServiceUnavailable
	default:
		return &Error{Code: CodeInternal, Message: internalMessage, Status: http.StatusInternalServerError}
	}
	return e
}

// badRequest is a CodeBadRequest error with msg.
func badRequest(msg string) *Error {
	return &Error{Code: CodeBadRequest, Message: msg, Status: http.StatusBadRequest}
}
