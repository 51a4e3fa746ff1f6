package evaluation

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

var (
	onlineNameRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,47}$`)
	onlineIDRE   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9]{10}$`)
	roleARNRE    = regexp.MustCompile(`^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+$`)
	// logGroupRE is a runtime's log group: /aws/bedrock-agentcore/runtimes/<runtimeId>-<endpointName>.
	logGroupRE = regexp.MustCompile(`^/aws/bedrock-agentcore/runtimes/([a-zA-Z][a-zA-Z0-9_]{0,47}-[a-zA-Z0-9]{10})(?:-([a-zA-Z][a-zA-Z0-9_]{0,47}))?$`)
)

var filterOps = map[string]bool{"Equals": true, "NotEquals": true, "GreaterThan": true, "LessThan": true,
	"GreaterThanOrEqual": true, "LessThanOrEqual": true, "Contains": true, "NotContains": true}

// OnlineInput is what Create and Update take; on Update nil members keep
// their value.
type OnlineInput struct {
	Name            string
	Description     *string
	RoleArn         *string
	Rule            *Rule
	DataSource      *DataSource
	Evaluators      []string // nil = keep
	Output          *OutputConfig
	Clustering      json.RawMessage
	Insights        json.RawMessage
	Enable          *bool   // Create: enableOnCreate
	ExecutionStatus *string // Update
	Tags            map[string]string
}

// OnlineARN is the ARN of an online evaluation config.
func OnlineARN(region, acct, id string) string {
	return fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:online-evaluation-config/%s", region, acct, id)
}

// CreateConfig makes an online evaluation config (ACTIVE at once).
func (s *Online) CreateConfig(ctx context.Context, in OnlineInput) (*OnlineConfig, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if !onlineNameRE.MatchString(in.Name) {
		return nil, errs.Field("onlineEvaluationConfigName", "onlineEvaluationConfigName %q must match [a-zA-Z][a-zA-Z0-9_]{0,47}", in.Name)
	}
	switch {
	case in.RoleArn == nil || *in.RoleArn == "":
		return nil, errs.Field("evaluationExecutionRoleArn", "evaluationExecutionRoleArn is required")
	case in.Rule == nil:
		return nil, errs.Field("rule", "rule is required")
	case in.DataSource == nil:
		return nil, errs.Field("dataSourceConfig", "dataSourceConfig is required")
	case in.Enable == nil:
		return nil, errs.Field("enableOnCreate", "enableOnCreate is required")
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	now := s.o.Now().UTC()
	id := in.Name + "-" + randomAlnum(10)
	c := &OnlineConfig{ID: id, ARN: OnlineARN(t.Region, t.Account, id), Name: in.Name, Account: t.Account, Region: t.Region,
		Status: OnlineActive, ExecutionStatus: ExecDisabled, CreatedAt: now, UpdatedAt: now,
		Output: OutputConfig{LogGroupName: "/aws/bedrock-agentcore/evaluations/results/" + id}}
	if *in.Enable {
		c.ExecutionStatus = ExecEnabled
	}
	if err := s.apply(ctx, c, in); err != nil {
		return nil, err
	}
	err = s.kv.Txn(ctx, append([]store.Op{
		store.CreateJSON(tblOnlineName, t.Account+"/"+in.Name, id),
		store.CreateJSON(tblOnline, t.Account+"/"+id, c)},
		tagging.PutOps(c.ARN, in.Tags)...)...)
	if errs.KindOf(err) == errs.Conflict {
		return nil, errs.E(errs.Conflict, "an online evaluation config named %s already exists", in.Name)
	}
	if err != nil {
		return nil, err
	}
	s.log.Info("online evaluation config created", "id", id, "execution", c.ExecutionStatus, "evaluators", c.Evaluators)
	return c, nil
}

// apply validates in and sets its given members on c.
func (s *Online) apply(ctx context.Context, c *OnlineConfig, in OnlineInput) error {
	if in.Description != nil {
		if len(*in.Description) > 200 {
			return errs.Field("description", "description is at most 200 characters")
		}
		c.Description = *in.Description
	}
	if in.RoleArn != nil {
		if len(*in.RoleArn) > 2048 || !roleARNRE.MatchString(*in.RoleArn) {
			return errs.Field("evaluationExecutionRoleArn", "evaluationExecutionRoleArn %q must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", *in.RoleArn)
		}
		c.RoleArn = *in.RoleArn
	}
	if in.Rule != nil {
		if err := checkRule(in.Rule); err != nil {
			return err
		}
		c.Rule = *in.Rule
	}
	if in.DataSource != nil {
		targets, err := s.targets(ctx, in.DataSource)
		if err != nil {
			return err
		}
		c.DataSource, c.Targets = *in.DataSource, targets
	}
	if in.Evaluators != nil {
		if err := s.checkEvaluators(ctx, in.Evaluators); err != nil {
			return err
		}
		c.Evaluators = in.Evaluators
	}
	if len(c.Evaluators) == 0 {
		return errs.Field("evaluators", "evaluators must name 1 to 10 evaluators")
	}
	if in.Output != nil {
		if in.Output.LogGroupName != "" {
			c.Output.LogGroupName = in.Output.LogGroupName
		}
		if d := in.Output.ResultDestination; d != "" && d != "DEDICATED_LOG_GROUP" && d != "SOURCE_LOG_GROUP" {
			return errs.Field("outputConfig.cloudWatchConfig.resultDestination", "resultDestination must be DEDICATED_LOG_GROUP or SOURCE_LOG_GROUP")
		}
		c.Output.MetricsNamespace, c.Output.ResultDestination = in.Output.MetricsNamespace, in.Output.ResultDestination
	}
	if in.Clustering != nil {
		c.Clustering = in.Clustering
	}
	if in.Insights != nil {
		c.Insights = in.Insights
	}
	if in.ExecutionStatus != nil {
		if *in.ExecutionStatus != ExecEnabled && *in.ExecutionStatus != ExecDisabled {
			return errs.Field("executionStatus", "executionStatus must be ENABLED or DISABLED (got %q)", *in.ExecutionStatus)
		}
		c.ExecutionStatus = *in.ExecutionStatus
	}
	return nil
}

func checkRule(r *Rule) error {
	if r.SamplingPercentage < 0 || r.SamplingPercentage > 100 {
		return errs.Field("rule.samplingConfig.samplingPercentage", "samplingPercentage must be from 0 to 100 (got %g)", r.SamplingPercentage)
	}
	if r.SessionTimeoutMinutes < 0 || r.SessionTimeoutMinutes > 1440 {
		return errs.Field("rule.sessionConfig.sessionTimeoutMinutes", "sessionTimeoutMinutes must be from 1 to 1440 (got %d)", r.SessionTimeoutMinutes)
	}
	if len(r.Filters) > 5 {
		return errs.Field("rule.filters", "at most 5 filters (got %d)", len(r.Filters))
	}
	for i, f := range r.Filters {
		field := fmt.Sprintf("rule.filters.%d", i)
		if f.Key == "" || len(f.Key) > 256 {
			return errs.Field(field+".key", "a filter key is 1 to 256 characters")
		}
		if !filterOps[f.Operator] {
			return errs.Field(field+".operator", "operator %q must be one of Equals, NotEquals, GreaterThan, LessThan, GreaterThanOrEqual, LessThanOrEqual, Contains, NotContains", f.Operator)
		}
		n := 0
		for _, set := range []bool{f.Value.String != nil, f.Value.Double != nil, f.Value.Bool != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			return errs.Field(field+".value", "value must set exactly one of stringValue, doubleValue, booleanValue")
		}
		numeric := strings.HasPrefix(f.Operator, "GreaterThan") || strings.HasPrefix(f.Operator, "LessThan")
		if numeric && f.Value.Double == nil {
			return errs.Field(field+".value", "operator %s needs a doubleValue", f.Operator)
		}
		if strings.HasSuffix(f.Operator, "Contains") && f.Value.String == nil {
			return errs.Field(field+".value", "operator %s needs a stringValue", f.Operator)
		}
	}
	return nil
}

// targets maps each log group to a runtime (and endpoint) of the account.
func (s *Online) targets(ctx context.Context, ds *DataSource) ([]RuntimeTarget, error) {
	if len(ds.LogGroupNames) == 0 || len(ds.LogGroupNames) > 5 {
		return nil, errs.Field("dataSourceConfig.cloudWatchLogs.logGroupNames", "logGroupNames must name 1 to 5 runtime log groups")
	}
	if len(ds.ServiceNames) == 0 {
		return nil, errs.Field("dataSourceConfig.cloudWatchLogs.serviceNames", "serviceNames is required")
	}
	var out []RuntimeTarget
	for _, lg := range ds.LogGroupNames {
		m := logGroupRE.FindStringSubmatch(lg)
		if m == nil {
			return nil, errs.Field("dataSourceConfig.cloudWatchLogs.logGroupNames",
				"log group %q is not an agent runtime's log group (/aws/bedrock-agentcore/runtimes/<agentRuntimeId>-<endpointName>)", lg)
		}
		if s.o.Runtimes == nil {
			return nil, errs.E(errs.Invalid, "the Runtime service is not enabled on this server")
		}
		arn, err := s.o.Runtimes.RuntimeEndpointARN(ctx, m[1], m[2])
		if errs.KindOf(err) == errs.NotFound {
			return nil, errs.Field("dataSourceConfig.cloudWatchLogs.logGroupNames", "log group %q names no agent runtime (and endpoint) of this account: %v", lg, err)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, RuntimeTarget{LogGroup: lg, RuntimeID: m[1], Endpoint: m[2], RuntimeARN: arn})
	}
	return out, nil
}

func (s *Online) checkEvaluators(ctx context.Context, ids []string) error {
	if len(ids) == 0 || len(ids) > 10 {
		return errs.Field("evaluators", "evaluators must name 1 to 10 evaluators (got %d)", len(ids))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			return errs.Field("evaluators", "evaluator %s is listed twice", id)
		}
		seen[id] = true
		if _, err := s.o.Judge.Evaluator(ctx, id); err != nil {
			if errs.KindOf(err) == errs.NotFound {
				return errs.Field("evaluators", "evaluator %s does not exist", id)
			}
			return err
		}
	}
	return nil
}

func randomAlnum(n int) string {
	const set = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand never fails on Linux
	for i := range b {
		b[i] = set[int(b[i])%len(set)]
	}
	return string(b)
}
