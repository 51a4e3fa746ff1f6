package httpapi

import (
	"bytes"
	"encoding/json"

	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/errs"
)

// Wire shapes of the Browser data plane (sessions, streams, actions,
// profile saves).

type browserIdentifierPath struct {
	BrowserIdentifier string `json:"-" path:"browserIdentifier"`
}

type viewPortWire struct {
	Width  *int `json:"width"`
	Height *int `json:"height"`
}

type profileConfiguration struct {
	ProfileIdentifier string `json:"profileIdentifier"`
}

type startBrowserSessionInput struct {
	browserIdentifierPath
	Name                     string                `json:"name"`
	SessionTimeoutSeconds    *int                  `json:"sessionTimeoutSeconds"`
	ViewPort                 *viewPortWire         `json:"viewPort"`
	ProfileConfiguration     *profileConfiguration `json:"profileConfiguration"`
	ProxyConfiguration       objDoc                `json:"proxyConfiguration"`
	Extensions               listDoc               `json:"extensions"`
	EnterprisePolicies       listDoc               `json:"enterprisePolicies"`
	Certificates             listDoc               `json:"certificates"`
	FilesystemConfigurations listDoc               `json:"filesystemConfigurations"`
	ClientToken              string                `json:"clientToken"`
}

func (in *startBrowserSessionInput) validate() error {
	for member, v := range map[string]listDoc{"extensions": in.Extensions, "enterprisePolicies": in.EnterprisePolicies,
		"certificates": in.Certificates, "filesystemConfigurations": in.FilesystemConfigurations} {
		if err := checkList(member, v); err != nil {
			return err
		}
	}
	if err := checkObject("proxyConfiguration", in.ProxyConfiguration); err != nil {
		return err
	}
	if vp := in.ViewPort; vp != nil && (vp.Width == nil || vp.Height == nil) {
		return errs.Field("viewPort", "viewPort needs width and height")
	}
	if in.ProfileConfiguration != nil && in.ProfileConfiguration.ProfileIdentifier == "" {
		return errs.Field("profileConfiguration.profileIdentifier", "profileConfiguration.profileIdentifier is required")
	}
	return nil
}

func (in *startBrowserSessionInput) domain() browser.StartInput {
	out := browser.StartInput{Name: in.Name, TimeoutSeconds: in.SessionTimeoutSeconds, Extras: browser.SessionExtras{
		ProxyConfiguration: optRaw(in.ProxyConfiguration), Extensions: optRaw(in.Extensions),
		EnterprisePolicies: optRaw(in.EnterprisePolicies), Certificates: optRaw(in.Certificates),
		FilesystemConfigurations: optRaw(in.FilesystemConfigurations)}}
	if in.ViewPort != nil {
		out.ViewPort = &browser.ViewPort{Width: *in.ViewPort.Width, Height: *in.ViewPort.Height}
	}
	if in.ProfileConfiguration != nil {
		out.ProfileID = in.ProfileConfiguration.ProfileIdentifier
	}
	return out
}

// browserSessionStreams is BrowserSessionStream.
type browserSessionStreams struct {
	AutomationStream automationStream `json:"automationStream"`
	LiveViewStream   *liveViewStream  `json:"liveViewStream,omitempty"`
}

type automationStream struct {
	StreamEndpoint string `json:"streamEndpoint"`
	StreamStatus   string `json:"streamStatus"`
}

type liveViewStream struct {
	StreamEndpoint string `json:"streamEndpoint,omitempty"`
}

type startBrowserSessionOutput struct {
	BrowserIdentifier string                 `json:"browserIdentifier"`
	SessionID         string                 `json:"sessionId"`
	CreatedAt         awsTime                `json:"createdAt"`
	Streams           *browserSessionStreams `json:"streams,omitempty"`
}

type browserSessionInput struct {
	browserIdentifierPath
	SessionID string `json:"-" query:"sessionId" required:"true"`
}

type getBrowserSessionOutput struct {
	BrowserIdentifier        string                 `json:"browserIdentifier"`
	SessionID                string                 `json:"sessionId"`
	Name                     string                 `json:"name,omitempty"`
	Status                   string                 `json:"status"`
	SessionTimeoutSeconds    int                    `json:"sessionTimeoutSeconds"`
	ViewPort                 browser.ViewPort       `json:"viewPort"`
	ProfileConfiguration     *profileConfiguration  `json:"profileConfiguration,omitempty"`
	ProxyConfiguration       objDoc                 `json:"proxyConfiguration,omitempty"`
	Extensions               listDoc                `json:"extensions,omitempty"`
	EnterprisePolicies       listDoc                `json:"enterprisePolicies,omitempty"`
	Certificates             listDoc                `json:"certificates,omitempty"`
	FilesystemConfigurations listDoc                `json:"filesystemConfigurations,omitempty"`
	SessionReplayArtifact    string                 `json:"sessionReplayArtifact,omitempty"`
	Streams                  *browserSessionStreams `json:"streams,omitempty"`
	CreatedAt                awsTime                `json:"createdAt"`
	LastUpdatedAt            awsTime                `json:"lastUpdatedAt"`
}

type stopBrowserSessionInput struct {
	browserSessionInput
	ClientToken string `json:"clientToken"`
}

type stopBrowserSessionOutput struct {
	BrowserIdentifier string  `json:"browserIdentifier"`
	SessionID         string  `json:"sessionId"`
	LastUpdatedAt     awsTime `json:"lastUpdatedAt"`
}

type listBrowserSessionsInput struct {
	browserIdentifierPath
	pageInput
	Status string `json:"status"`
}

type browserSessionSummary struct {
	BrowserIdentifier string  `json:"browserIdentifier"`
	SessionID         string  `json:"sessionId"`
	Name              string  `json:"name,omitempty"`
	Status            string  `json:"status"`
	CreatedAt         awsTime `json:"createdAt"`
	LastUpdatedAt     awsTime `json:"lastUpdatedAt"`
}

func browserSessionSummaryOf(s *browser.Session) browserSessionSummary {
	return browserSessionSummary{BrowserIdentifier: s.BrowserID, SessionID: s.ID, Name: s.Name, Status: s.Status,
		CreatedAt: awsTime(s.CreatedAt), LastUpdatedAt: awsTime(s.UpdatedAt)}
}

type listBrowserSessionsOutput struct {
	Items     []browserSessionSummary `json:"items"`
	NextToken *string                 `json:"nextToken,omitempty"`
}

type updateBrowserStreamInput struct {
	browserSessionInput
	StreamUpdate *struct {
		AutomationStreamUpdate *struct {
			StreamStatus string `json:"streamStatus"`
		} `json:"automationStreamUpdate"`
	} `json:"streamUpdate" required:"true"`
	ClientToken string `json:"clientToken"`
}

func (in *updateBrowserStreamInput) validate() error {
	if in.StreamUpdate.AutomationStreamUpdate == nil {
		return errs.Field("streamUpdate", "streamUpdate must have its automationStreamUpdate member")
	}
	return nil
}

type updateBrowserStreamOutput struct {
	BrowserIdentifier string                `json:"browserIdentifier"`
	SessionID         string                `json:"sessionId"`
	Streams           browserSessionStreams `json:"streams"`
	UpdatedAt         awsTime               `json:"updatedAt"`
}

type saveBrowserSessionProfileInput struct {
	ProfileIdentifier string `json:"-" path:"profileIdentifier"`
	BrowserIdentifier string `json:"browserIdentifier" required:"true"`
	SessionID         string `json:"sessionId" required:"true"`
	ClientToken       string `json:"clientToken"`
}

type saveBrowserSessionProfileOutput struct {
	BrowserIdentifier string  `json:"browserIdentifier"`
	ProfileIdentifier string  `json:"profileIdentifier"`
	SessionID         string  `json:"sessionId"`
	LastUpdatedAt     awsTime `json:"lastUpdatedAt"`
}

// objDoc is a structure member kept verbatim: absent, null, or a JSON object.
type objDoc = json.RawMessage

func checkObject(member string, v objDoc) error {
	b := bytes.TrimSpace(v)
	if len(b) == 0 || string(b) == "null" || b[0] == '{' {
		return nil
	}
	return &errs.Error{Kind: errs.Invalid, Reason: errs.ReasonCannotParse, Field: member, Message: member + " must be a structure"}
}
