package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/observability/insights"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// The CloudWatch Logs subset (AWS JSON 1.1: POST / with X-Amz-Target
// Logs_20140328.<Op>) that lets boto3 `logs` and the Go SDK's cloudwatchlogs
// client (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS) run Logs Insights queries over the
// platform's spans (log group aws/spans) and runtime logs
// (/aws/bedrock-agentcore/runtimes/<id>-<endpoint>). Query state is kept in
// memory per replica.

const logsTargetPrefix = "Logs_20140328."

// isLogsRequest reports a CloudWatch Logs call (the router hook).
func isLogsRequest(r *http.Request, path string) bool {
	return r.Method == http.MethodPost && path == "/" && strings.HasPrefix(r.Header.Get("X-Amz-Target"), logsTargetPrefix)
}

type logsStartQueryIn struct {
	LogGroupName        string   `json:"logGroupName"`
	LogGroupNames       []string `json:"logGroupNames"`
	LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	QueryString         string   `json:"queryString"`
	Limit               int      `json:"limit"`
}

type logsQueryIDIn struct {
	QueryID string `json:"queryId"`
}

type logsDescribeIn struct {
	LogGroupNamePrefix string `json:"logGroupNamePrefix"`
	Limit              int    `json:"limit"`
	NextToken          string `json:"nextToken"`
}

// serveLogs answers one CloudWatch Logs call; op is set for metrics.
func (s *Server) serveLogs(ctx context.Context, w http.ResponseWriter, r *http.Request, op *string) {
	name := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), logsTargetPrefix)
	*op = "Logs." + name
	out, err := s.logsCall(ctx, name, r)
	if err != nil {
		writeLogsError(w, s, *op, err)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		writeLogsError(w, s, *op, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b) //nolint:errcheck // client gone
}

func (s *Server) logsCall(ctx context.Context, name string, r *http.Request) (any, error) {
	if s.cfg.Observability == nil {
		return nil, errs.E(errs.UnknownOperation, "CloudWatch Logs needs observability, which is not enabled on this server")
	}
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	decode := func(v any) error {
		if len(body) == 0 {
			return nil
		}
		if err := json.Unmarshal(body, v); err != nil {
			return errs.E(errs.Invalid, "request body is not valid JSON: %v", err)
		}
		return nil
	}
	e := s.logs
	switch name {
	case "StartQuery":
		var in logsStartQueryIn
		if err := decode(&in); err != nil {
			return nil, err
		}
		if in.StartTime == nil || in.EndTime == nil {
			return nil, errs.Field("startTime", "startTime and endTime are required")
		}
		groups := append(append([]string(nil), in.LogGroupNames...), in.LogGroupIdentifiers...)
		if in.LogGroupName != "" {
			groups = append(groups, in.LogGroupName)
		}
		id, err := e.StartQuery(ctx, t.Account, t.Region, groups, *in.StartTime, *in.EndTime, in.QueryString, in.Limit)
		if err != nil {
			return nil, err
		}
		return map[string]any{"queryId": id}, nil
	case "GetQueryResults":
		var in logsQueryIDIn
		if err := decode(&in); err != nil {
			return nil, err
		}
		res, err := e.GetQueryResults(t.Account, in.QueryID)
		if err != nil {
			return nil, err
		}
		rows := res.Rows
		if rows == nil {
			rows = [][]insights.Field{}
		}
		return map[string]any{"results": rows, "status": res.Status, "statistics": map[string]any{
			"recordsMatched": res.Stats.RecordsMatched, "recordsScanned": res.Stats.RecordsScanned,
			"bytesScanned": res.Stats.BytesScanned}}, nil
	case "StopQuery":
		var in logsQueryIDIn
		if err := decode(&in); err != nil {
			return nil, err
		}
		ok, err := e.StopQuery(t.Account, in.QueryID)
		if err != nil {
			return nil, err
		}
		return map[string]any{"success": ok}, nil
	case "DescribeLogGroups":
		var in logsDescribeIn
		if err := decode(&in); err != nil {
			return nil, err
		}
		return describeLogGroups(ctx, e, t, in)
	}
	return nil, errs.E(errs.UnknownOperation, "operation %s is not supported (supported: StartQuery, GetQueryResults, StopQuery, DescribeLogGroups)", name)
}

// describeLogGroups lists aws/spans and the runtimes' log groups, sorted by
// name; nextToken is the last name of the previous page.
func describeLogGroups(ctx context.Context, e *insights.Engine, t tenant.Tenant, in logsDescribeIn) (any, error) {
	if in.Limit == 0 {
		in.Limit = 50
	}
	if in.Limit < 1 || in.Limit > 50 {
		return nil, errs.Field("limit", "limit must be between 1 and 50")
	}
	names, err := e.LogGroups(ctx, in.LogGroupNamePrefix, 0)
	if err != nil {
		return nil, err
	}
	groups := []any{}
	next := ""
	for _, n := range names {
		if in.NextToken != "" && n <= in.NextToken {
			continue
		}
		if len(groups) == in.Limit {
			next = groups[len(groups)-1].(map[string]any)["logGroupName"].(string)
			break
		}
		arn := "arn:aws:logs:" + t.Region + ":" + t.Account + ":log-group:" + n
		groups = append(groups, map[string]any{"logGroupName": n, "arn": arn + ":*", "logGroupArn": arn, "logGroupClass": "STANDARD"})
	}
	out := map[string]any{"logGroups": groups}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}

// logsRuntimes is the runtime catalogue the Logs Insights engine asks which
// runtime log groups exist.
type logsRuntimes struct{ rt *runtime.Service }

func (l logsRuntimes) RuntimeEndpoints(ctx context.Context, limit int) (map[string][]string, error) {
	out := map[string][]string{}
	page := runtime.Page{MaxResults: 100}
	for len(out) < limit {
		rts, next, err := l.rt.List(ctx, page)
		if err != nil {
			return nil, err
		}
		for _, r := range rts {
			epPage := runtime.Page{MaxResults: 100}
			for {
				_, eps, epNext, err := l.rt.ListEndpoints(ctx, r.ID, epPage)
				if err != nil && errs.KindOf(err) == errs.NotFound {
					break // deleted meanwhile
				}
				if err != nil {
					return nil, err
				}
				for _, ep := range eps {
					out[r.ID] = append(out[r.ID], ep.Name)
				}
				if epPage.NextToken = epNext; epNext == "" {
					break
				}
			}
		}
		if page.NextToken = next; next == "" {
			break
		}
	}
	return out, nil
}

func (l logsRuntimes) HasEndpoint(ctx context.Context, runtimeID, endpoint string) (bool, error) {
	_, err := l.rt.GetEndpoint(ctx, runtimeID, endpoint)
	if (err != nil && errs.KindOf(err) == errs.NotFound) || (err != nil && errs.KindOf(err) == errs.Invalid) {
		return false, nil
	}
	return err == nil, err
}

// writeLogsError sends an AWS JSON 1.1 error (__type + message).
func writeLogsError(w http.ResponseWriter, s *Server, op string, err error) {
	typ, status, msg := "ServiceUnavailableException", http.StatusInternalServerError, "An internal error occurred. Check the server log for details."
	var me *insights.MalformedError
	switch e := classify(err); {
	case errors.As(err, &me):
		typ, status, msg = "MalformedQueryException", http.StatusBadRequest, me.Msg
	case e.Kind == errs.Invalid:
		typ, status, msg = "InvalidParameterException", http.StatusBadRequest, e.Error()
	case e.Kind == errs.NotFound:
		typ, status, msg = "ResourceNotFoundException", http.StatusBadRequest, e.Error()
	case e.Kind == errs.AccessDenied || e.Kind == errs.Unauthorized:
		typ, status, msg = "AccessDeniedException", http.StatusBadRequest, e.Error()
	case e.Kind == errs.UnknownOperation:
		typ, status, msg = "UnknownOperationException", http.StatusBadRequest, e.Error()
	default:
		s.log.Error("internal error", "op", op, "err", err)
	}
	b, _ := json.Marshal(map[string]string{"__type": typ, "message": msg})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Errortype", typ)
	w.WriteHeader(status)
	w.Write(b) //nolint:errcheck // client gone
}
