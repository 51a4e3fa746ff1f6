package main

import (
	"context"
	"fmt"

	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	smithy "github.com/aws/smithy-go"
	"github.com/spf13/cobra"
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

// newListCmd is a `list` verb over one control-plane list operation: every
// page is read (list); --output json prints wire (the operation's output
// with all the items), else a table of header and one row per item.
func newListCmd[T any](short, header string, list func(ctx context.Context, c *clients) ([]T, smithy.Serializable, error), row func(T) string) *cobra.Command {
	var co clientOpts
	cmd := &cobra.Command{
		Use:   "list",
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			items, wire, err := list(ctx, c)
			if err != nil {
				return err
			}
			if co.json(false) {
				return printWire(cmd.OutOrStdout(), wire)
			}
			w := table(cmd, header)
			for _, it := range items {
				fmt.Fprintln(w, row(it))
			}
			return w.Flush()
		},
	}
	co.addFlags(cmd)
	return cmd
}
