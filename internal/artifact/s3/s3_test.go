package s3_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/artifact/artifacttest"
	s3store "github.com/agentcore-dev/agentcore/internal/artifact/s3"
	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// startS3 runs an S3-compatible server (gofakes3, the S3 server rclone's
// `serve s3` is built on, with its in-memory backend) on loopback and
// returns an --artifact-store URL for a fresh bucket on it.
func startS3(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDS3TEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	ctx := context.Background()
	client := awss3.New(awss3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials: aws.AnonymousCredentials{}})
	if _, err := client.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("agentcore-artifacts")}); err != nil {
		t.Fatal(err)
	}
	return "s3://agentcore-artifacts/replicas?endpoint=" + srv.URL
}

func TestConformance(t *testing.T) {
	artifacttest.Run(t, func(t *testing.T) (artifact.Store, func() artifact.Store) {
		u := startS3(t)
		open := func() artifact.Store {
			s, err := s3store.Open(context.Background(), u)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		return open(), open
	}, artifacttest.Options{})
}

func TestBadURLs(t *testing.T) {
	for _, u := range []string{"s3://", "http://bucket", "s3://bucket?endpoint=ftp://x", "s3://bucket?endpoint=nohost"} {
		if _, err := s3store.ParseURL(u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	if _, err := s3store.ParseURL("s3://b/p/q?endpoint=http://127.0.0.1:9000&region=eu-west-1"); err != nil {
		t.Error(err)
	}
}
