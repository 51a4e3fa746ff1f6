package e2e

// Memory with each built-in embedder, the server as its own process
// (issue 19, must show 3): record ingestion rate with embedding,
// RetrieveMemoryRecords p50/p99 including the query embedding, the
// server's RSS and the binary's size.
//
//	AGENTCORE_MINILM_DIR=/tmp/minilm AGENTCORE_BENCH_EMBEDDERS=static,minilm AGENTCORE_BENCH_RECORDS=10000 \
//	  go test -run '^$' -bench MemoryEmbedderProc -benchtime 300x -timeout 60m ./internal/e2e/

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

func BenchmarkMemoryEmbedderProc(b *testing.B) {
	records := 10_000
	if s := os.Getenv("AGENTCORE_BENCH_RECORDS"); s != "" {
		records, _ = strconv.Atoi(s)
	}
	embedders := []string{"static"}
	if s := os.Getenv("AGENTCORE_BENCH_EMBEDDERS"); s != "" {
		embedders = strings.Split(s, ",")
	}
	bin := testenv.BuildGo(b, "cmd/agentcore")
	if st, err := os.Stat(bin); err == nil {
		b.Logf("binary %s: %.1f MB", bin, float64(st.Size())/1e6)
	}
	for _, emb := range embedders {
		if emb == "minilm" && os.Getenv("AGENTCORE_MINILM_DIR") == "" {
			b.Logf("minilm skipped: AGENTCORE_MINILM_DIR is not set (agentcore memory fetch-model --dir DIR)")
			continue
		}
		// Started and loaded once here (a sub-benchmark runs with b.N = 1 first).
		p, mem, rate := loadEmbedderServer(b, bin, emb, records)
		b.Run(fmt.Sprintf("%s/%d", emb, records), func(b *testing.B) {
			r := rand.New(rand.NewPCG(3, 4))
			metrics := map[string]float64{"ingest-records/s": rate}
			b.ResetTimer()
			for _, scope := range []string{"/facts/", "/facts/actor7/"} {
				lat := make([]time.Duration, 0, b.N)
				for i := 0; i < b.N; i++ {
					t := time.Now()
					out, err := p.env.Data.RetrieveMemoryRecords(bctx, &dp.RetrieveMemoryRecordsInput{MemoryId: aws.String(mem), Namespace: aws.String(scope),
						SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String(fakeFact(r)), TopK: aws.Int32(10)}})
					lat = append(lat, time.Since(t))
					if err != nil || len(out.MemoryRecordSummaries) == 0 {
						b.Fatal(err)
					}
				}
				slices.Sort(lat)
				tag := "scan"
				if scope != "/facts/" {
					tag = "actor"
				}
				metrics[tag+"-p50-ms"] = float64(lat[len(lat)/2].Microseconds()) / 1000
				metrics[tag+"-p99-ms"] = float64(lat[len(lat)*99/100].Microseconds()) / 1000
			}
			b.StopTimer()
			status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
			for _, line := range strings.Split(string(status), "\n") {
				if f := strings.Fields(line); len(f) >= 2 && (f[0] == "VmRSS:" || f[0] == "VmHWM:") {
					kb, _ := strconv.ParseFloat(f[1], 64)
					metrics[strings.TrimSuffix(f[0], ":")+"-MiB"] = kb / 1024
				}
			}
			for k, v := range metrics {
				b.ReportMetric(v, k)
			}
		})
	}
}

// loadEmbedderServer starts the server as its own process with --embedder
// emb (minilm: the weights of $AGENTCORE_MINILM_DIR linked into its data
// directory) and loads records through BatchCreateMemoryRecords (100 per
// call), returning the memory and the ingestion rate.
func loadEmbedderServer(b *testing.B, bin, emb string, records int) (*serverProc, string, float64) {
	dir := b.TempDir()
	if emb == "minilm" {
		src := os.Getenv("AGENTCORE_MINILM_DIR")
		dst := filepath.Join(dir, config.MiniLMDir)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.Symlink(src, dst); err != nil {
			b.Fatal(err)
		}
	}
	p := startServerProc(b, emb, bin, "--data-dir", dir, "--embedder", emb)
	mem := benchMemory(b, p.env, "bench_embedder")
	r := rand.New(rand.NewPCG(1, 2))
	t0 := time.Now()
	for i := 0; i < records; i += 100 {
		var in []dptypes.MemoryRecordCreateInput
		for j := 0; j < 100; j++ {
			in = append(in, dptypes.MemoryRecordCreateInput{RequestIdentifier: aws.String(fmt.Sprint(j)), Content: &dptypes.MemoryContentMemberText{Value: fakeFact(r)},
				Namespaces: []string{fmt.Sprintf("/facts/actor%d/", (i+j)%1000)}, Timestamp: aws.Time(time.Now())})
		}
		out, err := p.env.Data.BatchCreateMemoryRecords(bctx, &dp.BatchCreateMemoryRecordsInput{MemoryId: aws.String(mem), Records: in})
		if err != nil || len(out.FailedRecords) > 0 {
			b.Fatal(err, out)
		}
	}
	rate := float64(records) / time.Since(t0).Seconds()
	b.Logf("%s: %d records in %s (%.0f records/s)", emb, records, time.Since(t0).Round(time.Millisecond), rate)
	return p, mem, rate
}
