package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/agentcore-dev/agentcore/internal/embed"
	"github.com/agentcore-dev/agentcore/internal/embed/embedhttp"
	"github.com/agentcore-dev/agentcore/internal/embed/minilm"
	"github.com/agentcore-dev/agentcore/internal/embed/static"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/lease"
	"github.com/agentcore-dev/agentcore/internal/memory"
	"github.com/agentcore-dev/agentcore/internal/memory/webhook"
	"github.com/agentcore-dev/agentcore/internal/model"
	"github.com/agentcore-dev/agentcore/internal/model/anthropic"
	"github.com/agentcore-dev/agentcore/internal/model/bedrock"
	"github.com/agentcore-dev/agentcore/internal/model/openai"
	"github.com/agentcore-dev/agentcore/internal/store"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
)

// newModelProvider builds the server's one model provider (Memory and the
// Evaluations judges share it) from --model-provider, --model-endpoint and
// --model; nil when none is configured.
func newModelProvider(cfg Config) (model.Provider, error) {
	var prov model.Provider
	switch cfg.ModelProvider {
	case "openai":
		if cfg.ModelEndpoint != "" {
			prov = openai.New(cfg.ModelEndpoint, cfg.ModelAPIKey, cfg.Model)
		}
	case "anthropic":
		prov = anthropic.New(cfg.ModelEndpoint, cfg.ModelAPIKey, cfg.Model)
	case "bedrock":
		awsCfg, err := awsconfig.LoadDefaultConfig(context.Background(), awsconfig.WithRegion(cfg.Region))
		if err != nil {
			return nil, fmt.Errorf("bedrock credentials: %w", err)
		}
		prov = bedrock.New(cfg.ModelEndpoint, cfg.Region, cfg.Model, awsCfg.Credentials)
	default:
		return nil, fmt.Errorf("--model-provider %q: want openai, anthropic or bedrock", cfg.ModelProvider)
	}
	return prov, nil
}

// newMemory builds the Memory service from the configuration (checked by
// config.Validate): the shared model provider, the embedder and the master
// key for encryption at rest (MemoryMasterKey as hex, else
// DataDir/memory-master.key, created on first start).
func newMemory(cfg Config, prov model.Provider, kv store.KV, lg *slog.Logger, leader lease.Leader) (*memory.Service, error) {
	emb, err := newEmbedder(cfg, lg)
	if err != nil {
		return nil, err
	}
	master, err := masterKey(cfg.MemoryMasterKey, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if err := checkMasterKey(context.Background(), kv, master); err != nil {
		return nil, err
	}
	lg.Info("memory", "model", providerName(prov), "embedder", emb.Name())
	return memory.New(memory.Options{KV: kv, Embedder: emb, Model: prov, MasterKey: master, Logger: lg, Lease: cfg.MemoryJobLease, Leader: leader,
		Webhooks: webhook.New()}), nil
}

// newEmbedder picks Memory's embedder: the OpenAI-compatible endpoint when
// --embedding-endpoint is set, else --embedder: minilm (the transformer,
// weights in DataDir/models/all-minilm-l6-v2), static (built in), hashing,
// or auto = minilm when its weights are there, else static.
func newEmbedder(cfg Config, lg *slog.Logger) (embed.Embedder, error) {
	if cfg.EmbeddingEndpoint != "" {
		key := cfg.EmbeddingAPIKey
		if key == "" {
			key = cfg.ModelAPIKey
		}
		return embedhttp.New(cfg.EmbeddingEndpoint, key, cfg.EmbeddingModel), nil
	}
	dir := filepath.Join(cfg.DataDir, config.MiniLMDir)
	switch cfg.Embedder {
	case "hashing":
		return embed.NewHashing(256), nil
	case "static":
		return static.Default()
	case "minilm":
		if !minilm.Present(dir) {
			return nil, fmt.Errorf("--embedder minilm: no weights in %s (run `agentcore memory fetch-model --data-dir %s`)", dir, cfg.DataDir)
		}
		return minilm.Load(dir)
	}
	if minilm.Present(dir) { // auto
		m, err := minilm.Load(dir)
		if err == nil {
			return m, nil
		}
		lg.Warn("memory: the MiniLM weights do not load; using the built-in static embedder", "dir", dir, "err", err)
	}
	return static.Default()
}

func providerName(p model.Provider) string {
	if p == nil {
		return "none (long-term extraction jobs will fail until --model-endpoint is set)"
	}
	return p.Name()
}

// checkMasterKey records the master key's fingerprint in the database on
// first start and refuses a different key later: Memory content is
// encrypted under it, so a replica or restart with another key (another
// --data-dir's memory-master.key) would fail every read of what others wrote.
func checkMasterKey(ctx context.Context, kv store.KV, master []byte) error {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("agentcore-memory-master-key-check"))
	want := hex.EncodeToString(m.Sum(nil))[:32]
	fp, _ := json.Marshal(map[string]string{"fingerprint": want})
	const table, key = "server_meta", "memory-master-key"
	it, err := kv.Get(ctx, table, key)
	if errs.KindOf(err) == errs.NotFound {
		err = kv.Txn(ctx, store.Op{Kind: store.OpCreate, Table: table, Key: key, Value: fp})
		if errs.KindOf(err) != errs.Conflict {
			return err
		}
		it, err = kv.Get(ctx, table, key)
	}
	if err != nil {
		return fmt.Errorf("memory master key check: %w", err)
	}
	var got struct{ Fingerprint string }
	if json.Unmarshal(it.Value, &got) != nil || got.Fingerprint != want {
		return errors.New("the database's Memory content is encrypted under another master key: give every server " +
			"on this database the same AGENTCORE_MEMORY_MASTER_KEY (or the same --data-dir/memory-master.key)")
	}
	return nil
}

func masterKey(h, dataDir string) ([]byte, error) {
	if h != "" {
		k, err := hex.DecodeString(strings.TrimSpace(h))
		if err != nil || len(k) < 16 {
			return nil, fmt.Errorf("AGENTCORE_MEMORY_MASTER_KEY must be at least 16 bytes as hex")
		}
		return k, nil
	}
	path := filepath.Join(dataDir, "memory-master.key")
	if b, err := os.ReadFile(path); err == nil {
		return hex.DecodeString(strings.TrimSpace(string(b)))
	}
	k := make([]byte, 32)
	rand.Read(k)
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k)), 0o600); err != nil {
		return nil, err
	}
	return k, nil
}
