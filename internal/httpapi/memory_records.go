package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/memory"
)

func recordsOut(rs []*memory.Record) []*memory.Record {
	if rs == nil {
		return []*memory.Record{}
	}
	return rs
}

func (s *Server) retrieveMemoryRecords(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Memory
	var in memory.RecordQuery
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	rs, next, err := svc.RetrieveMemoryRecords(ctx, p["memoryId"], in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, withNext(map[string]any{"memoryRecordSummaries": recordsOut(rs)}, next))
}

func (s *Server) listMemoryRecords(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Memory
	var in memory.RecordQuery
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	rs, next, err := svc.ListMemoryRecords(ctx, p["memoryId"], in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, withNext(map[string]any{"memoryRecordSummaries": recordsOut(rs)}, next))
}

func (s *Server) getMemoryRecord(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Memory
	rec, err := svc.GetMemoryRecord(ctx, p["memoryId"], p["memoryRecordId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"memoryRecord": rec})
}

func (s *Server) deleteMemoryRecord(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Memory
	if err := svc.DeleteMemoryRecord(ctx, p["memoryId"], p["memoryRecordId"]); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"memoryRecordId": p["memoryRecordId"]})
}

func batchOut(ok, bad []memory.RecordResult) map[string]any {
	return map[string]any{"successfulRecords": ok, "failedRecords": bad}
}

func (s *Server) batchCreateMemoryRecords(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	type input struct {
		Records []memory.RecordCreate `json:"records"`
		Expiry  *memory.RecordExpiry  `json:"recordExpirySpecification"`
	}
	return memoryCall(s, w, r, http.StatusCreated, func(svc *memory.Service, in input) (any, error) {
		ok, bad, err := svc.BatchCreateMemoryRecords(ctx, p["memoryId"], in.Records, in.Expiry)
		return batchOut(ok, bad), err
	})
}

func (s *Server) batchUpdateMemoryRecords(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	type input struct {
		Records []memory.RecordUpdate `json:"records"`
		Expiry  *memory.RecordExpiry  `json:"recordExpirySpecification"`
	}
	return memoryCall(s, w, r, http.StatusOK, func(svc *memory.Service, in input) (any, error) {
		ok, bad, err := svc.BatchUpdateMemoryRecords(ctx, p["memoryId"], in.Records, in.Expiry)
		return batchOut(ok, bad), err
	})
}

func (s *Server) batchDeleteMemoryRecords(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Memory
	var in struct {
		Records []struct {
			ID string `json:"memoryRecordId"`
		} `json:"records"`
	}
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	ids := make([]string, len(in.Records))
	for i, rec := range in.Records {
		ids[i] = rec.ID
	}
	ok, bad, err := svc.BatchDeleteMemoryRecords(ctx, p["memoryId"], ids)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, batchOut(ok, bad))
}
