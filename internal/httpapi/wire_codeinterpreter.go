package httpapi

import (
	"bytes"
	"encoding/json"

	ci "github.com/agentcore-dev/agentcore/internal/codeinterpreter"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// Wire shapes of the Code Interpreter operations (control and data plane).

// listDoc is a member kept verbatim (certificates, filesystemConfigurations):
// absent, null, or a JSON array.
type listDoc = json.RawMessage

func checkList(member string, v listDoc) error {
	b := bytes.TrimSpace(v)
	if len(b) == 0 || string(b) == "null" || b[0] == '[' {
		return nil
	}
	return &errs.Error{Kind: errs.Invalid, Reason: errs.ReasonCannotParse, Field: member, Message: member + " must be a list"}
}

// ciNetworkConfiguration is CodeInterpreterNetworkConfiguration.
type ciNetworkConfiguration struct {
	NetworkMode string          `json:"networkMode"`
	VpcConfig   json.RawMessage `json:"vpcConfig,omitempty"`
}

// Control plane

type createCodeInterpreterInput struct {
	Name                     string                  `json:"name" required:"true"`
	Description              string                  `json:"description"`
	ExecutionRoleArn         string                  `json:"executionRoleArn"`
	NetworkConfiguration     *ciNetworkConfiguration `json:"networkConfiguration" required:"true"`
	Certificates             listDoc                 `json:"certificates"`
	FilesystemConfigurations listDoc                 `json:"filesystemConfigurations"`
	Tags                     map[string]string       `json:"tags"`
	ClientToken              string                  `json:"clientToken"`
}

func (in *createCodeInterpreterInput) validate() error {
	if err := checkList("certificates", in.Certificates); err != nil {
		return err
	}
	if err := checkList("filesystemConfigurations", in.FilesystemConfigurations); err != nil {
		return err
	}
	return tagging.Validate(in.Tags)
}

func (in *createCodeInterpreterInput) domain() ci.CreateInput {
	nc := in.NetworkConfiguration
	vpc := len(bytes.TrimSpace(nc.VpcConfig)) > 0 && string(bytes.TrimSpace(nc.VpcConfig)) != "null"
	return ci.CreateInput{Name: in.Name, Description: in.Description, ExecutionRoleArn: in.ExecutionRoleArn,
		NetworkMode: nc.NetworkMode, VPC: vpc, Certificates: optRaw(in.Certificates),
		FilesystemConfigurations: optRaw(in.FilesystemConfigurations), Tags: in.Tags}
}

type createCodeInterpreterOutput struct {
	CodeInterpreterArn string  `json:"codeInterpreterArn"`
	CodeInterpreterID  string  `json:"codeInterpreterId"`
	CreatedAt          awsTime `json:"createdAt"`
	Status             string  `json:"status"`
}

type codeInterpreterPath struct {
	CodeInterpreterID string `json:"-" path:"codeInterpreterId"`
}

type deleteCodeInterpreterInput struct {
	codeInterpreterPath
	ClientToken string `json:"-" query:"clientToken"`
}

type deleteCodeInterpreterOutput struct {
	CodeInterpreterID string  `json:"codeInterpreterId"`
	LastUpdatedAt     awsTime `json:"lastUpdatedAt"`
	Status            string  `json:"status"`
}

// codeInterpreterDoc is GetCodeInterpreter's body.
type codeInterpreterDoc struct {
	CodeInterpreterArn       string                 `json:"codeInterpreterArn"`
	CodeInterpreterID        string                 `json:"codeInterpreterId"`
	Name                     string                 `json:"name"`
	Description              string                 `json:"description,omitempty"`
	ExecutionRoleArn         string                 `json:"executionRoleArn,omitempty"`
	NetworkConfiguration     ciNetworkConfiguration `json:"networkConfiguration"`
	Certificates             listDoc                `json:"certificates,omitempty"`
	FilesystemConfigurations listDoc                `json:"filesystemConfigurations,omitempty"`
	Status                   string                 `json:"status"`
	FailureReason            string                 `json:"failureReason,omitempty"`
	CreatedAt                awsTime                `json:"createdAt"`
	LastUpdatedAt            awsTime                `json:"lastUpdatedAt"`
}

func codeInterpreterDocOf(it *ci.Interpreter) *codeInterpreterDoc {
	return &codeInterpreterDoc{CodeInterpreterArn: it.ARN, CodeInterpreterID: it.ID, Name: it.Name, Description: it.Description,
		ExecutionRoleArn: it.ExecutionRoleArn, NetworkConfiguration: ciNetworkConfiguration{NetworkMode: it.NetworkMode},
		Certificates: optRaw(it.Certificates), FilesystemConfigurations: optRaw(it.FilesystemConfigurations),
		Status: it.Status, FailureReason: it.FailureReason, CreatedAt: awsTime(it.CreatedAt), LastUpdatedAt: awsTime(it.UpdatedAt)}
}

type listCodeInterpretersInput struct {
	listQuery
	Type string `json:"-" query:"type"`
}

type codeInterpreterSummary struct {
	CodeInterpreterArn string  `json:"codeInterpreterArn"`
	CodeInterpreterID  string  `json:"codeInterpreterId"`
	Name               string  `json:"name"`
	Description        string  `json:"description,omitempty"`
	Status             string  `json:"status"`
	CreatedAt          awsTime `json:"createdAt"`
	LastUpdatedAt      awsTime `json:"lastUpdatedAt"`
}

func codeInterpreterSummaryOf(it *ci.Interpreter) codeInterpreterSummary {
	return codeInterpreterSummary{CodeInterpreterArn: it.ARN, CodeInterpreterID: it.ID, Name: it.Name, Description: it.Description,
		Status: it.Status, CreatedAt: awsTime(it.CreatedAt), LastUpdatedAt: awsTime(it.UpdatedAt)}
}

type listCodeInterpretersOutput struct {
	CodeInterpreterSummaries []codeInterpreterSummary `json:"codeInterpreterSummaries"`
	NextToken                *string                  `json:"nextToken,omitempty"`
}

// Data plane

type ciIdentifierPath struct {
	CodeInterpreterIdentifier string `json:"-" path:"codeInterpreterIdentifier"`
}

type startCodeInterpreterSessionInput struct {
	ciIdentifierPath
	Name                     string  `json:"name"`
	SessionTimeoutSeconds    *int    `json:"sessionTimeoutSeconds"`
	Certificates             listDoc `json:"certificates"`
	FilesystemConfigurations listDoc `json:"filesystemConfigurations"`
	ClientToken              string  `json:"clientToken"`
}

func (in *startCodeInterpreterSessionInput) validate() error {
	if err := checkList("certificates", in.Certificates); err != nil {
		return err
	}
	return checkList("filesystemConfigurations", in.FilesystemConfigurations)
}

type startCodeInterpreterSessionOutput struct {
	CodeInterpreterIdentifier string  `json:"codeInterpreterIdentifier"`
	SessionID                 string  `json:"sessionId"`
	CreatedAt                 awsTime `json:"createdAt"`
}

type ciSessionInput struct {
	ciIdentifierPath
	SessionID string `json:"-" query:"sessionId" required:"true"`
}

type getCodeInterpreterSessionOutput struct {
	CodeInterpreterIdentifier string  `json:"codeInterpreterIdentifier"`
	SessionID                 string  `json:"sessionId"`
	Name                      string  `json:"name,omitempty"`
	Status                    string  `json:"status"`
	SessionTimeoutSeconds     int     `json:"sessionTimeoutSeconds"`
	Certificates              listDoc `json:"certificates,omitempty"`
	FilesystemConfigurations  listDoc `json:"filesystemConfigurations,omitempty"`
	CreatedAt                 awsTime `json:"createdAt"`
}

type stopCodeInterpreterSessionInput struct {
	ciSessionInput
	ClientToken string `json:"clientToken"`
}

type stopCodeInterpreterSessionOutput struct {
	CodeInterpreterIdentifier string  `json:"codeInterpreterIdentifier"`
	SessionID                 string  `json:"sessionId"`
	LastUpdatedAt             awsTime `json:"lastUpdatedAt"`
}

type listCodeInterpreterSessionsInput struct {
	ciIdentifierPath
	pageInput
	Status string `json:"status"`
}

type ciSessionSummary struct {
	CodeInterpreterIdentifier string  `json:"codeInterpreterIdentifier"`
	SessionID                 string  `json:"sessionId"`
	Name                      string  `json:"name,omitempty"`
	Status                    string  `json:"status"`
	CreatedAt                 awsTime `json:"createdAt"`
	LastUpdatedAt             awsTime `json:"lastUpdatedAt"`
}

func ciSessionSummaryOf(s *ci.Session) ciSessionSummary {
	return ciSessionSummary{CodeInterpreterIdentifier: s.InterpreterID, SessionID: s.ID, Name: s.Name, Status: s.Status,
		CreatedAt: awsTime(s.CreatedAt), LastUpdatedAt: awsTime(s.UpdatedAt)}
}

type listCodeInterpreterSessionsOutput struct {
	Items     []ciSessionSummary `json:"items"`
	NextToken *string            `json:"nextToken,omitempty"`
}

// invokeCodeInterpreterInput is InvokeCodeInterpreter's request: the
// session header and the tool call (name, arguments) as the JSON body.
type invokeCodeInterpreterInput struct {
	ciIdentifierPath
	SessionID string `json:"-" header:"X-Amzn-Code-Interpreter-Session-Id"`
	ci.ToolRequest
}

func (in *invokeCodeInterpreterInput) validate() error {
	if in.Name == "" {
		return errs.Field("name", "name is required")
	}
	return nil
}
