// Package sigv4 verifies AWS Signature Version 4 requests against the
// credentials configured on the server. A request is verified by re-signing
// a copy of it (its method, URL and only the headers it lists in
// SignedHeaders, at its own X-Amz-Date) with the aws-sdk-go-v2 signer and
// comparing signatures, so the canonicalisation is exactly the SDK's.
//
// AWS semantics are kept: a request is valid within 15 minutes of its
// X-Amz-Date (so an identical request may be replayed inside that window,
// as on AWS); an expired date, another secret, or any change to the method,
// path, query, a signed header or the body fails.
package sigv4

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Algorithm is the only signing algorithm accepted.
const Algorithm = "AWS4-HMAC-SHA256"

// Skew is how far X-Amz-Date may be from the server's clock.
const Skew = 15 * time.Minute

// MaxPresignExpiry bounds X-Amz-Expires of presigned URLs (seconds).
const MaxPresignExpiry = 300

// UnsignedPayload is the X-Amz-Content-Sha256 value that leaves the body out
// of the signature.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// Credential is one access key the server accepts.
type Credential struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	Account         string `json:"account"`
}

// Error is an authentication failure with the AWS error type it is sent as
// (403).
type Error struct {
	Type    string // UnrecognizedClientException, InvalidSignatureException, ...
	Message string
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

// AWS error types of authentication failures.
const (
	TypeMissing      = "MissingAuthenticationTokenException"
	TypeUnrecognized = "UnrecognizedClientException"
	TypeSignature    = "InvalidSignatureException"
	TypeIncomplete   = "IncompleteSignatureException"
	TypeDenied       = "AccessDeniedException"
)

func fail(typ, format string, args ...any) *Error {
	return &Error{Type: typ, Message: fmt.Sprintf(format, args...)}
}

// Lookup finds the credential of an access key id (nil when unknown).
type Lookup func(accessKeyID string) *Credential

// Verifier checks signatures.
type Verifier struct {
	lookup  Lookup
	now     func() time.Time
	maxBody int64
	signer  *v4.Signer
}

// New returns a verifier over lookup. maxBody bounds the bodies it reads to
// hash (requests without X-Amz-Content-Sha256); 0 = 100 MB.
func New(lookup Lookup, maxBody int64) *Verifier {
	if maxBody <= 0 {
		maxBody = 100_000_000
	}
	return &Verifier{lookup: lookup, now: time.Now, maxBody: maxBody,
		signer: v4.NewSigner(func(o *v4.SignerOptions) { o.DisableHeaderHoisting = true })}
}

// SetClock replaces the clock (tests).
func (v *Verifier) SetClock(now func() time.Time) { v.now = now }

// Result is a verified caller.
type Result struct {
	Credential *Credential
	Region     string
	Service    string
}

// parsed is the signature material of a request.
type parsed struct {
	accessKey, date, region, service string
	signedHeaders                    []string
	signature                        string
	amzDate                          time.Time
	presigned                        bool
	expires                          int
}

// Signed reports whether r carries SigV4 material (header or query).
func Signed(r *http.Request) bool {
	return r.Header.Get("Authorization") != "" ||
		r.URL.RawQuery != "" && r.URL.Query().Get("X-Amz-Algorithm") != "" // no query parse for query-less requests
}

// Verify checks r's signature. It may replace r.Body (the body is read to be
// hashed and put back).
func (v *Verifier) Verify(ctx context.Context, r *http.Request) (*Result, error) {
	p, err := parse(r)
	if err != nil {
		return nil, err
	}
	cred := v.lookup(p.accessKey)
	if cred == nil {
		return nil, fail(TypeUnrecognized, "The security token included in the request is invalid.")
	}
	now := v.now().UTC()
	if p.presigned {
		if now.Before(p.amzDate.Add(-Skew)) {
			return nil, fail(TypeSignature, "Signature not yet current: %s is still later than %s (%s + 15 min.)",
				p.amzDate.Format(amzFormat), now.Add(Skew).Format(amzFormat), now.Format(amzFormat))
		}
		if now.After(p.amzDate.Add(time.Duration(p.expires) * time.Second)) {
			return nil, fail(TypeDenied, "Request has expired")
		}
	} else {
		if now.Sub(p.amzDate) > Skew {
			return nil, fail(TypeSignature, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
				p.amzDate.Format(amzFormat), now.Add(-Skew).Format(amzFormat), now.Format(amzFormat))
		}
		if p.amzDate.Sub(now) > Skew {
			return nil, fail(TypeSignature, "Signature not yet current: %s is still later than %s (%s + 15 min.)",
				p.amzDate.Format(amzFormat), now.Add(Skew).Format(amzFormat), now.Format(amzFormat))
		}
	}
	payload, err := v.payloadHash(r, p)
	if err != nil {
		return nil, err
	}
	payloads, hosts := []string{payload}, []string{r.Host}
	if p.presigned && payload == UnsignedPayload && r.URL.Query().Get("X-Amz-Content-Sha256") == "" && (r.Body == nil || r.Body == http.NoBody) {
		// botocore's SigV4QueryAuth (the bedrock-agentcore SDK's presigned
		// WebSocket URLs) signs the empty body's hash; only S3 presigns
		// UNSIGNED-PAYLOAD.
		payloads = append(payloads, emptyHash)
	}
	if h, port, err := net.SplitHostPort(r.Host); p.presigned && err == nil && port != "" {
		// The bedrock-agentcore SDK presigns live-view and runtime WebSocket
		// URLs with the host name alone as Host (right for AWS's port 443),
		// while clients send host:port for another port (an HTTPS listener
		// on 8443). The signature still proves the secret key; only the
		// port is not covered.
		hosts = append(hosts, h)
	}
	for _, host := range hosts {
		for _, pl := range payloads {
			got, err := v.resign(ctx, r, host, p, cred, pl)
			if err != nil {
				return nil, err
			}
			if hmac.Equal([]byte(got), []byte(p.signature)) {
				return &Result{Credential: cred, Region: p.region, Service: p.service}, nil
			}
		}
	}
	return nil, fail(TypeSignature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
}

const amzFormat = "20060102T150405Z"

func parse(r *http.Request) (*parsed, error) {
	q := r.URL.Query()
	if alg := q.Get("X-Amz-Algorithm"); alg != "" {
		return parseQuery(q)
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return nil, fail(TypeMissing, "Missing Authentication Token")
	}
	alg, rest, _ := strings.Cut(auth, " ")
	if alg != Algorithm {
		return nil, fail(TypeIncomplete, "Authorization header requires the %s algorithm", Algorithm)
	}
	p := &parsed{}
	var cred string
	for _, part := range strings.Split(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fail(TypeIncomplete, "Authorization header is malformed: %q", part)
		}
		switch k {
		case "Credential":
			cred = val
		case "SignedHeaders":
			p.signedHeaders = strings.Split(val, ";")
		case "Signature":
			p.signature = val
		}
	}
	if cred == "" || len(p.signedHeaders) == 0 || p.signature == "" {
		return nil, fail(TypeIncomplete, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.")
	}
	if err := p.credential(cred); err != nil {
		return nil, err
	}
	ds := r.Header.Get("X-Amz-Date")
	if ds == "" {
		return nil, fail(TypeIncomplete, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	return p, p.setDate(ds)
}

func parseQuery(q url.Values) (*parsed, error) {
	if q.Get("X-Amz-Algorithm") != Algorithm {
		return nil, fail(TypeIncomplete, "X-Amz-Algorithm must be %s", Algorithm)
	}
	p := &parsed{presigned: true, signature: q.Get("X-Amz-Signature")}
	for _, k := range []string{"X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"} {
		if q.Get(k) == "" {
			return nil, fail(TypeIncomplete, "presigned URL requires the %s parameter", k)
		}
	}
	p.signedHeaders = strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	if err := p.credential(q.Get("X-Amz-Credential")); err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || n < 1 {
		return nil, fail(TypeIncomplete, "X-Amz-Expires must be a positive number of seconds")
	}
	if n > MaxPresignExpiry {
		return nil, fail(TypeDenied, "X-Amz-Expires must be at most %d seconds", MaxPresignExpiry)
	}
	p.expires = n
	return p, p.setDate(q.Get("X-Amz-Date"))
}

func (p *parsed) credential(s string) error {
	parts := strings.Split(s, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[0] == "" {
		return fail(TypeIncomplete, "Credential should be scoped to a valid region and service: %q", s)
	}
	p.accessKey, p.date, p.region, p.service = parts[0], parts[1], parts[2], parts[3]
	return nil
}

func (p *parsed) setDate(s string) error {
	t, err := time.Parse(amzFormat, s)
	if err != nil {
		return fail(TypeIncomplete, "X-Amz-Date %q is not in the format yyyyMMddTHHmmssZ", s)
	}
	if t.Format("20060102") != p.date {
		return fail(TypeSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s'", p.date, t.Format("20060102"))
	}
	p.amzDate = t
	return nil
}

// payloadHash is the body hash the signature covers: X-Amz-Content-Sha256
// when present (the body is then checked against it while it is read),
// UNSIGNED-PAYLOAD for presigned URLs, else the SHA-256 of the body.
func (v *Verifier) payloadHash(r *http.Request, p *parsed) (string, error) {
	h := r.Header.Get("X-Amz-Content-Sha256")
	if p.presigned && h == "" {
		h = r.URL.Query().Get("X-Amz-Content-Sha256")
		if h == "" {
			return UnsignedPayload, nil
		}
	}
	switch {
	case h == UnsignedPayload:
		return h, nil
	case strings.HasPrefix(h, "STREAMING-"):
		return "", fail(TypeIncomplete, "chunked (STREAMING-*) payload signing is not supported; sign the whole body or use UNSIGNED-PAYLOAD")
	case h != "":
		if _, err := hex.DecodeString(h); err != nil || len(h) != 64 {
			return "", fail(TypeSignature, "X-Amz-Content-Sha256 %q is not a SHA-256 hex digest", h)
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &checkReader{rc: r.Body, h: sha256.New(), want: h}
		}
		return h, nil
	}
	if r.Body == nil || r.Body == http.NoBody {
		return emptyHash, nil
	}
	var b []byte
	var err error
	if n := r.ContentLength; n > 0 && n <= v.maxBody { // net/http ends the body after exactly n bytes
		b = make([]byte, n)
		_, err = io.ReadFull(r.Body, b)
	} else {
		b, err = io.ReadAll(io.LimitReader(r.Body, v.maxBody+1))
	}
	r.Body.Close()
	if err != nil {
		return "", fail(TypeSignature, "reading the request body: %v", err)
	}
	if int64(len(b)) > v.maxBody {
		return "", errs.Field("payload", "the request body exceeds the limit of %d bytes", v.maxBody)
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

var emptyHash = func() string { s := sha256.Sum256(nil); return hex.EncodeToString(s[:]) }()

// ErrBodyHash is returned while reading a body that does not match its
// signed X-Amz-Content-Sha256.
var ErrBodyHash = errors.New("the request body does not match X-Amz-Content-Sha256")

type checkReader struct {
	rc io.ReadCloser
	h  interface {
		Write([]byte) (int, error)
		Sum([]byte) []byte
	}
	want string
}

func (c *checkReader) Read(b []byte) (int, error) {
	n, err := c.rc.Read(b)
	c.h.Write(b[:n])
	if errors.Is(err, io.EOF) && hex.EncodeToString(c.h.Sum(nil)) != c.want {
		return n, ErrBodyHash
	}
	return n, err
}

func (c *checkReader) Close() error { return c.rc.Close() }

// resign signs a copy of r (with host as its Host) holding only its signed
// headers and returns the signature the SDK computes for it.
func (v *Verifier) resign(ctx context.Context, r *http.Request, host string, p *parsed, cred *Credential, payload string) (string, error) {
	u := *r.URL
	u.Scheme, u.Host = "http", host
	if u.RawQuery != "" { // re-encoded as the SDK would; no work (nor maps) for the common query-less request
		q := u.Query()
		q.Del("X-Amz-Signature")
		u.RawQuery = q.Encode()
	}
	cp := &http.Request{Method: r.Method, URL: &u, Host: host, Header: http.Header{}}
	hasHost := false
	for _, name := range p.signedHeaders {
		switch strings.ToLower(name) {
		case "host":
			hasHost = true
		case "content-length":
			if r.ContentLength > 0 {
				cp.ContentLength = r.ContentLength
			} else if n, err := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64); err == nil {
				cp.ContentLength = n
			}
		default:
			if vals := r.Header.Values(name); len(vals) > 0 {
				cp.Header[http.CanonicalHeaderKey(name)] = vals
			}
		}
	}
	if !hasHost {
		return "", fail(TypeSignature, "'Host' must be a signed header")
	}
	creds := aws.Credentials{AccessKeyID: cred.AccessKeyID, SecretAccessKey: cred.SecretAccessKey}
	if p.presigned {
		signed, _, err := v.signer.PresignHTTP(ctx, creds, cp, payload, p.service, p.region, p.amzDate)
		if err != nil {
			return "", fail(TypeSignature, "%v", err)
		}
		su, err := url.Parse(signed)
		if err != nil {
			return "", fail(TypeSignature, "%v", err)
		}
		return su.Query().Get("X-Amz-Signature"), nil
	}
	if err := v.signer.SignHTTP(ctx, creds, cp, payload, p.service, p.region, p.amzDate); err != nil {
		return "", fail(TypeSignature, "%v", err)
	}
	_, sig, _ := strings.Cut(cp.Header.Get("Authorization"), "Signature=")
	return sig, nil
}
