package runtime

import (
	"crypto/rand"
	"regexp"
	"strconv"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

var (
	nameRE       = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,47}$`)
	idRE         = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10}$`)
	versionRE    = regexp.MustCompile(`^[1-9][0-9]{0,4}$`)
	roleRE       = regexp.MustCompile(`^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+$`)
	headerNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,255}$`)
	envNameRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	runtimeARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:bedrock-agentcore:([a-z0-9-]+):([0-9]{12}):runtime/([a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10})(?:/runtime-endpoint/([a-zA-Z][a-zA-Z0-9_]{0,47}))?$`)
)

// Managed runtimes accepted in codeConfiguration.runtime.
var managedRuntimes = map[string]bool{
	"PYTHON_3_10": true, "PYTHON_3_11": true, "PYTHON_3_12": true, "PYTHON_3_13": true, "PYTHON_3_14": true, "NODE_22": true,
}

// ValidateName checks an agentRuntimeName.
func ValidateName(field, name string) error {
	if !nameRE.MatchString(name) {
		return errs.Field(field, "%s %q must match [a-zA-Z][a-zA-Z0-9_]{0,47}", field, name)
	}
	return nil
}

// ValidateID checks an agentRuntimeId.
func ValidateID(id string) error {
	if !idRE.MatchString(id) {
		return errs.Field("agentRuntimeId", "agentRuntimeId %q must match [a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10}", id)
	}
	return nil
}

// ParseVersion parses an agentRuntimeVersion ("" gives 0).
func ParseVersion(field, s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	if !versionRE.MatchString(s) {
		return 0, errs.Field(field, "%s %q must be a version number 1-99999", field, s)
	}
	return strconv.Atoi(s)
}

// ParsedARN is a runtime (or runtime endpoint) ARN taken apart.
type ParsedARN struct {
	Region, Account, RuntimeID, Endpoint string
}

// ParseRuntimeARN accepts a runtime ARN or a runtime-endpoint ARN.
func ParseRuntimeARN(arn string) (ParsedARN, error) {
	m := runtimeARNRE.FindStringSubmatchIndex(arn) // indexes: substrings of arn, no copies
	if m == nil {
		return ParsedARN{}, errs.Field("agentRuntimeArn", "%q is not an agent runtime ARN (arn:aws:bedrock-agentcore:REGION:ACCOUNT:runtime/ID)", arn)
	}
	p := ParsedARN{Region: arn[m[2]:m[3]], Account: arn[m[4]:m[5]], RuntimeID: arn[m[6]:m[7]]}
	if m[8] >= 0 {
		p.Endpoint = arn[m[8]:m[9]]
	}
	return p, nil
}

// RuntimeARN formats a runtime ARN.
func RuntimeARN(region, account, id string) string {
	return "arn:aws:bedrock-agentcore:" + region + ":" + account + ":runtime/" + id
}

// EndpointARN formats a runtime endpoint ARN.
func EndpointARN(region, account, id, name string) string {
	return RuntimeARN(region, account, id) + "/runtime-endpoint/" + name
}

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// randomSuffix returns n random alphanumerics.
func randomSuffix(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand never fails on Linux
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

// validateConfig checks a runtime configuration the way the AWS API does.
func validateConfig(c *Config) error {
	if !roleRE.MatchString(c.RoleArn) {
		return errs.Field("roleArn", "roleArn %q must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", c.RoleArn)
	}
	switch a := c.Artifact; {
	case a.Code != nil && a.Container != nil:
		return errs.Field("agentRuntimeArtifact", "agentRuntimeArtifact must set exactly one of codeConfiguration and containerConfiguration")
	case a.Code != nil:
		if err := validateCode(a.Code); err != nil {
			return err
		}
	case a.Container != nil:
		if strings.TrimSpace(a.Container.ContainerURI) == "" {
			return errs.Field("agentRuntimeArtifact.containerConfiguration.containerUri", "containerUri is required")
		}
	default:
		return errs.Field("agentRuntimeArtifact", "agentRuntimeArtifact must set codeConfiguration or containerConfiguration")
	}
	if len(c.Description) > 1200 {
		return errs.Field("description", "description is longer than 1200 characters")
	}
	if len(c.EnvironmentVariables) > 50 {
		return errs.Field("environmentVariables", "at most 50 environment variables are allowed")
	}
	for k, v := range c.EnvironmentVariables {
		if !envNameRE.MatchString(k) || len(k) > 100 {
			return errs.Field("environmentVariables", "environment variable name %q is not valid", k)
		}
		if len(v) > 5000 {
			return errs.Field("environmentVariables", "environment variable %q is longer than 5000 characters", k)
		}
	}
	if n := c.NetworkConfiguration; n != nil && n.NetworkMode != "PUBLIC" && n.NetworkMode != "VPC" {
		return errs.Field("networkConfiguration.networkMode", "networkMode %q must be PUBLIC or VPC", n.NetworkMode)
	}
	if p := c.ProtocolConfiguration; p != nil {
		switch p.ServerProtocol {
		case "HTTP", "MCP", "A2A", "AGUI":
		default:
			return errs.Field("protocolConfiguration.serverProtocol", "serverProtocol %q must be HTTP, MCP, A2A or AGUI", p.ServerProtocol)
		}
		if p.Port != nil && (*p.Port < 1 || *p.Port > 65535) {
			return errs.Field("protocolConfiguration.port", "port %d out of range", *p.Port)
		}
	}
	if err := validateLifecycle(c.LifecycleConfiguration); err != nil {
		return err
	}
	return validateHeaders(c.RequestHeaderConfiguration)
}

func validateCode(cc *CodeConfiguration) error {
	if cc.Code.S3 == nil || cc.Code.S3.Bucket == "" || cc.Code.S3.Prefix == "" {
		return errs.Field("agentRuntimeArtifact.codeConfiguration.code.s3", "code.s3 bucket and prefix are required")
	}
	if !managedRuntimes[cc.Runtime] {
		return errs.Field("agentRuntimeArtifact.codeConfiguration.runtime", "runtime %q must be one of PYTHON_3_10..PYTHON_3_14, NODE_22", cc.Runtime)
	}
	if len(cc.EntryPoint) == 0 || len(cc.EntryPoint) > 2 || cc.EntryPoint[0] == "" {
		return errs.Field("agentRuntimeArtifact.codeConfiguration.entryPoint", "entryPoint must list 1 or 2 non-empty strings")
	}
	return nil
}

func validateLifecycle(l *LifecycleConfiguration) error {
	if l == nil {
		return nil
	}
	check := func(field string, v *int) error {
		if v != nil && (*v < 60 || *v > 28800) {
			return errs.Field("lifecycleConfiguration."+field, "%s %d must be between 60 and 28800 seconds", field, *v)
		}
		return nil
	}
	if err := check("idleRuntimeSessionTimeout", l.IdleRuntimeSessionTimeout); err != nil {
		return err
	}
	if err := check("maxLifetime", l.MaxLifetime); err != nil {
		return err
	}
	if l.IdleRuntimeSessionTimeout != nil && l.MaxLifetime != nil && *l.IdleRuntimeSessionTimeout > *l.MaxLifetime {
		return errs.Field("lifecycleConfiguration", "idleRuntimeSessionTimeout must not exceed maxLifetime")
	}
	return nil
}

// restrictedHeaders may never be allow-listed (subset of the SDK's list that
// matters for a proxy: hop-by-hop, framing, host and auth plumbing).
var restrictedHeaders = map[string]bool{
	"accept": true, "accept-encoding": true, "content-length": true, "content-type": true, "connection": true,
	"host": true, "keep-alive": true, "transfer-encoding": true, "upgrade": true, "te": true, "trailer": true,
	"user-agent": true, "cookie": true, "set-cookie": true, "proxy-authorization": true, "x-forwarded-for": true,
	"x-forwarded-host": true, "x-forwarded-proto": true, "x-real-ip": true, "forwarded": true, "via": true,
}

func validateHeaders(h *RequestHeaderConfiguration) error {
	if h == nil {
		return nil
	}
	if len(h.RequestHeaderAllowlist) < 1 || len(h.RequestHeaderAllowlist) > 20 {
		return errs.Field("requestHeaderConfiguration.requestHeaderAllowlist", "requestHeaderAllowlist must list 1 to 20 header names")
	}
	seen := map[string]bool{}
	for _, name := range h.RequestHeaderAllowlist {
		l := strings.ToLower(name)
		switch {
		case !headerNameRE.MatchString(name):
			return errs.Field("requestHeaderConfiguration.requestHeaderAllowlist", "header name %q is not valid", name)
		case seen[l]:
			return errs.Field("requestHeaderConfiguration.requestHeaderAllowlist", "header %q is listed twice", name)
		case restrictedHeaders[l], strings.HasPrefix(l, "sec-websocket-"), strings.HasPrefix(l, "x-amz-"),
			strings.HasPrefix(l, "x-amzn-") && !strings.HasPrefix(l, "x-amzn-bedrock-agentcore-runtime-custom-"):
			return errs.Field("requestHeaderConfiguration.requestHeaderAllowlist", "header %q may not be allow-listed", name)
		}
		seen[l] = true
	}
	return nil
}
