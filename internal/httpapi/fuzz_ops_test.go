package httpapi_test

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/httpapi"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/google/uuid"
)

// FuzzOperations sends fuzzed requests for every typed AWS operation of the
// route table to one real server (SigV4-signed, as an SDK would): the op
// (its "METHOD Name", or any other string, which picks an operation by
// hash), the JSON body, the query string and whether path labels name real
// resources (a memory, gateway, policy engine and evaluator made at start)
// or missing ones. Any 5xx, or an error without an AWS error type, fails;
// and after an operation that changed state (a 2xx on anything but a read),
// every read operation of the same service (Get*/List*, with labels taken
// from the request body and the answer) must not answer 5xx: a stored value
// that no longer reads back is a failure.
//
// Seeds are the request bodies of the golden wire cases
// (testdata/golden/<Service>/<Operation>/*.json), so the fuzzer starts near
// valid input; "<memoryId>"-style placeholders in a body are replaced by the
// ids of the resources made at start, "<uuid>" by a fresh UUID.
func FuzzOperations(f *testing.F) {
	e := testenv.Start(f, testenv.Fast())
	ops := fuzzOps()
	byKey := map[string]int{}
	for i, o := range ops {
		byKey[o.method+" "+o.name] = i
	}
	fuzzSeeds(f, ops)
	ids := fuzzSetup(f, e.URL)
	f.Fuzz(func(t *testing.T, op string, body []byte, query string, real bool) {
		i, ok := byKey[op]
		if !ok {
			h := fnv.New32a()
			h.Write([]byte(op))
			i = int(h.Sum32() % uint32(len(ops)))
		}
		o := ops[i]
		body = fillPlaceholders(body, ids)
		if strings.Contains(query, "<uuid>") {
			query = strings.ReplaceAll(query, "<uuid>", uuid.NewString())
		}
		labels := map[string]string{}
		if real && !parentDeletes[o.name] {
			for k, v := range ids {
				labels[k] = v
			}
		}
		status, raw, hdr := fuzzSend(t, e.URL, o, labels, query, body)
		checkAnswer(t, o, body, query, status, raw, hdr)
		if status/100 != 2 || isRead(o) {
			return
		}
		// The write was accepted: what it stored must read back.
		for k, v := range ids {
			labels[k] = v
		}
		addIDs(labels, body)
		addIDs(labels, raw)
		for _, r := range ops {
			if !isRead(r) || service(r.path) != service(o.path) {
				continue
			}
			rb := []byte(`{}`)
			st, rraw, rhdr := fuzzSend(t, e.URL, r, labels, "", rb)
			if st >= 500 {
				t.Errorf("after %s %s (%d %.300s): %s %s answers %d %.500s", o.name, body, status, raw, r.name, r.path, st, rraw)
			}
			checkAnswer(t, r, rb, "", st, rraw, rhdr)
		}
	})
}

type fuzzOp struct{ method, path, name string }

// fuzzOps lists the typed AWS operations (as TestEveryOperationAnswersBadInputTyped does).
func fuzzOps() []fuzzOp {
	var out []fuzzOp
	for _, line := range httpapi.AllOps() {
		fs := strings.Fields(line)
		if protocolOps[fs[2]] || !awsPath(fs[1]) {
			continue
		}
		out = append(out, fuzzOp{fs[0], fs[1], fs[2]})
	}
	return out
}

// parentDeletes would delete the resources made at start; they are sent
// for missing labels only, so the other operations keep real parents.
var parentDeletes = map[string]bool{"DeleteMemory": true, "DeleteGateway": true, "DeletePolicyEngine": true, "DeleteEvaluator": true}

func isRead(o fuzzOp) bool {
	if strings.HasPrefix(o.name, "GetWorkloadAccessToken") || strings.HasPrefix(o.name, "GetResource") {
		return false
	}
	return strings.HasPrefix(o.name, "Get") || strings.HasPrefix(o.name, "List")
}

// service is the first path segment ("memories", "identities", ...).
func service(p string) string {
	s, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	return s
}

var labelRE = regexp.MustCompile(`\{([A-Za-z]+)\+?\}`)

// labelAliases: answer members that fill path labels of another name.
var labelAliases = map[string][]string{
	"gatewayId":                {"gatewayIdentifier"},
	"codeInterpreterId":        {"codeInterpreterIdentifier"},
	"browserId":                {"browserIdentifier"},
	"profileId":                {"profileIdentifier"},
	"memoryArn":                {"resourceArn"},
	"gatewayArn":               {"resourceArn"},
	"policyEngineArn":          {"resourceArn"},
	"evaluatorArn":             {"resourceArn"},
	"agentRuntimeArn":          {"resourceArn"},
	"memoryRecordId":           {"memoryRecordId"},
	"policyGenerationId":       {"policyGenerationId"},
	"onlineEvaluationConfigId": {"onlineEvaluationConfigId"},
}

// addIDs copies string members whose names are path labels (at any depth
// up to 3) from a JSON document into labels.
func addIDs(labels map[string]string, doc []byte) {
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return
	}
	var walk func(v any, parent string, depth int)
	walk = func(v any, parent string, depth int) {
		if depth > 3 {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && s != "" && (strings.HasSuffix(k, "Id") || strings.HasSuffix(k, "Arn") || (parent != "" && (k == "id" || k == "arn"))) {
					if k == "id" || k == "arn" { // {"memory": {"id": ...}}
						k = parent + strings.ToUpper(k[:1]) + k[1:]
					}
					labels[k] = s
					for _, a := range labelAliases[k] {
						labels[a] = s
					}
					continue
				}
				walk(e, k, depth+1)
			}
		case []any:
			for _, e := range x {
				walk(e, "", depth+1)
			}
		}
	}
	walk(v, "", 0)
}

// fuzzSend sends one signed request for o with labels (missing ones become
// a well-formed id that names nothing).
func fuzzSend(t *testing.T, base string, o fuzzOp, labels map[string]string, query string, body []byte) (int, []byte, http.Header) {
	path := labelRE.ReplaceAllStringFunc(o.path, func(m string) string {
		name := strings.Trim(m, "{}+")
		if v, ok := labels[name]; ok {
			return url.PathEscape(v)
		}
		return "nope-0123456789"
	})
	u := base + path
	if query != "" {
		u += "?" + query
	}
	req, err := http.NewRequest(o.method, u, bytes.NewReader(body))
	if err != nil {
		return 400, []byte(`{"__type":"ValidationException"}`), http.Header{"X-Amzn-Errortype": {"x"}} // not a URL the client can send
	}
	req.Header.Set("Content-Type", "application/json")
	testenv.Sign(req, body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", o.name, u, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, raw, resp.Header
}

func checkAnswer(t *testing.T, o fuzzOp, body []byte, query string, status int, raw []byte, hdr http.Header) {
	t.Helper()
	if status >= 500 {
		t.Fatalf("%s %s?%s %q: %d %.500s", o.method, o.name, query, body, status, raw)
	}
	if status >= 400 {
		var doc map[string]any
		if json.Unmarshal(raw, &doc) != nil || doc["__type"] == nil || hdr.Get("X-Amzn-Errortype") == "" {
			t.Fatalf("%s %s?%s %q: %d without an AWS error: %.500s", o.method, o.name, query, body, status, raw)
		}
	}
}

var placeholderRE = regexp.MustCompile(`"<([A-Za-z]+)>"`)

// fillPlaceholders replaces "<uuid>" with a fresh UUID, "<time>" with the
// current epoch seconds and "<label>" with the id made at start.
func fillPlaceholders(body []byte, ids map[string]string) []byte {
	if !bytes.Contains(body, []byte(`"<`)) {
		return body
	}
	return placeholderRE.ReplaceAllFunc(body, func(m []byte) []byte {
		name := string(m[2 : len(m)-2])
		switch name {
		case "uuid":
			return []byte(strconv.Quote(uuid.NewString()))
		case "time":
			return []byte(strconv.FormatInt(time.Now().Unix(), 10))
		}
		if v, ok := ids[name]; ok {
			return []byte(strconv.Quote(v))
		}
		return m
	})
}

// fuzzSeeds adds the golden wire requests of typed operations as seeds.
func fuzzSeeds(f *testing.F, ops []fuzzOp) {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*", "*", "*.json"))
	sort.Strings(files)
	names := map[string]string{} // op name → "METHOD Name"
	for _, o := range ops {
		names[o.name] = o.method + " " + o.name
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var ex exchange
		if err := json.Unmarshal(b, &ex); err != nil {
			f.Fatalf("%s: %v", file, err)
		}
		op := filepath.Base(filepath.Dir(file))
		key, ok := names[op]
		if !ok {
			continue
		}
		if m, _, _ := strings.Cut(key, " "); m != ex.Request.Method {
			continue
		}
		body := []byte(ex.Request.Body)
		if len(body) == 0 {
			body = []byte(`{}`)
		}
		f.Add(key, body, ex.Request.Query, true)
		f.Add(key, body, ex.Request.Query, false)
	}
	// The shapes of issue 20: event timestamps far outside any real date.
	for _, ts := range []string{"253402300800", "1e15", "1e308", "-9223372036854775808", "9223372036854775807", "-1", "0.5"} {
		f.Add("POST CreateEvent", []byte(`{"actorId":"alice","sessionId":"s1","eventTimestamp":`+ts+`,"payload":[{"conversational":{"content":{"text":"x"},"role":"USER"}}]}`), "", true)
	}
}

// fuzzSetup makes one memory, gateway, policy engine and evaluator from the
// golden create requests and returns their ids by path label.
func fuzzSetup(f *testing.F, base string) map[string]string {
	ids := map[string]string{"actorId": "alice", "sessionId": "s1"}
	for _, c := range []struct{ file, method, path string }{
		{"Memory/CreateMemory/ok.json", "POST", "/memories/create"},
		{"Gateway/CreateGateway/ok.json", "POST", "/gateways/"},
		{"Policy/CreatePolicyEngine/ok.json", "POST", "/policy-engines"},
		{"Evaluation/CreateEvaluator/ok.json", "POST", "/evaluators/create"},
	} {
		b, err := os.ReadFile(filepath.Join("testdata", "golden", c.file))
		if err != nil {
			f.Fatal(err)
		}
		var ex exchange
		if err := json.Unmarshal(b, &ex); err != nil {
			f.Fatal(err)
		}
		body := fillPlaceholders(ex.Request.Body, nil)
		req, _ := http.NewRequest(c.method, base+c.path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		testenv.Sign(req, body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			f.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			f.Fatalf("setup %s: %d %s", c.file, resp.StatusCode, raw)
		}
		addIDs(ids, raw)
	}
	delete(ids, "resourceArn")
	ids["resourceArn"] = ids["memoryArn"]
	return ids
}
