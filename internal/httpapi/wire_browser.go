package httpapi

import (
	"bytes"
	"encoding/json"

	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// Wire shapes of the Browser control plane (browsers, browser profiles).
// The data plane's are in wire_browser_sessions.go.

type browserNetworkConfiguration struct {
	NetworkMode string          `json:"networkMode"`
	VpcConfig   json.RawMessage `json:"vpcConfig,omitempty"`
}

type s3Location struct {
	Bucket    string `json:"bucket"`
	Prefix    string `json:"prefix"`
	VersionID string `json:"versionId,omitempty"`
}

// recordingConfig is RecordingConfig.
type recordingConfig struct {
	Enabled    bool        `json:"enabled"`
	S3Location *s3Location `json:"s3Location,omitempty"`
}

func (r *recordingConfig) domain() *browser.RecordingConfig {
	if r == nil {
		return nil
	}
	out := &browser.RecordingConfig{Enabled: r.Enabled}
	if r.S3Location != nil {
		out.Bucket, out.Prefix = r.S3Location.Bucket, r.S3Location.Prefix
	}
	return out
}

func recordingOf(r *browser.RecordingConfig) *recordingConfig {
	if r == nil {
		return nil
	}
	out := &recordingConfig{Enabled: r.Enabled}
	if r.Bucket != "" {
		out.S3Location = &s3Location{Bucket: r.Bucket, Prefix: r.Prefix}
	}
	return out
}

type browserSigning struct {
	Enabled *bool `json:"enabled"`
}

type createBrowserInput struct {
	Name                     string                       `json:"name" required:"true"`
	Description              string                       `json:"description"`
	ExecutionRoleArn         string                       `json:"executionRoleArn"`
	NetworkConfiguration     *browserNetworkConfiguration `json:"networkConfiguration" required:"true"`
	Recording                *recordingConfig             `json:"recording"`
	BrowserSigning           *browserSigning              `json:"browserSigning"`
	Certificates             listDoc                      `json:"certificates"`
	EnterprisePolicies       listDoc                      `json:"enterprisePolicies"`
	FilesystemConfigurations listDoc                      `json:"filesystemConfigurations"`
	Tags                     map[string]string            `json:"tags"`
	ClientToken              string                       `json:"clientToken"`
}

func (in *createBrowserInput) validate() error {
	for member, v := range map[string]listDoc{"certificates": in.Certificates, "enterprisePolicies": in.EnterprisePolicies,
		"filesystemConfigurations": in.FilesystemConfigurations} {
		if err := checkList(member, v); err != nil {
			return err
		}
	}
	if in.BrowserSigning != nil && in.BrowserSigning.Enabled == nil {
		return errs.Field("browserSigning.enabled", "browserSigning.enabled is required")
	}
	if s := in.Recording; s != nil && s.S3Location != nil && (s.S3Location.Bucket == "" || s.S3Location.Prefix == "") {
		return errs.Field("recording.s3Location", "recording.s3Location needs bucket and prefix")
	}
	return tagging.Validate(in.Tags)
}

func (in *createBrowserInput) domain() browser.CreateInput {
	nc := in.NetworkConfiguration
	vpc := len(bytes.TrimSpace(nc.VpcConfig)) > 0 && string(bytes.TrimSpace(nc.VpcConfig)) != "null"
	out := browser.CreateInput{Name: in.Name, Description: in.Description, ExecutionRoleArn: in.ExecutionRoleArn,
		NetworkMode: nc.NetworkMode, VPC: vpc, Recording: in.Recording.domain(),
		Certificates: optRaw(in.Certificates), EnterprisePolicies: optRaw(in.EnterprisePolicies),
		FilesystemConfigurations: optRaw(in.FilesystemConfigurations), Tags: in.Tags}
	if in.BrowserSigning != nil {
		out.Signing = in.BrowserSigning.Enabled
	}
	return out
}

type createBrowserOutput struct {
	BrowserArn string  `json:"browserArn"`
	BrowserID  string  `json:"browserId"`
	CreatedAt  awsTime `json:"createdAt"`
	Status     string  `json:"status"`
}

type browserPath struct {
	BrowserID string `json:"-" path:"browserId"`
}

type deleteBrowserInput struct {
	browserPath
	ClientToken string `json:"-" query:"clientToken"`
}

type deleteBrowserOutput struct {
	BrowserID     string  `json:"browserId"`
	LastUpdatedAt awsTime `json:"lastUpdatedAt"`
	Status        string  `json:"status"`
}

// browserDoc is GetBrowser's body.
type browserDoc struct {
	BrowserArn               string                      `json:"browserArn"`
	BrowserID                string                      `json:"browserId"`
	Name                     string                      `json:"name"`
	Description              string                      `json:"description,omitempty"`
	ExecutionRoleArn         string                      `json:"executionRoleArn,omitempty"`
	NetworkConfiguration     browserNetworkConfiguration `json:"networkConfiguration"`
	Recording                *recordingConfig            `json:"recording,omitempty"`
	BrowserSigning           *browserSigning             `json:"browserSigning,omitempty"`
	Certificates             listDoc                     `json:"certificates,omitempty"`
	EnterprisePolicies       listDoc                     `json:"enterprisePolicies,omitempty"`
	FilesystemConfigurations listDoc                     `json:"filesystemConfigurations,omitempty"`
	Status                   string                      `json:"status"`
	FailureReason            string                      `json:"failureReason,omitempty"`
	CreatedAt                awsTime                     `json:"createdAt"`
	LastUpdatedAt            awsTime                     `json:"lastUpdatedAt"`
}

func browserDocOf(b *browser.Browser) *browserDoc {
	d := &browserDoc{BrowserArn: b.ARN, BrowserID: b.ID, Name: b.Name, Description: b.Description, ExecutionRoleArn: b.ExecutionRoleArn,
		NetworkConfiguration: browserNetworkConfiguration{NetworkMode: b.NetworkMode}, Recording: recordingOf(b.Recording),
		Certificates: optRaw(b.Certificates), EnterprisePolicies: optRaw(b.EnterprisePolicies),
		FilesystemConfigurations: optRaw(b.FilesystemConfigurations), Status: b.Status, FailureReason: b.FailureReason,
		CreatedAt: awsTime(b.CreatedAt), LastUpdatedAt: awsTime(b.UpdatedAt)}
	if b.Signing != nil {
		d.BrowserSigning = &browserSigning{Enabled: b.Signing}
	}
	return d
}

type listBrowsersInput struct {
	listQuery
	Type string `json:"-" query:"type"`
}

type browserSummary struct {
	BrowserArn    string  `json:"browserArn"`
	BrowserID     string  `json:"browserId"`
	Name          string  `json:"name"`
	Description   string  `json:"description,omitempty"`
	Status        string  `json:"status"`
	CreatedAt     awsTime `json:"createdAt"`
	LastUpdatedAt awsTime `json:"lastUpdatedAt"`
}

func browserSummaryOf(b *browser.Browser) browserSummary {
	return browserSummary{BrowserArn: b.ARN, BrowserID: b.ID, Name: b.Name, Description: b.Description, Status: b.Status,
		CreatedAt: awsTime(b.CreatedAt), LastUpdatedAt: awsTime(b.UpdatedAt)}
}

type listBrowsersOutput struct {
	BrowserSummaries []browserSummary `json:"browserSummaries"`
	NextToken        *string          `json:"nextToken,omitempty"`
}

// Browser profiles

type createBrowserProfileInput struct {
	Name        string            `json:"name" required:"true"`
	Description string            `json:"description"`
	Tags        map[string]string `json:"tags"`
	ClientToken string            `json:"clientToken"`
}

func (in *createBrowserProfileInput) validate() error { return tagging.Validate(in.Tags) }

type createBrowserProfileOutput struct {
	CreatedAt  awsTime `json:"createdAt"`
	ProfileArn string  `json:"profileArn"`
	ProfileID  string  `json:"profileId"`
	Status     string  `json:"status"`
}

type profilePath struct {
	ProfileID string `json:"-" path:"profileId"`
}

type deleteBrowserProfileInput struct {
	profilePath
	ClientToken string `json:"-" query:"clientToken"`
}

type deleteBrowserProfileOutput struct {
	LastSavedAt   *awsTime `json:"lastSavedAt,omitempty"`
	LastUpdatedAt awsTime  `json:"lastUpdatedAt"`
	ProfileArn    string   `json:"profileArn"`
	ProfileID     string   `json:"profileId"`
	Status        string   `json:"status"`
}

// browserProfileDoc is GetBrowserProfile's body and a list summary.
type browserProfileDoc struct {
	ProfileArn                string   `json:"profileArn"`
	ProfileID                 string   `json:"profileId"`
	Name                      string   `json:"name"`
	Description               string   `json:"description,omitempty"`
	Status                    string   `json:"status"`
	CreatedAt                 awsTime  `json:"createdAt"`
	LastUpdatedAt             awsTime  `json:"lastUpdatedAt"`
	LastSavedAt               *awsTime `json:"lastSavedAt,omitempty"`
	LastSavedBrowserID        string   `json:"lastSavedBrowserId,omitempty"`
	LastSavedBrowserSessionID string   `json:"lastSavedBrowserSessionId,omitempty"`
}

func browserProfileDocOf(p *browser.Profile) browserProfileDoc {
	return browserProfileDoc{ProfileArn: p.ARN, ProfileID: p.ID, Name: p.Name, Description: p.Description, Status: p.Status,
		CreatedAt: awsTime(p.CreatedAt), LastUpdatedAt: awsTime(p.UpdatedAt), LastSavedAt: optTime(p.LastSavedAt),
		LastSavedBrowserID: p.LastSavedBrowserID, LastSavedBrowserSessionID: p.LastSavedSessionID}
}

type listBrowserProfilesInput struct {
	listQuery
	Name string `json:"name"`
}

type listBrowserProfilesOutput struct {
	ProfileSummaries []browserProfileDoc `json:"profileSummaries"`
	NextToken        *string             `json:"nextToken,omitempty"`
}
