package evaluation

import (
	"context"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
	"github.com/agentcore-dev/agentcore/internal/toolsession"
)

var (
	nameRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,47}$`)
	idRE   = regexp.MustCompile(`^(Builtin\.[a-zA-Z0-9_-]+|[a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9]{10})$`)
	kmsRE  = regexp.MustCompile(`^arn:aws(|-cn|-us-gov):kms:[a-zA-Z0-9-]*:[0-9]{12}:key/[a-zA-Z0-9-]{36}$`)
)

// Create makes a custom LLM-as-a-judge evaluator (ACTIVE at once) with its
// tags in the same transaction.
func (s *Service) Create(ctx context.Context, in CreateInput) (*Evaluator, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if !nameRE.MatchString(in.Name) {
		return nil, errs.Field("evaluatorName", "evaluatorName %q must match [a-zA-Z][a-zA-Z0-9_]{0,47}", in.Name)
	}
	if err := checkConfig(in.Level, in.Instructions, in.Scale, in.Model, in.CodeBased, in.Derived); err != nil {
		return nil, err
	}
	if err := checkCommon(in.Description, in.KmsKeyArn); err != nil {
		return nil, err
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	now := s.o.Now().UTC()
	id := in.Name + "-" + randomID(10)
	ev := &Evaluator{ID: id, ARN: CustomARN(t.Region, t.Account, id), Name: in.Name, Description: in.Description, Level: in.Level,
		Type: TypeCustom, Provider: ProviderCustom, Status: StatusActive, Instructions: in.Instructions, Scale: in.Scale,
		Model: in.Model, KmsKeyArn: in.KmsKeyArn, CreatedAt: now, UpdatedAt: now}
	err = s.kv.Txn(ctx, append([]store.Op{
		store.CreateJSON(tblName, evalKey(t.Account, in.Name), id),
		store.CreateJSON(tblEvaluator, evalKey(t.Account, id), ev)},
		tagging.PutOps(ev.ARN, in.Tags)...)...)
	if errs.KindOf(err) == errs.Conflict {
		return nil, errs.E(errs.Conflict, "an evaluator named %s already exists", in.Name)
	}
	if err != nil {
		return nil, err
	}
	s.log.Info("evaluator created", "id", id, "level", in.Level)
	return ev, nil
}

// Evaluator returns a built-in or the caller's custom evaluator by id or
// ARN; errs.NotFound when unknown (another account's is unknown too).
func (s *Service) Evaluator(ctx context.Context, id string) (*Evaluator, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if id, err = parseID(t, id); err != nil {
		return nil, err
	}
	if strings.HasPrefix(id, "Builtin.") {
		if b, ok := builtins[id]; ok {
			return b, nil
		}
		return nil, errs.E(errs.NotFound, "evaluator %s not found (built-ins: %s)", id, strings.Join(builtinIDs, ", "))
	}
	ev, _, err := s.customRev(ctx, t.Account, id)
	return ev, err
}

// parseID accepts an evaluator id or its ARN (built-in, or of the caller's
// account).
func parseID(t tenant.Tenant, id string) (string, error) {
	if strings.HasPrefix(id, "arn:") {
		parts := strings.SplitN(id, ":", 6)
		rest, ok := "", false
		if len(parts) == 6 {
			_, rest, ok = strings.Cut(parts[5], "/")
		}
		switch {
		case !ok || !strings.HasPrefix(parts[5], "evaluator/"):
			return "", errs.Field("evaluatorId", "%q is not an evaluator ARN", id)
		case parts[4] == "" && strings.HasPrefix(rest, "Builtin."):
		case parts[4] != t.Account || parts[3] != t.Region:
			return "", errs.E(errs.NotFound, "evaluator %s not found", id)
		}
		id = rest
	}
	if !idRE.MatchString(id) {
		return "", errs.Field("evaluatorId", "%q is not an evaluator id (Builtin.<Name> or NAME-XXXXXXXXXX)", id)
	}
	return id, nil
}

func lockedErr(id string) error {
	return errs.Field("evaluatorId", "%s is a built-in evaluator: it is locked for modification and cannot be updated or deleted (create a custom evaluator instead)", id)
}

// customID resolves a custom evaluator's id (or ARN) for a change: a
// built-in one is locked (after checking that it exists).
func (s *Service) customID(ctx context.Context, id string) (tenant.Tenant, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return t, "", err
	}
	if id, err = parseID(t, id); err != nil {
		return t, "", err
	}
	if strings.HasPrefix(id, "Builtin.") {
		if _, err := s.Evaluator(ctx, id); err != nil {
			return t, "", err
		}
		return t, "", lockedErr(id)
	}
	return t, id, nil
}

// Update changes a custom evaluator (revision-checked); built-ins are
// locked.
func (s *Service) Update(ctx context.Context, id string, in UpdateInput) (*Evaluator, error) {
	t, id, err := s.customID(ctx, id)
	if err != nil {
		return nil, err
	}
	var ev *Evaluator
	err = store.Retry(ctx, func() error {
		cur, rev, err := s.customRev(ctx, t.Account, id)
		if err != nil {
			return err
		}
		n := *cur
		if in.Description != nil {
			n.Description = *in.Description
		}
		if in.Level != nil {
			n.Level = *in.Level
		}
		if in.Instructions != nil {
			n.Instructions = *in.Instructions
		}
		if in.Scale != nil {
			n.Scale = *in.Scale
		}
		if in.Model != nil {
			n.Model = *in.Model
		}
		if in.KmsKeyArn != nil {
			n.KmsKeyArn = *in.KmsKeyArn
		}
		if err := checkConfig(n.Level, n.Instructions, n.Scale, n.Model, in.CodeBased, in.Derived); err != nil {
			return err
		}
		if err := checkCommon(n.Description, n.KmsKeyArn); err != nil {
			return err
		}
		n.UpdatedAt = s.o.Now().UTC()
		ev = &n
		return s.kv.Txn(ctx, store.UpdateJSON(tblEvaluator, evalKey(t.Account, id), rev, &n))
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("evaluator updated", "id", id)
	return ev, nil
}

// Delete removes a custom evaluator (answered DELETING; it is gone at
// once); built-ins are locked.
func (s *Service) Delete(ctx context.Context, id string) (*Evaluator, error) {
	t, id, err := s.customID(ctx, id)
	if err != nil {
		return nil, err
	}
	var ev *Evaluator
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		if ev, rev, err = s.customRev(ctx, t.Account, id); err != nil {
			return err
		}
		return s.kv.Txn(ctx, store.DeleteAt(tblEvaluator, evalKey(t.Account, id), rev),
			store.DeleteAny(tblName, evalKey(t.Account, ev.Name)), tagging.DeleteOp(ev.ARN))
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("evaluator deleted", "id", id)
	ev.Status, ev.UpdatedAt = StatusDeleting, s.o.Now().UTC()
	return ev, nil
}

// List pages through the built-ins (first) and the account's custom
// evaluators. Tokens: "B<n>" resumes the built-ins at n, "C<token>" the
// custom ones.
func (s *Service) List(ctx context.Context, p Page) ([]*Evaluator, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	limit, err := toolsession.PageSize(p.MaxResults)
	if err != nil {
		return nil, "", err
	}
	badToken := errs.Field("nextToken", "nextToken is not a token this operation returned")
	var out []*Evaluator
	ctoken := ""
	switch {
	case p.NextToken == "" || p.NextToken[0] == 'B':
		start := 0
		if p.NextToken != "" {
			if start, err = strconv.Atoi(p.NextToken[1:]); err != nil || start < 0 || start >= len(builtinIDs) {
				return nil, "", badToken
			}
		}
		all := Builtins()[start:]
		if len(all) > limit {
			return all[:limit], "B" + strconv.Itoa(start+limit), nil
		}
		out, limit = all, limit-len(all)
		if limit == 0 {
			if more, _ := s.kv.List(ctx, tblEvaluator, t.Account+"/", "", 1); len(more) > 0 {
				return out, "C", nil
			}
			return out, "", nil
		}
	case p.NextToken[0] == 'C':
		ctoken = p.NextToken[1:]
	default:
		return nil, "", badToken
	}
	items, next, err := store.ListJSON[Evaluator](ctx, s.kv, tblEvaluator, t.Account+"/", ctoken, limit)
	if err != nil {
		return nil, "", err
	}
	if next != "" {
		next = "C" + next
	}
	return append(out, items...), next, nil
}

// checkConfig validates an LLM-as-a-judge configuration for a level.
func checkConfig(level, instr string, sc RatingScale, m ModelConfig, codeBased, derived bool) error {
	const cfg = "evaluatorConfig"
	switch {
	case codeBased:
		return errs.Field(cfg+".codeBased", "code-based (Lambda) evaluators are not supported here; use llmAsAJudge")
	case derived:
		return errs.Field(cfg+".derived", "derived evaluators are not supported here; use llmAsAJudge")
	}
	if level != LevelSession && level != LevelTrace && level != LevelToolCall {
		return errs.Field("level", "level must be SESSION, TRACE or TOOL_CALL (got %q)", level)
	}
	if err := checkInstructions(level, instr); err != nil {
		return err
	}
	if err := checkScale(sc); err != nil {
		return err
	}
	if strings.TrimSpace(m.ModelID) == "" {
		return errs.Field(cfg+".llmAsAJudge.modelConfig.bedrockEvaluatorModelConfig.modelId", "modelId is required")
	}
	if mt := m.Inference.MaxTokens; mt != nil && (*mt < 1 || *mt > 200000) {
		return errs.Field(cfg+".llmAsAJudge.modelConfig.bedrockEvaluatorModelConfig.inferenceConfig.maxTokens", "maxTokens must be at least 1")
	}
	if v := m.Inference.Temperature; v != nil && (*v < 0 || *v > 2) {
		return errs.Field(cfg+".llmAsAJudge.modelConfig.bedrockEvaluatorModelConfig.inferenceConfig.temperature", "temperature must be from 0 to 2")
	}
	return nil
}

func checkScale(sc RatingScale) error {
	const field = "evaluatorConfig.llmAsAJudge.ratingScale"
	if (len(sc.Numerical) > 0) == (len(sc.Categorical) > 0) {
		return errs.Field(field, "ratingScale must have exactly one of numerical or categorical, with at least one entry")
	}
	entries := sc.Entries()
	if len(entries) > 20 {
		return errs.Field(field, "ratingScale has at most 20 entries")
	}
	seen := map[string]bool{}
	for i, en := range entries {
		l := strings.ToLower(strings.TrimSpace(en.Label))
		switch {
		case l == "":
			return errs.Field(field, "ratingScale entry %d has no label", i)
		case seen[l]:
			return errs.Field(field, "ratingScale label %q appears twice", en.Label)
		case strings.TrimSpace(en.Definition) == "":
			return errs.Field(field, "ratingScale entry %q has no definition", en.Label)
		case len(sc.Numerical) > 0 && (en.Value == nil || math.IsNaN(*en.Value) || math.IsInf(*en.Value, 0)):
			return errs.Field(field, "numerical ratingScale entry %q needs a finite value", en.Label)
		}
		seen[l] = true
	}
	return nil
}

func checkCommon(desc, kms string) error {
	if len(desc) > 4096 {
		return errs.Field("description", "description is at most 4096 characters")
	}
	if kms != "" && !kmsRE.MatchString(kms) {
		return errs.Field("kmsKeyArn", "kmsKeyArn %q is not a KMS key ARN", kms)
	}
	return nil
}
