package server

import (
	"context"
	"errors"
	"slices"
	"testing"
)

func TestClosersRunInReverseAndJoinErrors(t *testing.T) {
	var c closers
	var order []string
	for _, name := range []string{"store", "telemetry", "http"} {
		c.push(name, func(context.Context) error {
			order = append(order, name)
			if name != "telemetry" {
				return errors.New(name + " failed")
			}
			return nil
		})
	}
	err := c.close(context.Background())
	if want := []string{"http", "telemetry", "store"}; !slices.Equal(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	if err == nil || err.Error() != "close http: http failed\nclose store: store failed" {
		t.Fatalf("joined error: %v", err)
	}
	if err := c.close(context.Background()); err != nil || len(order) != 3 {
		t.Fatalf("second close ran closers again: %v %v", order, err)
	}
}
