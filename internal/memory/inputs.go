package memory

import "encoding/json"

// CreateMemoryInput is the CreateMemory request body.
type CreateMemoryInput struct {
	Name                string            `json:"name"`
	Description         string            `json:"description"`
	EncryptionKeyARN    string            `json:"encryptionKeyArn"`
	EventExpiryDuration *int              `json:"eventExpiryDuration"`
	ExecutionRoleARN    string            `json:"memoryExecutionRoleArn"`
	Strategies          []StrategyInput   `json:"memoryStrategies"`
	IndexedKeys         []IndexedKey      `json:"indexedKeys"`
	NamespaceKeys       json.RawMessage   `json:"namespaceKeys"`
	StreamDelivery      json.RawMessage   `json:"streamDeliveryResources"`
	Tags                map[string]string `json:"tags"`
}

// UpdateMemoryInput is the UpdateMemory request body.
type UpdateMemoryInput struct {
	Description         *string         `json:"description"`
	EventExpiryDuration *int            `json:"eventExpiryDuration"`
	ExecutionRoleARN    *string         `json:"memoryExecutionRoleArn"`
	AddIndexedKeys      []IndexedKey    `json:"addIndexedKeys"`
	NamespaceKeys       json.RawMessage `json:"namespaceKeys"`
	StreamDelivery      json.RawMessage `json:"streamDeliveryResources"`
	Strategies          *struct {
		Add    []StrategyInput       `json:"addMemoryStrategies"`
		Modify []ModifyStrategyInput `json:"modifyMemoryStrategies"`
		Delete []struct {
			ID string `json:"memoryStrategyId"`
		} `json:"deleteMemoryStrategies"`
	} `json:"memoryStrategies"`
}

// StrategyInput is the MemoryStrategyInput union.
type StrategyInput struct {
	Semantic       *BaseStrategyInput   `json:"semanticMemoryStrategy"`
	Summary        *BaseStrategyInput   `json:"summaryMemoryStrategy"`
	UserPreference *BaseStrategyInput   `json:"userPreferenceMemoryStrategy"`
	Episodic       *BaseStrategyInput   `json:"episodicMemoryStrategy"`
	Custom         *CustomStrategyInput `json:"customMemoryStrategy"`
}

// BaseStrategyInput holds the members every strategy input has.
type BaseStrategyInput struct {
	Name                      string          `json:"name"`
	Description               string          `json:"description"`
	Namespaces                []string        `json:"namespaces"`
	NamespaceTemplates        []string        `json:"namespaceTemplates"`
	MemoryRecordSchema        json.RawMessage `json:"memoryRecordSchema"`
	RecordExpirySpecification *RecordExpiry   `json:"recordExpirySpecification"`
	ReflectionConfiguration   *Override       `json:"reflectionConfiguration"`
}

// CustomStrategyInput is CustomMemoryStrategyInput.
type CustomStrategyInput struct {
	BaseStrategyInput
	Configuration *CustomConfigInput `json:"configuration"`
}

// CustomConfigInput is the CustomConfigurationInput union.
type CustomConfigInput struct {
	SemanticOverride       *OverrideSet `json:"semanticOverride"`
	SummaryOverride        *OverrideSet `json:"summaryOverride"`
	UserPreferenceOverride *OverrideSet `json:"userPreferenceOverride"`
	EpisodicOverride       *OverrideSet `json:"episodicOverride"`
	SelfManaged            *SelfManaged `json:"selfManagedConfiguration"`
}

// OverrideSet is a *OverrideConfigurationInput: per-step overrides.
type OverrideSet struct {
	Extraction    *Override `json:"extraction"`
	Consolidation *Override `json:"consolidation"`
	Reflection    *Override `json:"reflection"`
}

// RecordExpiry is the RecordExpirySpecification union.
type RecordExpiry struct {
	Action string `json:"action"`
	Days   int    `json:"recordExpiryDurationDays"`
}

// ModifyStrategyInput is ModifyMemoryStrategyInput.
type ModifyStrategyInput struct {
	StrategyID                string          `json:"memoryStrategyId"`
	Description               *string         `json:"description"`
	Namespaces                []string        `json:"namespaces"`
	NamespaceTemplates        []string        `json:"namespaceTemplates"`
	MemoryRecordSchema        json.RawMessage `json:"memoryRecordSchema"`
	RecordExpirySpecification *RecordExpiry   `json:"recordExpirySpecification"`
	Configuration             *StrategyConfig `json:"configuration"`
}

// CreateEventInput is the CreateEvent request body.
type CreateEventInput struct {
	ActorID        string                   `json:"actorId"`
	SessionID      string                   `json:"sessionId"`
	Timestamp      *Epoch                   `json:"eventTimestamp"`
	Payload        []Payload                `json:"payload"`
	Branch         *Branch                  `json:"branch"`
	Metadata       map[string]MetadataValue `json:"metadata"`
	ExtractionMode string                   `json:"extractionMode"`
}

// ListEventsInput is the ListEvents request (labels + body).
type ListEventsInput struct {
	ActorID         string
	SessionID       string
	IncludePayloads *bool  `json:"includePayloads"`
	MaxResults      int    `json:"maxResults"`
	NextToken       string `json:"nextToken"`
	Filter          *struct {
		Branch *struct {
			Name                  string `json:"name"`
			IncludeParentBranches bool   `json:"includeParentBranches"`
		} `json:"branch"`
		EventMetadata []struct {
			Left struct {
				MetadataKey string `json:"metadataKey"`
			} `json:"left"`
			Operator string `json:"operator"`
			Right    *struct {
				MetadataValue MetadataValue `json:"metadataValue"`
			} `json:"right"`
		} `json:"eventMetadata"`
	} `json:"filter"`
}

// MetadataFilter is MemoryMetadataFilterExpression.
type MetadataFilter struct {
	Left struct {
		MetadataKey string `json:"metadataKey"`
	} `json:"left"`
	Operator string `json:"operator"`
	Right    *struct {
		MetadataValue RecordMetadataValue `json:"metadataValue"`
	} `json:"right"`
}

// RecordQuery selects records for ListMemoryRecords / RetrieveMemoryRecords.
type RecordQuery struct {
	Namespace       string           `json:"namespace"`
	NamespacePath   string           `json:"namespacePath"`
	StrategyID      string           `json:"memoryStrategyId"`
	MetadataFilters []MetadataFilter `json:"metadataFilters"`
	MaxResults      int              `json:"maxResults"`
	NextToken       string           `json:"nextToken"`
	SearchCriteria  *struct {
		SearchQuery     string           `json:"searchQuery"`
		StrategyID      string           `json:"memoryStrategyId"`
		TopK            int              `json:"topK"`
		MetadataFilters []MetadataFilter `json:"metadataFilters"`
	} `json:"searchCriteria"`
}

// RecordCreate is MemoryRecordCreateInput.
type RecordCreate struct {
	RequestIdentifier string                         `json:"requestIdentifier"`
	Content           *Content                       `json:"content"`
	StrategyID        string                         `json:"memoryStrategyId"`
	Namespaces        []string                       `json:"namespaces"`
	Metadata          map[string]RecordMetadataValue `json:"metadata"`
	Timestamp         *Epoch                         `json:"timestamp"`
}

// RecordUpdate is MemoryRecordUpdateInput.
type RecordUpdate struct {
	MemoryRecordID string                         `json:"memoryRecordId"`
	Content        *Content                       `json:"content"`
	StrategyID     string                         `json:"memoryStrategyId"`
	Namespaces     []string                       `json:"namespaces"`
	Metadata       map[string]RecordMetadataValue `json:"metadata"`
	Timestamp      *Epoch                         `json:"timestamp"`
}

// RecordResult is MemoryRecordOutput.
type RecordResult struct {
	MemoryRecordID    string `json:"memoryRecordId"`
	RequestIdentifier string `json:"requestIdentifier,omitempty"`
	Status            string `json:"status"`
	ErrorCode         int    `json:"errorCode,omitempty"`
	ErrorMessage      string `json:"errorMessage,omitempty"`
}
