package httpapi

import (
	"context"
	"net/http"
)

// Tagging: TagResource, UntagResource, ListTagsForResource. Wire shapes in
// wire_endpoints.go.

func (s *Server) tagResource(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return op(http.StatusNoContent, func(ctx context.Context, in *tagResourceInput) (*noContent, error) {
		return nil, s.cfg.Tags.Tag(ctx, in.ResourceArn, in.Tags)
	})(ctx, w, r, p)
}

func (s *Server) untagResource(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return op(http.StatusNoContent, func(ctx context.Context, in *untagResourceInput) (*noContent, error) {
		return nil, s.cfg.Tags.Untag(ctx, in.ResourceArn, in.TagKeys)
	})(ctx, w, r, p)
}

func (s *Server) listTagsForResource(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return op(http.StatusOK, func(ctx context.Context, in *resourceArnInput) (*listTagsOutput, error) {
		tags, err := s.cfg.Tags.List(ctx, in.ResourceArn)
		if err != nil {
			return nil, err
		}
		return &listTagsOutput{Tags: tags}, nil
	})(ctx, w, r, p)
}
