package domain

import "time"

// SkillRequest is a brand's description of visitor questions no skill covers.
type SkillRequest struct {
	// AccountID is the owning account.
	AccountID string
	// ID identifies the request.
	ID string
	// Description says what the brand wants covered.
	Description string
	// ExampleQuestions are visitor questions the skill should answer.
	ExampleQuestions []string
	// RequestedBy is who asked.
	RequestedBy Actor
	// CreatedAt is when.
	CreatedAt time.Time
}
