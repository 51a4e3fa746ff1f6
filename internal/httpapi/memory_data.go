package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/memory"
)

func (s *Server) createEvent(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryCall(s, w, r, http.StatusCreated, func(svc *memory.Service, in memory.CreateEventInput) (any, error) {
		ev, err := svc.CreateEvent(ctx, p["memoryId"], in)
		return map[string]any{"event": ev}, err
	})
}

func (s *Server) getEvent(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Memory
	ev, err := svc.GetEvent(ctx, p["memoryId"], p["actorId"], p["sessionId"], p["eventId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"event": ev})
}

func (s *Server) deleteEvent(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Memory
	if err := svc.DeleteEvent(ctx, p["memoryId"], p["actorId"], p["sessionId"], p["eventId"]); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"eventId": p["eventId"]})
}

func (s *Server) listEvents(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Memory
	var in memory.ListEventsInput
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	in.ActorID, in.SessionID = p["actorId"], p["sessionId"]
	evs, next, err := svc.ListEvents(ctx, p["memoryId"], in)
	if err != nil {
		return err
	}
	if evs == nil {
		evs = []*memory.Event{}
	}
	return writeJSON(w, http.StatusOK, withNext(map[string]any{"events": evs}, next))
}

func (s *Server) listSessions(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Memory
	var in pageBody
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	ss, next, err := svc.ListSessions(ctx, p["memoryId"], p["actorId"], in.MaxResults, in.NextToken)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, withNext(map[string]any{"sessionSummaries": ss}, next))
}

func (s *Server) listActors(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Memory
	var in pageBody
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	as, next, err := svc.ListActors(ctx, p["memoryId"], in.MaxResults, in.NextToken)
	if err != nil {
		return err
	}
	out := make([]map[string]string, 0, len(as))
	for _, a := range as {
		out = append(out, map[string]string{"actorId": a})
	}
	return writeJSON(w, http.StatusOK, withNext(map[string]any{"actorSummaries": out}, next))
}

func (s *Server) listMemoryExtractionJobs(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Memory
	var in struct {
		pageBody
		Filter memory.JobFilter `json:"filter"`
	}
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	jobs, next, err := svc.ListMemoryExtractionJobs(ctx, p["memoryId"], in.Filter, in.MaxResults, in.NextToken)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(jobs))
	for _, j := range jobs {
		d := map[string]any{"jobID": j.JobID, "status": j.Status, "strategyId": j.StrategyID, "actorId": j.ActorID,
			"sessionId": j.SessionID, "messages": map[string]any{"messagesList": j.Messages}}
		if j.FailureReason != "" {
			d["failureReason"] = j.FailureReason
		}
		out = append(out, d)
	}
	return writeJSON(w, http.StatusOK, withNext(map[string]any{"jobs": out}, next))
}

func (s *Server) startMemoryExtractionJob(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Memory
	var in struct {
		ExtractionJob *struct {
			JobID string `json:"jobId"`
		} `json:"extractionJob"`
	}
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	id := ""
	if in.ExtractionJob != nil {
		id = in.ExtractionJob.JobID
	}
	jobID, err := svc.StartMemoryExtractionJob(ctx, p["memoryId"], id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"jobId": jobID})
}

func (s *Server) ingestData(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Memory
	var in memory.IngestDataInput
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	sid, err := svc.IngestData(ctx, p["memoryId"], in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"sessionId": sid})
}
