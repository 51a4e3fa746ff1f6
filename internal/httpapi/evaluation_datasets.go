package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/evaluation"
)

// Dataset operations (bedrock-agentcore-control). Wire shapes in
// wire_evaluation_datasets.go.

func dsOp[In, Out any](s *Server, status int, fn func(ctx context.Context, svc *evaluation.Datasets, in *In) (*Out, error)) handler {
	return op(status, func(ctx context.Context, in *In) (*Out, error) {
		return fn(ctx, s.cfg.Datasets, in)
	})
}

func (s *Server) evaluationDatasetRoutes() []route {
	return []route{
		{Method: "POST", Path: "/datasets", Op: "CreateDataset", H: s.idem("CreateDataset", s.createDataset)},
		{Method: "GET", Path: "/datasets/{datasetId}", Op: "GetDataset", H: s.getDataset},
		{Method: "PUT", Path: "/datasets/{datasetId}", Op: "UpdateDataset", H: s.idem("UpdateDataset", s.updateDataset)},
		{Method: "DELETE", Path: "/datasets/{datasetId}", Op: "DeleteDataset", H: s.deleteDataset},
		{Method: "GET", Path: "/datasets", Op: "ListDatasets", H: s.listDatasets},
		{Method: "POST", Path: "/datasets/{datasetId}/versions", Op: "CreateDatasetVersion", H: s.idem("CreateDatasetVersion", s.createDatasetVersion)},
		{Method: "GET", Path: "/datasets/{datasetId}/versions", Op: "ListDatasetVersions", H: s.listDatasetVersions},
		{Method: "POST", Path: "/datasets/{datasetId}/examples/add", Op: "AddDatasetExamples", H: s.idem("AddDatasetExamples", s.addDatasetExamples)},
		{Method: "POST", Path: "/datasets/{datasetId}/examples/update", Op: "UpdateDatasetExamples", H: s.idem("UpdateDatasetExamples", s.updateDatasetExamples)},
		{Method: "POST", Path: "/datasets/{datasetId}/examples/delete", Op: "DeleteDatasetExamples", H: s.idem("DeleteDatasetExamples", s.deleteDatasetExamples)},
		{Method: "GET", Path: "/datasets/{datasetId}/examples", Op: "ListDatasetExamples", H: s.listDatasetExamples},
		// The POST forms of botocore's model (body-bound page).
		{Method: "POST", Path: "/datasets/list", Op: "ListDatasets", H: s.listDatasetsPost},
		{Method: "POST", Path: "/datasets/{datasetId}/versions/list", Op: "ListDatasetVersions", H: s.listDatasetVersionsPost},
		{Method: "POST", Path: "/datasets/{datasetId}/examples/list", Op: "ListDatasetExamples", H: s.listDatasetExamplesPost},
	}
}

func (s *Server) createDataset(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return dsOp(s, http.StatusAccepted, func(ctx context.Context, svc *evaluation.Datasets, in *createDatasetInput) (*createDatasetOutput, error) {
		src, err := in.Source.domain()
		if err != nil {
			return nil, err
		}
		ds, err := svc.Create(ctx, evaluation.CreateDatasetInput{Name: in.DatasetName, Description: in.Description,
			SchemaType: in.SchemaType, KmsKeyArn: in.KmsKeyArn, Source: src, Tags: in.Tags})
		if err != nil {
			return nil, err
		}
		return &createDatasetOutput{CreatedAt: epoch(ds.CreatedAt), DatasetArn: ds.ARN, DatasetID: ds.ID, Status: ds.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) getDataset(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return dsOp(s, http.StatusOK, func(ctx context.Context, svc *evaluation.Datasets, in *datasetVersionQuery) (*getDatasetOutput, error) {
		v, err := svc.Get(ctx, in.DatasetID, in.DatasetVersion)
		if err != nil {
			return nil, err
		}
		out := &getDatasetOutput{CreatedAt: epoch(v.CreatedAt), DatasetArn: v.ARN, DatasetID: v.ID, DatasetName: v.Name,
			DatasetVersion: v.Version, Description: v.Description, ExampleCount: v.VersionCount, KmsKeyArn: v.KmsKeyArn,
			SchemaType: v.SchemaType, Status: v.Status, UpdatedAt: epoch(v.UpdatedAt)}
		if v.Version == evaluation.DraftVersion {
			out.DraftStatus = v.DraftStatus
		}
		if s.cfg.Tags != nil {
			if tags, err := s.cfg.Tags.List(ctx, v.ARN); err == nil && len(tags) > 0 {
				out.Tags = tags
			}
		}
		return out, nil
	})(ctx, w, r, p)
}

func (s *Server) updateDataset(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return dsOp(s, http.StatusOK, func(ctx context.Context, svc *evaluation.Datasets, in *updateDatasetInput) (*updateDatasetOutput, error) {
		ds, err := svc.Update(ctx, in.DatasetID, in.Description)
		if err != nil {
			return nil, err
		}
		return &updateDatasetOutput{DatasetArn: ds.ARN, DatasetID: ds.ID, UpdatedAt: epoch(ds.UpdatedAt)}, nil
	})(ctx, w, r, p)
}

func (s *Server) deleteDataset(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return dsOp(s, http.StatusAccepted, func(ctx context.Context, svc *evaluation.Datasets, in *datasetVersionQuery) (*deleteDatasetOutput, error) {
		ds, ver, err := svc.Delete(ctx, in.DatasetID, in.DatasetVersion)
		if err != nil {
			return nil, err
		}
		return &deleteDatasetOutput{DatasetArn: ds.ARN, DatasetID: ds.ID, DatasetVersion: ver, Status: ds.Status, UpdatedAt: epoch(ds.UpdatedAt)}, nil
	})(ctx, w, r, p)
}

func (s *Server) listDatasets(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return dsOp(s, http.StatusOK, func(ctx context.Context, svc *evaluation.Datasets, in *listDatasetsInput) (*listDatasetsOutput, error) {
		pg := in.page()
		items, next, err := svc.List(ctx, pg.MaxResults, pg.NextToken)
		if err != nil {
			return nil, err
		}
		return &listDatasetsOutput{Datasets: mapItems(items, datasetSummaryOf), NextToken: nullIfEmpty(next)}, nil
	})(ctx, w, r, p)
}

func (s *Server) createDatasetVersion(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return dsOp(s, http.StatusAccepted, func(ctx context.Context, svc *evaluation.Datasets, in *createDatasetVersionInput) (*createDatasetVersionOutput, error) {
		ds, dv, err := svc.CreateVersion(ctx, in.DatasetID)
		if err != nil {
			return nil, err
		}
		return &createDatasetVersionOutput{CreatedAt: epoch(dv.CreatedAt), DatasetArn: ds.ARN, DatasetID: ds.ID, DatasetVersion: dv.Version, Status: ds.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) listDatasetVersions(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return dsOp(s, http.StatusOK, func(ctx context.Context, svc *evaluation.Datasets, in *listDatasetVersionsInput) (*listDatasetVersionsOutput, error) {
		return s.datasetVersions(ctx, svc, in.DatasetID, in.listQuery)
	})(ctx, w, r, p)
}

func (s *Server) datasetVersions(ctx context.Context, svc *evaluation.Datasets, id string, q listQuery) (*listDatasetVersionsOutput, error) {
	{
		pg := q.page()
		items, next, err := svc.ListVersions(ctx, id, pg.MaxResults, pg.NextToken)
		if err != nil {
			return nil, err
		}
		return &listDatasetVersionsOutput{Versions: mapItems(items, func(v *evaluation.DatasetVersion) datasetVersionSummary {
			return datasetVersionSummary{CreatedAt: epoch(v.CreatedAt), DatasetVersion: v.Version, ExampleCount: v.ExampleCount}
		}), NextToken: nullIfEmpty(next)}, nil
	}
}

func (s *Server) addDatasetExamples(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return dsOp(s, http.StatusAccepted, func(ctx context.Context, svc *evaluation.Datasets, in *addDatasetExamplesInput) (*addDatasetExamplesOutput, error) {
		src, err := in.Source.domain()
		if err != nil {
			return nil, err
		}
		ds, ids, err := svc.AddExamples(ctx, in.DatasetID, src)
		if err != nil {
			return nil, err
		}
		return &addDatasetExamplesOutput{AddedCount: int64(len(ids)), DatasetArn: ds.ARN, DatasetID: ds.ID, ExampleIDs: ids, Status: ds.Status, UpdatedAt: epoch(ds.UpdatedAt)}, nil
	})(ctx, w, r, p)
}

func (s *Server) updateDatasetExamples(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return dsOp(s, http.StatusAccepted, func(ctx context.Context, svc *evaluation.Datasets, in *updateDatasetExamplesInput) (*updateDatasetExamplesOutput, error) {
		ds, n, err := svc.UpdateExamples(ctx, in.DatasetID, in.Examples)
		if err != nil {
			return nil, err
		}
		return &updateDatasetExamplesOutput{DatasetArn: ds.ARN, DatasetID: ds.ID, Status: ds.Status, UpdatedAt: epoch(ds.UpdatedAt), UpdatedCount: int64(n)}, nil
	})(ctx, w, r, p)
}

func (s *Server) deleteDatasetExamples(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return dsOp(s, http.StatusAccepted, func(ctx context.Context, svc *evaluation.Datasets, in *deleteDatasetExamplesInput) (*deleteDatasetExamplesOutput, error) {
		ds, n, err := svc.DeleteExamples(ctx, in.DatasetID, in.ExampleIDs)
		if err != nil {
			return nil, err
		}
		return &deleteDatasetExamplesOutput{DatasetArn: ds.ARN, DatasetID: ds.ID, DeletedCount: int64(n), Status: ds.Status, UpdatedAt: epoch(ds.UpdatedAt)}, nil
	})(ctx, w, r, p)
}

func (s *Server) listDatasetExamples(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return dsOp(s, http.StatusOK, func(ctx context.Context, svc *evaluation.Datasets, in *listDatasetExamplesInput) (*listDatasetExamplesOutput, error) {
		return s.datasetExamples(ctx, svc, in.DatasetID, in.DatasetVersion, in.listQuery)
	})(ctx, w, r, p)
}

func (s *Server) datasetExamples(ctx context.Context, svc *evaluation.Datasets, id, version string, q listQuery) (*listDatasetExamplesOutput, error) {
	pg := q.page()
	ds, ver, examples, next, err := svc.ListExamples(ctx, id, version, pg.MaxResults, pg.NextToken)
	if err != nil {
		return nil, err
	}
	return &listDatasetExamplesOutput{DatasetArn: ds.ARN, DatasetID: ds.ID, DatasetVersion: ver, Examples: examples, NextToken: nullIfEmpty(next)}, nil
}

func (s *Server) listDatasetsPost(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return dsOp(s, http.StatusOK, func(ctx context.Context, svc *evaluation.Datasets, in *listDatasetsBody) (*listDatasetsOutput, error) {
		q := in.query()
		pg := q.page()
		items, next, err := svc.List(ctx, pg.MaxResults, pg.NextToken)
		if err != nil {
			return nil, err
		}
		return &listDatasetsOutput{Datasets: mapItems(items, datasetSummaryOf), NextToken: nullIfEmpty(next)}, nil
	})(ctx, w, r, p)
}

func (s *Server) listDatasetVersionsPost(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return dsOp(s, http.StatusOK, func(ctx context.Context, svc *evaluation.Datasets, in *listDatasetVersionsBody) (*listDatasetVersionsOutput, error) {
		return s.datasetVersions(ctx, svc, in.DatasetID, in.query())
	})(ctx, w, r, p)
}

func (s *Server) listDatasetExamplesPost(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return dsOp(s, http.StatusOK, func(ctx context.Context, svc *evaluation.Datasets, in *listDatasetExamplesBody) (*listDatasetExamplesOutput, error) {
		return s.datasetExamples(ctx, svc, in.DatasetID, in.DatasetVersion, in.query())
	})(ctx, w, r, p)
}
