package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/memory"
)

// Memory control plane. Wire shapes in wire_memory.go.

// memoryOp adapts a Memory operation: fn gets the service (its routes
// exist only when it is enabled, see routes.go).
func memoryOp[In, Out any](s *Server, status int, fn func(ctx context.Context, svc *memory.Service, in *In) (*Out, error)) handler {
	return op(status, func(ctx context.Context, in *In) (*Out, error) {
		return fn(ctx, s.cfg.Memory, in)
	})
}

func (s *Server) createMemory(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusAccepted, func(ctx context.Context, svc *memory.Service, in *createMemoryInput) (*memoryOutput, error) {
		m, err := svc.CreateMemory(ctx, in.CreateMemoryInput)
		if err != nil {
			return nil, err
		}
		return &memoryOutput{Memory: m}, nil
	})(ctx, w, r, p)
}

func (s *Server) getMemory(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *getMemoryInput) (*memoryOutput, error) {
		m, err := svc.GetMemory(ctx, in.MemoryID)
		if err != nil {
			return nil, err
		}
		return &memoryOutput{Memory: m}, nil
	})(ctx, w, r, p)
}

func (s *Server) updateMemory(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusAccepted, func(ctx context.Context, svc *memory.Service, in *updateMemoryInput) (*memoryOutput, error) {
		m, err := svc.UpdateMemory(ctx, in.MemoryID, in.UpdateMemoryInput)
		if err != nil {
			return nil, err
		}
		return &memoryOutput{Memory: m}, nil
	})(ctx, w, r, p)
}

func (s *Server) deleteMemory(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusAccepted, func(ctx context.Context, svc *memory.Service, in *deleteMemoryInput) (*deleteMemoryOutput, error) {
		m, err := svc.DeleteMemory(ctx, in.MemoryID)
		if err != nil {
			return nil, err
		}
		return &deleteMemoryOutput{MemoryID: m.ID, Status: m.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) listMemories(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *listMemoriesInput) (*listMemoriesOutput, error) {
		ms, next, err := svc.ListMemories(ctx, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &listMemoriesOutput{Memories: mapItems(ms, memorySummaryOf), NextToken: next}, nil
	})(ctx, w, r, p)
}
