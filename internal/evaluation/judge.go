package evaluation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/model"
)

// judgeSystem is the system message of every judge call.
const judgeSystem = "You are an impartial evaluator of AI agent behaviour. Read the material you are given, apply the criteria exactly, " +
	"and answer with a single JSON object and nothing else."

// judgeAnswer is a parsed, validated judge answer.
type judgeAnswer struct {
	label       string
	value       *float64
	explanation string
}

// judgeCall is one judge call's outcome: an answer, or a per-result error.
type judgeCall struct {
	ans                 *judgeAnswer
	in, out             int64
	errCode, errMessage string
}

// judgeRequest builds the chat request of an evaluator for rendered
// instructions: the instructions, then the scale and the answer format.
func (s *Service) judgeRequest(ev *Evaluator, rendered string) model.Request {
	var b strings.Builder
	b.WriteString(rendered)
	b.WriteString("\n\n## Rating scale (choose exactly one label)\n")
	for _, en := range ev.Scale.Entries() {
		if en.Value != nil {
			fmt.Fprintf(&b, "- %q (score %g): %s\n", en.Label, *en.Value, en.Definition)
		} else {
			fmt.Fprintf(&b, "- %q: %s\n", en.Label, en.Definition)
		}
	}
	b.WriteString("\n## Answer format\nThink about the criteria, then answer with only this JSON object (no other text):\n" +
		`{"explanation": "<your reasoning in one to three sentences>", "label": "<one label of the rating scale, exactly as written>"}`)
	temp, maxTok := 0.0, 1024
	req := model.Request{Model: s.judgeModel(ev), JSON: true, Temperature: &temp, MaxTokens: maxTok,
		Messages: []model.Message{{Role: "system", Content: judgeSystem}, {Role: "user", Content: b.String()}}}
	if v := ev.Model.Inference.Temperature; v != nil {
		req.Temperature = v
	}
	if v := ev.Model.Inference.MaxTokens; v != nil {
		req.MaxTokens = *v
	}
	return req
}

// judgeModel is the model name sent to the provider: the operator's
// built-in judge model for built-ins; for custom evaluators the modelId,
// mapped by Options.ModelMap ("*" maps all).
func (s *Service) judgeModel(ev *Evaluator) string {
	if ev.Builtin() {
		return s.o.BuiltinModel
	}
	if m, ok := s.o.ModelMap[ev.Model.ModelID]; ok {
		return m
	}
	if m, ok := s.o.ModelMap["*"]; ok {
		return m
	}
	return ev.Model.ModelID
}

// judge calls the model (bounded by the service-wide concurrency limit,
// each attempt by JudgeTimeout, failed calls retried with backoff) and
// parses the answer strictly. Token counts add up over the attempts.
func (s *Service) judge(ctx context.Context, ev *Evaluator, req model.Request) judgeCall {
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	case <-ctx.Done():
		return judgeCall{errCode: ErrCodeModelError, errMessage: "the request ended before the judge could be called: " + ctx.Err().Error()}
	}
	var jc judgeCall
	wait := s.o.RetryBackoff
	for attempt := 0; ; attempt++ {
		cctx, cancel := context.WithTimeout(ctx, s.o.JudgeTimeout)
		resp, err := s.prov.Chat(cctx, req)
		timedOut := cctx.Err() == context.DeadlineExceeded && ctx.Err() == nil
		cancel()
		if err == nil {
			jc.in += int64(resp.InputTokens)
			jc.out += int64(resp.OutputTokens)
			ans, perr := parseAnswer(resp.Text, ev.Scale)
			if perr != nil {
				jc.errCode, jc.errMessage = ErrCodeInvalidJudgeAnswer, "the judge model's answer was not usable: "+perr.Error()
				s.log.Warn("judge answer rejected", "evaluator", ev.ID, "err", perr)
				return jc
			}
			jc.ans = ans
			return jc
		}
		switch {
		case errors.Is(err, model.ErrNotConfigured):
			jc.errCode, jc.errMessage = ErrCodeModelNotConfigured, err.Error()
			return jc
		case timedOut || errors.Is(err, context.DeadlineExceeded):
			jc.errCode, jc.errMessage = ErrCodeModelTimeout, fmt.Sprintf("the judge model did not answer within %s", s.o.JudgeTimeout)
		default:
			jc.errCode, jc.errMessage = ErrCodeModelError, "the judge model call failed: "+err.Error()
		}
		if attempt >= s.o.JudgeRetries || ctx.Err() != nil {
			if attempt > 0 {
				jc.errMessage += fmt.Sprintf(" (after %d attempts)", attempt+1)
			}
			return jc
		}
		s.log.Debug("judge call failed; retrying", "evaluator", ev.ID, "attempt", attempt+1, "err", err)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return jc
		}
		wait *= 2
	}
}

// parseAnswer reads a judge answer: one JSON object (optionally in a
// ```json fence) with "label" (one of the scale's labels) and/or "score"
// (one of a numerical scale's values), and "explanation". Anything else is
// an error: a score is never guessed.
func parseAnswer(text string, sc RatingScale) (*judgeAnswer, error) {
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, "```") {
		t = strings.TrimPrefix(strings.TrimPrefix(t, "```json"), "```")
		if !strings.HasSuffix(t, "```") {
			return nil, errors.New("unterminated code fence")
		}
		t = strings.TrimSpace(strings.TrimSuffix(t, "```"))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(t), &raw); err != nil || raw == nil {
		return nil, fmt.Errorf("not a single JSON object: %q", clip(text, 200))
	}
	doc := map[string]any{}
	for k, v := range raw {
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		var x any
		if dec.Decode(&x) == nil {
			doc[k] = x
		}
	}
	entries := sc.Entries()
	var pick *ScaleEntry
	if l, ok := doc["label"]; ok {
		ls, _ := l.(string)
		for i := range entries {
			if strings.EqualFold(strings.TrimSpace(ls), entries[i].Label) {
				pick = &entries[i]
			}
		}
		if pick == nil {
			return nil, fmt.Errorf("label %q is not one of the rating scale's labels (%s)", fmt.Sprint(l), labels(entries))
		}
	}
	if sv, ok := doc["score"]; ok && sv != nil && len(sc.Numerical) > 0 {
		n, ok := sv.(json.Number)
		v, err := n.Float64()
		if !ok || err != nil {
			return nil, fmt.Errorf("score %v is not a number", sv)
		}
		var byScore *ScaleEntry
		for i := range entries {
			if math.Abs(*entries[i].Value-v) < 1e-6 {
				byScore = &entries[i]
			}
		}
		switch {
		case byScore == nil:
			return nil, fmt.Errorf("score %g is not one of the rating scale's values", v)
		case pick != nil && pick != byScore:
			return nil, fmt.Errorf("score %g does not belong to label %q", v, pick.Label)
		}
		pick = byScore
	}
	if pick == nil {
		return nil, fmt.Errorf("no \"label\" in the answer %q", clip(text, 200))
	}
	expl, _ := doc["explanation"].(string)
	return &judgeAnswer{label: pick.Label, value: pick.Value, explanation: strings.TrimSpace(expl)}, nil
}

func labels(es []ScaleEntry) string {
	var b []string
	for _, e := range es {
		b = append(b, fmt.Sprintf("%q", e.Label))
	}
	return strings.Join(b, ", ")
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
