package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/memory"
)

// Memory data plane: events, sessions, actors, extraction jobs and
// ingestion. Wire shapes in wire_memory.go.

func (s *Server) createEvent(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusCreated, func(ctx context.Context, svc *memory.Service, in *createEventInput) (*eventOutput, error) {
		ev, err := svc.CreateEvent(ctx, in.MemoryID, in.CreateEventInput)
		if err != nil {
			return nil, err
		}
		return &eventOutput{Event: ev}, nil
	})(ctx, w, r, p)
}

func (s *Server) getEvent(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *memoryPath) (*eventOutput, error) {
		ev, err := svc.GetEvent(ctx, in.MemoryID, in.ActorID, in.SessionID, in.EventID)
		if err != nil {
			return nil, err
		}
		return &eventOutput{Event: ev}, nil
	})(ctx, w, r, p)
}

func (s *Server) deleteEvent(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *memoryPath) (*deleteEventOutput, error) {
		if err := svc.DeleteEvent(ctx, in.MemoryID, in.ActorID, in.SessionID, in.EventID); err != nil {
			return nil, err
		}
		return &deleteEventOutput{EventID: in.EventID}, nil
	})(ctx, w, r, p)
}

func (s *Server) listEvents(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *listEventsInput) (*listEventsOutput, error) {
		q := in.ListEventsInput
		q.ActorID, q.SessionID = in.memoryPath.ActorID, in.memoryPath.SessionID
		evs, next, err := svc.ListEvents(ctx, in.MemoryID, q)
		if err != nil {
			return nil, err
		}
		if evs == nil {
			evs = []*memory.Event{}
		}
		return &listEventsOutput{Events: evs, NextToken: next}, nil
	})(ctx, w, r, p)
}

func (s *Server) listSessions(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *memoryPageInput) (*listSessionsOutput, error) {
		ss, next, err := svc.ListSessions(ctx, in.MemoryID, in.ActorID, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &listSessionsOutput{SessionSummaries: ss, NextToken: next}, nil
	})(ctx, w, r, p)
}

func (s *Server) listActors(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *memoryPageInput) (*listActorsOutput, error) {
		as, next, err := svc.ListActors(ctx, in.MemoryID, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &listActorsOutput{ActorSummaries: mapItems(as, func(a string) actorSummary { return actorSummary{a} }), NextToken: next}, nil
	})(ctx, w, r, p)
}

func (s *Server) listMemoryExtractionJobs(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *listExtractionJobsInput) (*listExtractionJobsOutput, error) {
		jobs, next, err := svc.ListMemoryExtractionJobs(ctx, in.MemoryID, in.Filter, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &listExtractionJobsOutput{Jobs: mapItems(jobs, extractionJobOf), NextToken: next}, nil
	})(ctx, w, r, p)
}

// listAllExtractionJobs is agentcore's extension of ListMemoryExtractionJobs
// (same request and answer) that lists jobs of every status: PENDING,
// RUNNING, FAILED and, for a day, COMPLETED.
func (s *Server) listAllExtractionJobs(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *listExtractionJobsInput) (*listExtractionJobsOutput, error) {
		jobs, next, err := svc.ListAllExtractionJobs(ctx, in.MemoryID, in.Filter, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &listExtractionJobsOutput{Jobs: mapItems(jobs, extractionJobOf), NextToken: next}, nil
	})(ctx, w, r, p)
}

func (s *Server) startMemoryExtractionJob(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *startExtractionJobInput) (*startExtractionJobOutput, error) {
		id := ""
		if in.ExtractionJob != nil {
			id = in.ExtractionJob.JobID
		}
		jobID, err := svc.StartMemoryExtractionJob(ctx, in.MemoryID, id)
		if err != nil {
			return nil, err
		}
		return &startExtractionJobOutput{JobID: jobID}, nil
	})(ctx, w, r, p)
}

func (s *Server) ingestData(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusAccepted, func(ctx context.Context, svc *memory.Service, in *ingestDataInput) (*ingestDataOutput, error) {
		sid, err := svc.IngestData(ctx, in.MemoryID, in.IngestDataInput)
		if err != nil {
			return nil, err
		}
		return &ingestDataOutput{SessionID: sid}, nil
	})(ctx, w, r, p)
}
