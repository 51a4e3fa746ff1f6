package evaluation

import (
	"context"
	"crypto/rand"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Tables of the dataset service.
const (
	tblDataset        = "evaluation_dataset"         // acct/id -> Dataset
	tblDatasetName    = "evaluation_dataset_name"    // acct/name -> id
	tblDatasetVersion = "evaluation_dataset_version" // acct/id/NNNNNNNNNN -> DatasetVersion
	tblDatasetExample = "evaluation_dataset_example" // acct/id/(DRAFT|NNNNNNNNNN)/exampleId -> example
)

var (
	datasetNameRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,47}$`)
	datasetIDRE   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,47}-[a-zA-Z0-9]{10}$`)
	exampleIDRE   = regexp.MustCompile(`^[a-z0-9]{1,64}$`)
)

func datasetKey(acct, id string) string { return acct + "/" + id }

// verSeg is a version's key segment: DRAFT or the zero-padded number.
func verSeg(v int64) string {
	if v == 0 {
		return DraftVersion
	}
	return fmt.Sprintf("%010d", v)
}

func examplePrefix(acct, id string, v int64) string { return acct + "/" + id + "/" + verSeg(v) + "/" }

// DatasetARN is a dataset's ARN.
func DatasetARN(region, acct, id string) string {
	return fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:dataset/%s", region, acct, id)
}

func randomString(n int, set string) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand never fails on Linux
	for i := range b {
		b[i] = set[int(b[i])%len(set)]
	}
	return string(b)
}

// newExampleIDs makes n example ids that sort in the order given (listing
// order is insertion order).
func newExampleIDs(now time.Time, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%013x%04x%s", now.UnixMicro(), i, randomString(7, "abcdefghijklmnopqrstuvwxyz0123456789"))
	}
	return ids
}

// datasetID accepts a dataset id or its ARN (of the caller's account).
func datasetID(t tenant.Tenant, id string) (string, error) {
	if strings.HasPrefix(id, "arn:") {
		parts := strings.SplitN(id, ":", 6)
		if len(parts) != 6 || parts[4] != t.Account || !strings.HasPrefix(parts[5], "dataset/") {
			return "", errs.E(errs.NotFound, "dataset %s not found", id)
		}
		id = strings.TrimPrefix(parts[5], "dataset/")
	}
	if !datasetIDRE.MatchString(id) {
		return "", errs.Field("datasetId", "%q is not a dataset id (NAME-XXXXXXXXXX)", id)
	}
	return id, nil
}

// parseVersion reads a datasetVersion: "" or DRAFT = 0, else 1..N.
func parseVersion(v string) (int64, error) {
	if v == "" || v == DraftVersion {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 || n > 9999999999 {
		return 0, errs.Field("datasetVersion", "datasetVersion %q must be DRAFT or a version number (1, 2, ...)", v)
	}
	return n, nil
}

func (d *Datasets) datasetRev(ctx context.Context, acct, id string) (*Dataset, int64, error) {
	ds, rev, err := store.GetJSON[Dataset](ctx, d.kv, tblDataset, datasetKey(acct, id))
	if errs.KindOf(err) == errs.NotFound {
		return nil, 0, errs.E(errs.NotFound, "dataset %s not found", id)
	}
	return ds, rev, err
}

func (d *Datasets) version(ctx context.Context, acct, id string, v int64) (*DatasetVersion, error) {
	dv, _, err := store.GetJSON[DatasetVersion](ctx, d.kv, tblDatasetVersion, acct+"/"+id+"/"+verSeg(v))
	if errs.KindOf(err) == errs.NotFound {
		return nil, errs.E(errs.NotFound, "version %d of dataset %s not found", v, id)
	}
	return dv, err
}

// deletePrefix removes every item under prefix in chunks (after the owning
// record is gone: leftovers of a crash are unreachable, not half-visible).
func (d *Datasets) deletePrefix(ctx context.Context, tbl, prefix string) error {
	for {
		items, err := d.kv.List(ctx, tbl, prefix, "", 500)
		if err != nil || len(items) == 0 {
			return err
		}
		ops := make([]store.Op, len(items))
		for i, it := range items {
			ops[i] = store.DeleteAny(tbl, it.Key)
		}
		if err := d.kv.Txn(ctx, ops...); err != nil {
			return err
		}
	}
}

// Exists reports whether arn names a live dataset of the caller (tagging).
func (d *Datasets) Exists(ctx context.Context, arn string) bool {
	i := strings.Index(arn, ":dataset/")
	t, err := tenant.From(ctx)
	if i < 0 || err != nil {
		return false
	}
	ds, _, err := d.datasetRev(ctx, t.Account, arn[i+len(":dataset/"):])
	return err == nil && ds.ARN == arn
}
