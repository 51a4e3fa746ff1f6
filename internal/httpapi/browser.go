package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/browser"
)

// Browser control plane operations (browsers, browser profiles); the data
// plane is in browser_sessions.go, the stream endpoints in
// browser_streams.go. Wire shapes in wire_browser*.go.

// brOp adapts a Browser operation: fn gets the service (its routes exist
// only when it is enabled, see routes.go).
func brOp[In, Out any](s *Server, status int, fn func(ctx context.Context, svc *browser.Service, in *In) (*Out, error)) handler {
	return op(status, func(ctx context.Context, in *In) (*Out, error) {
		return fn(ctx, s.cfg.Browser, in)
	})
}

func (s *Server) createBrowser(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return brOp(s, http.StatusAccepted, func(ctx context.Context, svc *browser.Service, in *createBrowserInput) (*createBrowserOutput, error) {
		b, err := svc.Create(ctx, in.domain())
		if err != nil {
			return nil, err
		}
		return &createBrowserOutput{BrowserArn: b.ARN, BrowserID: b.ID, CreatedAt: awsTime(b.CreatedAt), Status: b.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) getBrowser(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return brOp(s, http.StatusOK, func(ctx context.Context, svc *browser.Service, in *browserPath) (*browserDoc, error) {
		b, err := svc.Get(ctx, in.BrowserID)
		if err != nil {
			return nil, err
		}
		return browserDocOf(b), nil
	})(ctx, w, r, p)
}

func (s *Server) deleteBrowser(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return brOp(s, http.StatusAccepted, func(ctx context.Context, svc *browser.Service, in *deleteBrowserInput) (*deleteBrowserOutput, error) {
		b, err := svc.Delete(ctx, in.BrowserID)
		if err != nil {
			return nil, err
		}
		return &deleteBrowserOutput{BrowserID: b.ID, LastUpdatedAt: awsTime(b.UpdatedAt), Status: b.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) listBrowsers(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return brOp(s, http.StatusOK, func(ctx context.Context, svc *browser.Service, in *listBrowsersInput) (*listBrowsersOutput, error) {
		pg := in.page()
		items, next, err := svc.List(ctx, in.Type, browser.Page{MaxResults: pg.MaxResults, NextToken: pg.NextToken})
		if err != nil {
			return nil, err
		}
		return &listBrowsersOutput{BrowserSummaries: mapItems(items, browserSummaryOf), NextToken: nullIfEmpty(next)}, nil
	})(ctx, w, r, p)
}

func (s *Server) createBrowserProfile(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return brOp(s, http.StatusOK, func(ctx context.Context, svc *browser.Service, in *createBrowserProfileInput) (*createBrowserProfileOutput, error) {
		pr, err := svc.CreateProfile(ctx, browser.CreateProfileInput{Name: in.Name, Description: in.Description, Tags: in.Tags})
		if err != nil {
			return nil, err
		}
		return &createBrowserProfileOutput{CreatedAt: awsTime(pr.CreatedAt), ProfileArn: pr.ARN, ProfileID: pr.ID, Status: pr.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) getBrowserProfile(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return brOp(s, http.StatusOK, func(ctx context.Context, svc *browser.Service, in *profilePath) (*browserProfileDoc, error) {
		pr, err := svc.GetProfile(ctx, in.ProfileID)
		if err != nil {
			return nil, err
		}
		d := browserProfileDocOf(pr)
		return &d, nil
	})(ctx, w, r, p)
}

func (s *Server) deleteBrowserProfile(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return brOp(s, http.StatusOK, func(ctx context.Context, svc *browser.Service, in *deleteBrowserProfileInput) (*deleteBrowserProfileOutput, error) {
		pr, err := svc.DeleteProfile(ctx, in.ProfileID)
		if err != nil {
			return nil, err
		}
		return &deleteBrowserProfileOutput{LastSavedAt: optTime(pr.LastSavedAt), LastUpdatedAt: awsTime(pr.UpdatedAt),
			ProfileArn: pr.ARN, ProfileID: pr.ID, Status: pr.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) listBrowserProfiles(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return brOp(s, http.StatusOK, func(ctx context.Context, svc *browser.Service, in *listBrowserProfilesInput) (*listBrowserProfilesOutput, error) {
		pg := in.page()
		items, next, err := svc.ListProfiles(ctx, in.Name, browser.Page{MaxResults: pg.MaxResults, NextToken: pg.NextToken})
		if err != nil {
			return nil, err
		}
		return &listBrowserProfilesOutput{ProfileSummaries: mapItems(items, browserProfileDocOf), NextToken: nullIfEmpty(next)}, nil
	})(ctx, w, r, p)
}
