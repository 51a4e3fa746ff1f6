package evaluation

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Tables in the key-value store.
const (
	tblEvaluator = "evaluator"      // acct/id -> Evaluator
	tblName      = "evaluator_name" // acct/name -> id
)

func evalKey(acct, id string) string { return acct + "/" + id }

func (s *Service) customRev(ctx context.Context, acct, id string) (*Evaluator, int64, error) {
	e, rev, err := store.GetJSON[Evaluator](ctx, s.kv, tblEvaluator, evalKey(acct, id))
	if errs.KindOf(err) == errs.NotFound {
		return nil, 0, errs.E(errs.NotFound, "evaluator %s not found", id)
	}
	return e, rev, err
}

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand never fails on Linux
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

// CustomARN is the ARN of an account's custom evaluator.
func CustomARN(region, acct, id string) string {
	return fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:evaluator/%s", region, acct, id)
}

// BuiltinARN is the ARN of a built-in evaluator ("Builtin.<Name>").
func BuiltinARN(id string) string { return "arn:aws:bedrock-agentcore:::evaluator/" + id }
