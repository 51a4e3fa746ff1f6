package main

import (
	"context"

	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
)

// pager is what the SDK's control-plane list paginators have in common.
type pager[P any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*ctl.Options)) (P, error)
}

// collect reads every page of p and returns the items of all of them (an
// empty, non-nil slice when there are none, so JSON output says []).
func collect[P, T any](ctx context.Context, p pager[P], items func(P) []T) ([]T, error) {
	all := []T{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, apiError(err)
		}
		all = append(all, items(page)...)
	}
	return all, nil
}
