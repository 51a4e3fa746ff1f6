package evaluation

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Create makes a dataset with its first examples in the DRAFT (all in one
// transaction with the name claim and the tags). It is ACTIVE at once.
func (d *Datasets) Create(ctx context.Context, in CreateDatasetInput) (*Dataset, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if !datasetNameRE.MatchString(in.Name) {
		return nil, errs.Field("datasetName", "datasetName %q must match [a-zA-Z][a-zA-Z0-9_]{0,47}", in.Name)
	}
	if len(in.Description) > 4096 {
		return nil, errs.Field("description", "description is at most 4096 characters")
	}
	if !validSchemaType(in.SchemaType) {
		return nil, errs.Field("schemaType", "schemaType must be %s, %s or %s (got %q)", SchemaPredefinedV1, SchemaSimulatedV1, SchemaThirdPartyV1, in.SchemaType)
	}
	if in.KmsKeyArn != "" && !kmsRE.MatchString(in.KmsKeyArn) {
		return nil, errs.Field("kmsKeyArn", "kmsKeyArn %q is not a KMS key ARN", in.KmsKeyArn)
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	examples, err := d.sourceExamples(in.Source)
	if err != nil {
		return nil, err
	}
	if err := d.checkExamples(in.SchemaType, examples, false); err != nil {
		return nil, err
	}
	if len(examples) > d.o.MaxExamples {
		return nil, errs.Field("source", "a dataset holds at most %d examples", d.o.MaxExamples)
	}
	now := d.o.Now().UTC()
	id := in.Name + "-" + randomString(10, alnum)
	ds := &Dataset{ID: id, Name: in.Name, ARN: DatasetARN(t.Region, t.Account, id), Description: in.Description,
		SchemaType: in.SchemaType, KmsKeyArn: in.KmsKeyArn, Status: DatasetActive, DraftStatus: DraftModified,
		ExampleCount: int64(len(examples)), CreatedAt: now, UpdatedAt: now}
	ops := []store.Op{store.CreateJSON(tblDatasetName, datasetKey(t.Account, in.Name), id),
		store.CreateJSON(tblDataset, datasetKey(t.Account, id), ds)}
	ops = append(ops, exampleOps(examplePrefix(t.Account, id, 0), examples, newExampleIDs(now, len(examples)))...)
	err = d.kv.Txn(ctx, append(ops, tagging.PutOps(ds.ARN, in.Tags)...)...)
	if errs.KindOf(err) == errs.Conflict {
		return nil, errs.E(errs.Conflict, "a dataset named %s already exists", in.Name)
	}
	if err != nil {
		return nil, err
	}
	d.log.Info("dataset created", "id", id, "examples", len(examples))
	return ds, nil
}

// exampleOps stores examples under prefix with their ids.
func exampleOps(prefix string, examples []map[string]any, ids []string) []store.Op {
	ops := make([]store.Op, len(examples))
	for i, ex := range examples {
		doc := make(map[string]any, len(ex)+1)
		for k, v := range ex {
			doc[k] = v
		}
		doc[exampleIDField] = ids[i]
		ops[i] = store.CreateJSON(tblDatasetExample, prefix+ids[i], doc)
	}
	return ops
}

// sourceExamples reads a DataSourceType: inline examples, or JSON Lines /
// a JSON array at s3://bucket/key of the server's artifact store.
func (d *Datasets) sourceExamples(src DatasetSource) ([]map[string]any, error) {
	switch {
	case src.S3URI != "" && src.Examples != nil:
		return nil, errs.Field("source", "source must have exactly one of inlineExamples and s3Source")
	case src.S3URI == "":
		return src.Examples, nil
	case d.o.Artifacts == nil:
		return nil, errs.Field("source.s3Source", "s3Source is not supported here: no artifact store is configured; use inlineExamples")
	}
	bucket, key, ok := strings.Cut(strings.TrimPrefix(src.S3URI, "s3://"), "/")
	if !strings.HasPrefix(src.S3URI, "s3://") || !ok || bucket == "" || key == "" {
		return nil, errs.Field("source.s3Source.s3Uri", "s3Uri %q must be s3://BUCKET/KEY", src.S3URI)
	}
	b, err := d.o.Artifacts(bucket, key)
	if err != nil {
		if errs.KindOf(err) == errs.NotFound {
			return nil, errs.Field("source.s3Source.s3Uri", "%s was not found in the server's artifact store (upload it with PUT /_agentcore/artifacts/%s/%s)", src.S3URI, bucket, key)
		}
		return nil, err
	}
	if len(b) > d.o.MaxRequestBytes*4 {
		return nil, errs.Field("source.s3Source.s3Uri", "%s is larger than %d bytes", src.S3URI, d.o.MaxRequestBytes*4)
	}
	var out []map[string]any
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(t, &out); err != nil {
			return nil, errs.Field("source.s3Source.s3Uri", "%s is not a JSON array of objects: %v", src.S3URI, err)
		}
		return out, nil
	}
	for i, line := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var ex map[string]any
		if err := json.Unmarshal(line, &ex); err != nil {
			return nil, errs.Field("source.s3Source.s3Uri", "%s line %d is not a JSON object: %v", src.S3URI, i+1, err)
		}
		out = append(out, ex)
	}
	return out, nil
}

// Get returns a dataset as seen at version ("" = DRAFT).
func (d *Datasets) Get(ctx context.Context, id, version string) (*DatasetView, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if id, err = datasetID(t, id); err != nil {
		return nil, err
	}
	v, err := parseVersion(version)
	if err != nil {
		return nil, err
	}
	ds, _, err := d.datasetRev(ctx, t.Account, id)
	if err != nil {
		return nil, err
	}
	view := &DatasetView{Dataset: *ds, Version: DraftVersion, VersionCount: ds.ExampleCount, VersionAt: ds.UpdatedAt}
	if v > 0 {
		dv, err := d.version(ctx, t.Account, id, v)
		if err != nil {
			return nil, err
		}
		view.Version, view.VersionCount, view.VersionAt = dv.Version, dv.ExampleCount, dv.CreatedAt
	}
	return view, nil
}

// Update changes a dataset's description.
func (d *Datasets) Update(ctx context.Context, id string, description *string) (*Dataset, error) {
	if description != nil && len(*description) > 4096 {
		return nil, errs.Field("description", "description is at most 4096 characters")
	}
	return d.change(ctx, id, func(ds *Dataset) error {
		if description != nil {
			ds.Description = *description
		}
		return nil
	}, nil)
}

// change is a revision-checked read-modify-write of a dataset record plus
// extra ops built from it.
func (d *Datasets) change(ctx context.Context, id string, apply func(*Dataset) error, extra func(acct string, ds *Dataset) ([]store.Op, error)) (*Dataset, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if id, err = datasetID(t, id); err != nil {
		return nil, err
	}
	var ds *Dataset
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		if ds, rev, err = d.datasetRev(ctx, t.Account, id); err != nil {
			return err
		}
		if err := apply(ds); err != nil {
			return err
		}
		var ops []store.Op
		if extra != nil {
			if ops, err = extra(t.Account, ds); err != nil {
				return err
			}
		}
		ds.UpdatedAt = d.o.Now().UTC()
		return d.kv.Txn(ctx, append(ops, store.UpdateJSON(tblDataset, datasetKey(t.Account, id), rev, ds))...)
	})
	return ds, err
}

// Delete removes a whole dataset (version "") or one version of it.
// Returns the dataset and the version deleted ("DRAFT" for the whole).
func (d *Datasets) Delete(ctx context.Context, id, version string) (*Dataset, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	if id, err = datasetID(t, id); err != nil {
		return nil, "", err
	}
	if version == DraftVersion {
		return nil, "", errs.Field("datasetVersion", "the DRAFT cannot be deleted on its own; omit datasetVersion to delete the dataset")
	}
	v, err := parseVersion(version)
	if err != nil {
		return nil, "", err
	}
	if v > 0 {
		ds, err := d.change(ctx, id, func(*Dataset) error { return nil }, func(acct string, ds *Dataset) ([]store.Op, error) {
			if _, err := d.version(ctx, acct, id, v); err != nil {
				return nil, err
			}
			return []store.Op{store.DeleteAny(tblDatasetVersion, acct+"/"+id+"/"+verSeg(v))}, nil
		})
		if err != nil {
			return nil, "", err
		}
		if err := d.deletePrefix(ctx, tblDatasetExample, examplePrefix(t.Account, id, v)); err != nil {
			d.log.Warn("deleting a dataset version's examples", "id", id, "version", v, "err", err)
		}
		d.log.Info("dataset version deleted", "id", id, "version", v)
		return ds, version, nil
	}
	var ds *Dataset
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		if ds, rev, err = d.datasetRev(ctx, t.Account, id); err != nil {
			return err
		}
		return d.kv.Txn(ctx, store.DeleteAt(tblDataset, datasetKey(t.Account, id), rev),
			store.DeleteAny(tblDatasetName, datasetKey(t.Account, ds.Name)), tagging.DeleteOp(ds.ARN))
	})
	if err != nil {
		return nil, "", err
	}
	for _, tbl := range []string{tblDatasetExample, tblDatasetVersion} {
		if err := d.deletePrefix(ctx, tbl, t.Account+"/"+id+"/"); err != nil {
			d.log.Warn("deleting a dataset's items", "id", id, "table", tbl, "err", err)
		}
	}
	d.log.Info("dataset deleted", "id", id)
	ds.Status, ds.UpdatedAt = DatasetDeleting, d.o.Now().UTC()
	return ds, DraftVersion, nil
}

// List pages through the account's datasets.
func (d *Datasets) List(ctx context.Context, maxResults int, token string) ([]*Dataset, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	return store.ListJSON[Dataset](ctx, d.kv, tblDataset, t.Account+"/", token, pageSize(maxResults))
}

func pageSize(n int) int {
	if n <= 0 {
		return 100
	}
	return n
}
