// Package s3 stores artifacts in an S3-compatible object store (AWS S3,
// MinIO, SeaweedFS, Ceph RGW…) through the AWS SDK's S3 client, so every
// replica reads what any of them stored. The server's buckets and keys map
// to objects PREFIX/BUCKET/KEY of one store bucket. Uploads stream in 8 MiB
// multipart parts (an object is never held in memory whole); the object
// appears when the upload completes, and a failed upload is aborted.
package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// PartBytes is the multipart upload part size (S3's minimum is 5 MiB).
const PartBytes = 8 << 20

// Store is an S3-backed artifact.Store.
type Store struct {
	client *awss3.Client
	bucket string
	prefix string // "" or ending in "/"
}

var _ artifact.Store = (*Store)(nil)

// Open parses an --artifact-store URL, s3://BUCKET[/PREFIX][?endpoint=URL&
// region=REGION&path-style=true|false], and returns a store on it.
// Credentials come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY, shared config files, instance roles); the
// endpoint may also come from AWS_ENDPOINT_URL_S3. With an endpoint,
// path-style addressing is the default (what S3-compatible servers serve).
func Open(ctx context.Context, raw string) (*Store, error) {
	u, err := ParseURL(raw)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	region := q.Get("region")
	if region == "" {
		region = "us-east-1"
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return nil, fmt.Errorf("artifact store %s: %w", raw, err)
	}
	endpoint := q.Get("endpoint")
	pathStyle := q.Get("path-style") == "true" || (endpoint != "" && q.Get("path-style") != "false")
	client := awss3.NewFromConfig(cfg, func(o *awss3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		o.UsePathStyle = pathStyle
		// Checksums only where the API requires them: S3-compatible
		// servers differ in the trailing-checksum encodings they accept.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	prefix := strings.Trim(u.Path, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &Store{client: client, bucket: u.Host, prefix: prefix}, nil
}

// ParseURL checks an s3:// artifact store URL.
func ParseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return nil, fmt.Errorf("artifact store %q: want s3://BUCKET[/PREFIX][?endpoint=URL&region=REGION]", raw)
	}
	if e := u.Query().Get("endpoint"); e != "" {
		if eu, err := url.Parse(e); err != nil || (eu.Scheme != "http" && eu.Scheme != "https") || eu.Host == "" {
			return nil, fmt.Errorf("artifact store %q: endpoint %q is not an http(s) URL", raw, e)
		}
	}
	return u, nil
}

func (s *Store) object(bucket, key string) (string, error) {
	if err := artifact.CheckName(bucket, key); err != nil {
		return "", err
	}
	return s.prefix + bucket + "/" + key, nil
}

// Put implements artifact.Store: one PutObject for an object up to one
// part, else a multipart upload, aborted when the reader or a part fails.
func (s *Store) Put(ctx context.Context, bucket, key string, r io.Reader) (int64, error) {
	obj, err := s.object(bucket, key)
	if err != nil {
		return 0, err
	}
	buf := make([]byte, PartBytes)
	n, rerr := io.ReadFull(r, buf)
	if rerr != nil && !errors.Is(rerr, io.EOF) && !errors.Is(rerr, io.ErrUnexpectedEOF) {
		return 0, fmt.Errorf("put %s/%s: %w", bucket, key, rerr)
	}
	if rerr != nil { // all of it fits one part
		_, err := s.client.PutObject(ctx, &awss3.PutObjectInput{Bucket: &s.bucket, Key: &obj,
			Body: bytes.NewReader(buf[:n]), ContentLength: aws.Int64(int64(n))})
		if err != nil {
			return 0, fmt.Errorf("put %s/%s: %w", bucket, key, err)
		}
		return int64(n), nil
	}
	up, err := s.client.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: &s.bucket, Key: &obj})
	if err != nil {
		return 0, fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	size, err := s.upload(ctx, obj, up.UploadId, r, buf, n)
	if err != nil {
		s.client.AbortMultipartUpload(context.WithoutCancel(ctx), &awss3.AbortMultipartUploadInput{Bucket: &s.bucket, Key: &obj, UploadId: up.UploadId})
		return 0, fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	return size, nil
}

// upload sends the parts of a multipart upload (the first n bytes of buf
// already read) and completes it.
func (s *Store) upload(ctx context.Context, obj string, id *string, r io.Reader, buf []byte, n int) (int64, error) {
	var parts []types.CompletedPart
	var size int64
	for num := int32(1); n > 0; num++ {
		out, err := s.client.UploadPart(ctx, &awss3.UploadPartInput{Bucket: &s.bucket, Key: &obj, UploadId: id,
			PartNumber: aws.Int32(num), Body: bytes.NewReader(buf[:n]), ContentLength: aws.Int64(int64(n))})
		if err != nil {
			return 0, err
		}
		parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(num)})
		size += int64(n)
		var rerr error
		n, rerr = io.ReadFull(r, buf)
		if rerr != nil && !errors.Is(rerr, io.EOF) && !errors.Is(rerr, io.ErrUnexpectedEOF) {
			return 0, rerr
		}
	}
	_, err := s.client.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: &s.bucket, Key: &obj, UploadId: id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	return size, err
}

// Open implements artifact.Store.
func (s *Store) Open(ctx context.Context, bucket, key string) (io.ReadCloser, int64, error) {
	obj, err := s.object(bucket, key)
	if err != nil {
		return nil, 0, err
	}
	out, err := s.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: &s.bucket, Key: &obj})
	if err != nil {
		var nsk *types.NoSuchKey
		var api smithy.APIError
		if errors.As(err, &nsk) || (errors.As(err, &api) && (api.ErrorCode() == "NotFound" || api.ErrorCode() == "NoSuchKey")) {
			return nil, 0, errs.E(errs.NotFound, "artifact s3://%s/%s not found", bucket, key)
		}
		return nil, 0, fmt.Errorf("open %s/%s: %w", bucket, key, err)
	}
	return out.Body, aws.ToInt64(out.ContentLength), nil
}

// Delete implements artifact.Store (DeleteObject; S3 answers success for
// an absent key).
func (s *Store) Delete(ctx context.Context, bucket, key string) error {
	obj, err := s.object(bucket, key)
	if err != nil {
		return err
	}
	if _, err := s.client.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: &s.bucket, Key: &obj}); err != nil {
		var api smithy.APIError
		if errors.As(err, &api) && (api.ErrorCode() == "NotFound" || api.ErrorCode() == "NoSuchKey") {
			return nil
		}
		return fmt.Errorf("delete %s/%s: %w", bucket, key, err)
	}
	return nil
}
