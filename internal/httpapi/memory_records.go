package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/memory"
)

// Memory data plane: long-term memory records. Wire shapes in wire_memory.go.

func (s *Server) retrieveMemoryRecords(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *recordQueryInput) (*recordsOutput, error) {
		rs, next, err := svc.RetrieveMemoryRecords(ctx, in.MemoryID, in.RecordQuery)
		if err != nil {
			return nil, err
		}
		return recordsOf(rs, next), nil
	})(ctx, w, r, p)
}

func (s *Server) listMemoryRecords(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *recordQueryInput) (*recordsOutput, error) {
		rs, next, err := svc.ListMemoryRecords(ctx, in.MemoryID, in.RecordQuery)
		if err != nil {
			return nil, err
		}
		return recordsOf(rs, next), nil
	})(ctx, w, r, p)
}

func (s *Server) getMemoryRecord(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *memoryPath) (*recordOutput, error) {
		rec, err := svc.GetMemoryRecord(ctx, in.MemoryID, in.MemoryRecordID)
		if err != nil {
			return nil, err
		}
		return &recordOutput{MemoryRecord: rec}, nil
	})(ctx, w, r, p)
}

func (s *Server) deleteMemoryRecord(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *memoryPath) (*deleteRecordOutput, error) {
		if err := svc.DeleteMemoryRecord(ctx, in.MemoryID, in.MemoryRecordID); err != nil {
			return nil, err
		}
		return &deleteRecordOutput{MemoryRecordID: in.MemoryRecordID}, nil
	})(ctx, w, r, p)
}

func (s *Server) batchCreateMemoryRecords(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusCreated, func(ctx context.Context, svc *memory.Service, in *batchCreateRecordsInput) (*batchRecordsOutput, error) {
		ok, bad, err := svc.BatchCreateMemoryRecords(ctx, in.MemoryID, in.Records, in.Expiry)
		if err != nil {
			return nil, err
		}
		return &batchRecordsOutput{SuccessfulRecords: ok, FailedRecords: bad}, nil
	})(ctx, w, r, p)
}

func (s *Server) batchUpdateMemoryRecords(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *batchUpdateRecordsInput) (*batchRecordsOutput, error) {
		ok, bad, err := svc.BatchUpdateMemoryRecords(ctx, in.MemoryID, in.Records, in.Expiry)
		if err != nil {
			return nil, err
		}
		return &batchRecordsOutput{SuccessfulRecords: ok, FailedRecords: bad}, nil
	})(ctx, w, r, p)
}

func (s *Server) batchDeleteMemoryRecords(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *batchDeleteRecordsInput) (*batchRecordsOutput, error) {
		ids := make([]string, len(in.Records))
		for i, rec := range in.Records {
			ids[i] = rec.ID
		}
		ok, bad, err := svc.BatchDeleteMemoryRecords(ctx, in.MemoryID, ids)
		if err != nil {
			return nil, err
		}
		return &batchRecordsOutput{SuccessfulRecords: ok, FailedRecords: bad}, nil
	})(ctx, w, r, p)
}
