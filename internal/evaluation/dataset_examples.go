package evaluation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// AddExamples appends examples to the DRAFT (all or nothing) and returns
// the dataset and the new example ids, in order.
func (d *Datasets) AddExamples(ctx context.Context, id string, src DatasetSource) (*Dataset, []string, error) {
	examples, err := d.sourceExamples(src)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	ds, err := d.change(ctx, id, func(ds *Dataset) error {
		if err := d.checkExamples(ds.SchemaType, examples, false); err != nil {
			return err
		}
		if ds.ExampleCount+int64(len(examples)) > int64(d.o.MaxExamples) {
			return errs.Field("source", "dataset %s has %d examples; adding %d would exceed the limit of %d", ds.ID, ds.ExampleCount, len(examples), d.o.MaxExamples)
		}
		ds.ExampleCount += int64(len(examples))
		ds.DraftStatus = DraftModified
		return nil
	}, func(acct string, ds *Dataset) ([]store.Op, error) {
		ids = newExampleIDs(d.o.Now(), len(examples))
		return exampleOps(examplePrefix(acct, ds.ID, 0), examples, ids), nil
	})
	return ds, ids, err
}

// UpdateExamples replaces DRAFT examples by exampleId (all or nothing: an
// unknown id fails the whole request with ResourceNotFoundException).
func (d *Datasets) UpdateExamples(ctx context.Context, id string, examples []map[string]any) (*Dataset, int, error) {
	ds, err := d.change(ctx, id, func(ds *Dataset) error {
		if err := d.checkExamples(ds.SchemaType, examples, true); err != nil {
			return err
		}
		ds.DraftStatus = DraftModified
		return nil
	}, func(acct string, ds *Dataset) ([]store.Op, error) {
		prefix := examplePrefix(acct, ds.ID, 0)
		ops := make([]store.Op, len(examples))
		for i, ex := range examples {
			eid := ex[exampleIDField].(string)
			it, err := d.kv.Get(ctx, tblDatasetExample, prefix+eid)
			if errs.KindOf(err) == errs.NotFound {
				return nil, errs.E(errs.NotFound, "example %s not found in the DRAFT of dataset %s", eid, ds.ID)
			}
			if err != nil {
				return nil, err
			}
			ops[i] = store.UpdateJSON(tblDatasetExample, prefix+eid, it.Revision, ex)
		}
		return ops, nil
	})
	if err != nil {
		return nil, 0, err
	}
	return ds, len(examples), nil
}

// DeleteExamples removes DRAFT examples by id (all or nothing).
func (d *Datasets) DeleteExamples(ctx context.Context, id string, exampleIDs []string) (*Dataset, int, error) {
	if len(exampleIDs) == 0 {
		return nil, 0, errs.Field("exampleIds", "at least one exampleId is required")
	}
	if len(exampleIDs) > d.o.MaxExamplesPerCall {
		return nil, 0, errs.Field("exampleIds", "%d exampleIds in one request; at most %d are allowed", len(exampleIDs), d.o.MaxExamplesPerCall)
	}
	seen := map[string]bool{}
	for i, eid := range exampleIDs {
		if !exampleIDRE.MatchString(eid) {
			return nil, 0, errs.Field(fmt.Sprintf("exampleIds[%d]", i), "%q is not an example id", eid)
		}
		if seen[eid] {
			return nil, 0, errs.Field("exampleIds", "exampleId %s appears twice", eid)
		}
		seen[eid] = true
	}
	ds, err := d.change(ctx, id, func(ds *Dataset) error {
		ds.ExampleCount -= int64(len(exampleIDs))
		ds.DraftStatus = DraftModified
		return nil
	}, func(acct string, ds *Dataset) ([]store.Op, error) {
		prefix := examplePrefix(acct, ds.ID, 0)
		ops := make([]store.Op, len(exampleIDs))
		for i, eid := range exampleIDs {
			it, err := d.kv.Get(ctx, tblDatasetExample, prefix+eid)
			if errs.KindOf(err) == errs.NotFound {
				return nil, errs.E(errs.NotFound, "example %s not found in the DRAFT of dataset %s", eid, ds.ID)
			}
			if err != nil {
				return nil, err
			}
			ops[i] = store.DeleteAt(tblDatasetExample, prefix+eid, it.Revision)
		}
		return ops, nil
	})
	if err != nil {
		return nil, 0, err
	}
	return ds, len(exampleIDs), nil
}

// ListExamples pages through the examples of a version ("" = DRAFT), in
// the order they were added. Returns the version listed.
func (d *Datasets) ListExamples(ctx context.Context, id, version string, maxResults int, token string) (*Dataset, string, []map[string]any, string, error) {
	view, err := d.Get(ctx, id, version)
	if err != nil {
		return nil, "", nil, "", err
	}
	t, _ := tenant.From(ctx)
	v, _ := parseVersion(view.Version)
	items, next, err := store.ListPage(ctx, d.kv, tblDatasetExample, examplePrefix(t.Account, view.ID, v), token, pageSize(maxResults))
	if err != nil {
		return nil, "", nil, "", err
	}
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		var ex map[string]any
		if err := json.Unmarshal(it.Value, &ex); err != nil {
			return nil, "", nil, "", fmt.Errorf("decode example %s: %w", it.Key, err)
		}
		out = append(out, ex)
	}
	return &view.Dataset, view.Version, out, next, nil
}

// AllExamples returns every example of a version (for batch runs).
func (d *Datasets) AllExamples(ctx context.Context, id, version string) ([]map[string]any, error) {
	var all []map[string]any
	token := ""
	for {
		_, _, page, next, err := d.ListExamples(ctx, id, version, 1000, token)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == "" {
			return all, nil
		}
		token = next
	}
}

// CreateVersion snapshots the DRAFT as the next numbered version. The
// examples are copied first (in chunks, under the new number) and the
// version becomes visible with the revision-checked dataset write; a DRAFT
// changed meanwhile makes the whole copy run again.
func (d *Datasets) CreateVersion(ctx context.Context, id string) (*Dataset, *DatasetVersion, error) {
	var dv *DatasetVersion
	ds, err := d.change(ctx, id, func(ds *Dataset) error { return nil }, func(acct string, ds *Dataset) ([]store.Op, error) {
		next := ds.LatestVersion + 1
		src, dst := examplePrefix(acct, ds.ID, 0), examplePrefix(acct, ds.ID, next)
		if err := d.deletePrefix(ctx, tblDatasetExample, dst); err != nil { // leftovers of a lost race
			return nil, err
		}
		var n int64
		after := ""
		for {
			items, err := d.kv.List(ctx, tblDatasetExample, src, after, 500)
			if err != nil {
				return nil, err
			}
			if len(items) == 0 {
				break
			}
			ops := make([]store.Op, len(items))
			for i, it := range items {
				ops[i] = store.Op{Kind: store.OpPut, Table: tblDatasetExample, Key: dst + it.Key[len(src):], Value: it.Value}
			}
			if err := d.kv.Txn(ctx, ops...); err != nil {
				return nil, err
			}
			n += int64(len(items))
			after = items[len(items)-1].Key
		}
		if n != ds.ExampleCount {
			return nil, store.ErrConcurrent // the DRAFT changed while copying
		}
		dv = &DatasetVersion{Version: fmt.Sprint(next), ExampleCount: n, CreatedAt: d.o.Now().UTC()}
		ds.LatestVersion, ds.DraftStatus = next, DraftUnmodified
		return []store.Op{store.CreateJSON(tblDatasetVersion, acct+"/"+ds.ID+"/"+verSeg(next), dv)}, nil
	})
	if err != nil {
		return nil, nil, err
	}
	d.log.Info("dataset version created", "id", ds.ID, "version", dv.Version, "examples", dv.ExampleCount)
	return ds, dv, nil
}

// ListVersions pages through a dataset's versions, oldest first.
func (d *Datasets) ListVersions(ctx context.Context, id string, maxResults int, token string) ([]*DatasetVersion, string, error) {
	view, err := d.Get(ctx, id, "")
	if err != nil {
		return nil, "", err
	}
	t, _ := tenant.From(ctx)
	return store.ListJSON[DatasetVersion](ctx, d.kv, tblDatasetVersion, t.Account+"/"+view.ID+"/", token, pageSize(maxResults))
}
