package e2e

// Memory benchmarks (issue 7): CreateEvent throughput and
// RetrieveMemoryRecords latency at 10k and 100k records on the embedded
// default (SQLite, built-in embedder), through the AWS SDK for Go v2.
//
//	go test -run '^$' -bench 'Memory' -benchtime 2000x -timeout 30m ./internal/e2e/

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
)

func benchMemory(b *testing.B, e *testenv.Env, name string) string {
	out, err := e.Control.CreateMemory(bctx, &ctl.CreateMemoryInput{Name: aws.String(name), EventExpiryDuration: aws.Int32(30)})
	if err != nil {
		b.Fatal(err)
	}
	return *out.Memory.Id
}

// BenchmarkMemoryCreateEvent measures CreateEvent throughput with 8
// concurrent clients (one user+assistant turn per event, no strategies).
func BenchmarkMemoryCreateEvent(b *testing.B) {
	e := testenv.Start(b, testenv.Fast())
	mem := benchMemory(b, e, "bench_events")
	payload := []dptypes.PayloadType{
		&dptypes.PayloadTypeMemberConversational{Value: dptypes.Conversational{Role: dptypes.RoleUser, Content: &dptypes.ContentMemberText{Value: "What is the weather like in Lisbon today?"}}},
		&dptypes.PayloadTypeMemberConversational{Value: dptypes.Conversational{Role: dptypes.RoleAssistant, Content: &dptypes.ContentMemberText{Value: "Sunny, 24 degrees."}}},
	}
	const workers = 8
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < b.N; i += workers {
				_, err := e.Data.CreateEvent(bctx, &dp.CreateEventInput{MemoryId: aws.String(mem), ActorId: aws.String(fmt.Sprint("actor", i%50)),
					SessionId: aws.String(fmt.Sprint("s", i%200)), EventTimestamp: aws.Time(time.Now()), Payload: payload})
				if err != nil {
					b.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

var bctx = context.Background()

var benchWords = strings.Fields(`user prefers likes lives works drives owns plays reads speaks travels visits cooks eats drinks
	coffee tea lisbon porto berlin kyoto tokyo paris cello guitar piano football tennis running swimming cycling dog cat
	python golang rust java postgres linux windows mac morning evening weekend summer winter sushi pasta curry salad
	daughter son wife husband mother father friend manager colleague doctor nurse teacher engineer designer marathon`)

func fakeFact(r *rand.Rand) string {
	n := 6 + r.IntN(8)
	w := make([]string, n)
	for i := range w {
		w[i] = benchWords[r.IntN(len(benchWords))]
	}
	return "The " + strings.Join(w, " ")
}

func benchRetrieve(b *testing.B, records int, postgres bool) {
	cfg := testenv.Fast()
	if postgres {
		cfg.Database = testenv.Postgres(b, "benchmem").DSN
	}
	e := testenv.Start(b, cfg)
	mem := benchMemory(b, e, fmt.Sprint("bench_retrieve_", records))
	r := rand.New(rand.NewPCG(1, 2))
	loadStart := time.Now()
	for i := 0; i < records; i += 100 {
		var in []dptypes.MemoryRecordCreateInput
		for j := 0; j < 100; j++ {
			in = append(in, dptypes.MemoryRecordCreateInput{RequestIdentifier: aws.String(fmt.Sprint(j)), Content: &dptypes.MemoryContentMemberText{Value: fakeFact(r)},
				Namespaces: []string{fmt.Sprintf("/facts/actor%d/", (i+j)%1000)}, Timestamp: aws.Time(time.Now())})
		}
		out, err := e.Data.BatchCreateMemoryRecords(bctx, &dp.BatchCreateMemoryRecordsInput{MemoryId: aws.String(mem), Records: in})
		if err != nil || len(out.FailedRecords) > 0 {
			b.Fatal(err, out)
		}
	}
	b.Logf("loaded %d records in %s", records, time.Since(loadStart).Round(time.Millisecond))
	// Whole-memory search (the worst case: every vector scanned) and a
	// namespace-scoped one (one actor's facts, the usual agent query).
	metrics := map[string]float64{}
	b.ResetTimer()
	for _, scope := range []string{"/facts/", "/facts/actor7/"} {
		lat := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			out, err := e.Data.RetrieveMemoryRecords(bctx, &dp.RetrieveMemoryRecordsInput{MemoryId: aws.String(mem), Namespace: aws.String(scope),
				SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String(fakeFact(r)), TopK: aws.Int32(10)}})
			lat = append(lat, time.Since(t0))
			if err != nil || len(out.MemoryRecordSummaries) == 0 {
				b.Fatal(err)
			}
		}
		slices.Sort(lat)
		p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
		b.Logf("records=%d scope=%s p50=%s p99=%s", records, scope, p50, p99)
		tag := "scan"
		if scope != "/facts/" {
			tag = "actor"
		}
		metrics[tag+"-p50-ms"] = float64(p50.Microseconds()) / 1000
		metrics[tag+"-p99-ms"] = float64(p99.Microseconds()) / 1000
	}
	b.StopTimer()
	for k, v := range metrics {
		b.ReportMetric(v, k)
	}
}

func BenchmarkMemoryRetrieve10k(b *testing.B)  { benchRetrieve(b, 10_000, false) }
func BenchmarkMemoryRetrieve100k(b *testing.B) { benchRetrieve(b, 100_000, false) }

// The same on PostgreSQL (AGENTCORE_TEST_POSTGRES_DSN; skipped without it).
func BenchmarkMemoryRetrieve10kPostgres(b *testing.B)  { benchRetrieve(b, 10_000, true) }
func BenchmarkMemoryRetrieve100kPostgres(b *testing.B) { benchRetrieve(b, 100_000, true) }
