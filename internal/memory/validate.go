package memory

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// Documented limits (docs/memory.md).
const (
	MaxNameLen          = 48
	MaxDescriptionLen   = 4096
	MinExpiryDays       = 3
	MaxExpiryDays       = 365
	MaxStrategies       = 6
	MaxPayloadItems     = 100
	MaxMessageChars     = 100_000 // one conversational message
	MaxBlobBytes        = 100_000 // one blob payload, as JSON
	MaxEventBytes       = 1 << 20 // all payloads of one event
	MaxMetadataKeys     = 15
	MaxMetadataValueLen = 256
	MaxRecordChars      = 32_000 // one memory record's text
	MaxBatchRecords     = 100
	MaxTopK             = 100
	MaxNamespaceLen     = 1024
	MaxQueryChars       = 10_000
)

var (
	memoryNameRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,47}$`)
	memoryIDRE   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9]{10}$`)
	strategyRE   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,47}$`)
	strategyIDRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9-_]{0,99}$`)
	actorIDRE    = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9-_/]*(?::[a-zA-Z0-9-_/]+)*[a-zA-Z0-9-_/]*$`)
	sessionIDRE  = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9-_]*$`)
	eventIDRE    = regexp.MustCompile(`^[0-9]+#[a-fA-F0-9]+$`)
	recordIDRE   = regexp.MustCompile(`^mem-[a-zA-Z0-9-_]{36,46}$`)
	namespaceRE  = regexp.MustCompile(`^[a-zA-Z0-9/*][a-zA-Z0-9-_/*]*(?::[a-zA-Z0-9-_/*]+)*[a-zA-Z0-9-_/*]*$`)
	templateVar  = regexp.MustCompile(`\{([^}]*)\}`)
	metaKeyRE    = regexp.MustCompile(`^[a-zA-Z0-9_.:-]{1,128}$`)
)

// ValidateMemoryID checks a memory id label.
func ValidateMemoryID(id string) error {
	if !memoryIDRE.MatchString(id) {
		return errs.Field("memoryId", "memoryId %q is not a valid memory id", trunc(id))
	}
	return nil
}

func validateActorSession(actorID, sessionID string) error {
	if len(actorID) == 0 || len(actorID) > 255 || !actorIDRE.MatchString(actorID) {
		return errs.Field("actorId", "actorId %q must be 1-255 letters, digits, '-', '_', '/' or ':'", trunc(actorID))
	}
	if len(sessionID) == 0 || len(sessionID) > 100 || !sessionIDRE.MatchString(sessionID) {
		return errs.Field("sessionId", "sessionId %q must be 1-100 letters, digits, '-' or '_'", trunc(sessionID))
	}
	return nil
}

func validateEventID(id string) error {
	if !eventIDRE.MatchString(id) || len(id) > 64 {
		return errs.Field("eventId", "eventId %q is not a valid event id", trunc(id))
	}
	return nil
}

func validateRecordID(id string) error {
	if !recordIDRE.MatchString(id) {
		return errs.Field("memoryRecordId", "memoryRecordId %q is not a valid memory record id", trunc(id))
	}
	return nil
}

// ValidateNamespace checks a concrete namespace (a record's or a filter's).
func ValidateNamespace(field, ns string) error {
	if ns == "" || len(ns) > MaxNamespaceLen || !namespaceRE.MatchString(ns) {
		return errs.Field(field, "%s %q must be 1-%d characters of letters, digits, '-', '_', '/', '*' or ':'", field, trunc(ns), MaxNamespaceLen)
	}
	return nil
}

// validateTemplate checks a namespace template: a namespace whose variables
// are {actorId}, {sessionId}, {memoryStrategyId} or {strategyId}.
func validateTemplate(tmpl string) error {
	for _, m := range templateVar.FindAllStringSubmatch(tmpl, -1) {
		switch m[1] {
		case "actorId", "sessionId", "memoryStrategyId", "strategyId":
		default:
			return errs.Field("namespaces", "namespace template %q uses unknown variable {%s}; use {actorId}, {sessionId} or {memoryStrategyId}", trunc(tmpl), m[1])
		}
	}
	concrete := templateVar.ReplaceAllString(tmpl, "x")
	if strings.ContainsAny(concrete, "{}") {
		return errs.Field("namespaces", "namespace template %q has unbalanced braces", trunc(tmpl))
	}
	return ValidateNamespace("namespaces", concrete)
}

func validateMetadata(md map[string]MetadataValue) error {
	if len(md) > MaxMetadataKeys {
		return errs.Field("metadata", "metadata has %d keys; at most %d are allowed", len(md), MaxMetadataKeys)
	}
	for k, v := range md {
		if !metaKeyRE.MatchString(k) {
			return errs.Field("metadata", "metadata key %q must be 1-128 letters, digits, '_', '.', ':' or '-'", trunc(k))
		}
		if v.StringValue == nil {
			return errs.Field("metadata", "metadata %q needs a stringValue", k)
		}
		if utf8.RuneCountInString(*v.StringValue) > MaxMetadataValueLen {
			return errs.Field("metadata", "metadata %q value is longer than %d characters", k, MaxMetadataValueLen)
		}
	}
	return nil
}

func validateRecordMetadata(md map[string]RecordMetadataValue) error {
	if len(md) > MaxMetadataKeys {
		return errs.Field("metadata", "metadata has %d keys; at most %d are allowed", len(md), MaxMetadataKeys)
	}
	for k, v := range md {
		if !metaKeyRE.MatchString(k) {
			return errs.Field("metadata", "metadata key %q must be 1-128 letters, digits, '_', '.', ':' or '-'", trunc(k))
		}
		n := 0
		if v.StringValue != nil {
			n++
			if utf8.RuneCountInString(*v.StringValue) > MaxMetadataValueLen {
				return errs.Field("metadata", "metadata %q value is longer than %d characters", k, MaxMetadataValueLen)
			}
		}
		if v.NumberValue != nil {
			n++
		}
		if v.StringListValue != nil {
			n++
		}
		if v.DateTimeValue != nil {
			n++
		}
		if n != 1 {
			return errs.Field("metadata", "metadata %q must set exactly one of stringValue, numberValue, stringListValue, dateTimeValue", k)
		}
	}
	return nil
}

func trunc(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
