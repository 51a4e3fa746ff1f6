package api_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
)

// TestMemoryEncryptionAtRest: event payloads and record texts stay
// encrypted in the database and clients read them back in clear, for a
// memory with encryptionKeyArn and for one without (the platform's own key,
// issue 20 point 7).
func TestMemoryEncryptionAtRest(t *testing.T) {
	for name, keyARN := range map[string]*string{
		"customerKey": aws.String("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
		"platformKey": nil,
	} {
		t.Run(name, func(t *testing.T) { encryptedAtRest(t, keyARN) })
	}
}

func encryptedAtRest(t *testing.T, keyARN *string) {
	cfg := testenv.Fast()
	cfg.DataDir = t.TempDir()
	e := testenv.Start(t, cfg)
	out, err := e.Control.CreateMemory(bg, &ctl.CreateMemoryInput{Name: aws.String("secret"), EventExpiryDuration: aws.Int32(7),
		EncryptionKeyArn: keyARN})
	if err != nil {
		t.Fatal(err)
	}
	m := waitMemoryActive(t, e, *out.Memory.Id)
	if keyARN != nil && aws.ToString(m.EncryptionKeyArn) != *keyARN {
		t.Fatal("encryptionKeyArn not returned")
	}
	const eventSecret, recordSecret = "zebra-passphrase-in-event", "okapi-passphrase-in-record"
	ev := putEvent(t, e, *m.Id, "a", "s", time.Now(), turn(dptypes.RoleUser, eventSecret))
	bc, err := e.Data.BatchCreateMemoryRecords(bg, &dp.BatchCreateMemoryRecordsInput{MemoryId: m.Id, Records: []dptypes.MemoryRecordCreateInput{recordIn("r", recordSecret, "/s/")}})
	if err != nil || len(bc.SuccessfulRecords) != 1 {
		t.Fatal(err)
	}
	g, err := e.Data.GetEvent(bg, &dp.GetEventInput{MemoryId: m.Id, ActorId: aws.String("a"), SessionId: aws.String("s"), EventId: ev.EventId})
	if err != nil || g.Event.Payload[0].(*dptypes.PayloadTypeMemberConversational).Value.Content.(*dptypes.ContentMemberText).Value != eventSecret {
		t.Fatalf("event round trip: %v", err)
	}
	e.Stop()
	files, _ := filepath.Glob(filepath.Join(cfg.DataDir, "agentcore.db*"))
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if bytes.Contains(b, []byte(eventSecret)) || bytes.Contains(b, []byte(recordSecret)) {
			t.Fatalf("plaintext found in %s", f)
		}
	}
	// After a restart the record is still readable (and searchable).
	e = testenv.Start(t, cfg)
	rr, err := e.Data.RetrieveMemoryRecords(bg, &dp.RetrieveMemoryRecordsInput{MemoryId: m.Id, Namespace: aws.String("/s/"),
		SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String("okapi passphrase")}})
	if err != nil || len(rr.MemoryRecordSummaries) != 1 || textOf(rr.MemoryRecordSummaries[0].Content) != recordSecret {
		t.Fatalf("record after restart: %v %v", rr, err)
	}
}

// TestMemoryMasterKeyMismatch: a second server on the same database with
// another master key (here: another --data-dir's memory-master.key) refuses
// to start, naming the setting, instead of failing every read of the content
// the first one encrypted.
func TestMemoryMasterKeyMismatch(t *testing.T) {
	first := testenv.Start(t, testenv.Fast())
	first.Stop()
	cfg := first.Config // the suite's settings, without testenv's shared key
	cfg.MemoryMasterKey = ""
	cfg.Database = "sqlite:" + filepath.Join(t.TempDir(), "shared.db")
	cfg.DataDir = t.TempDir()
	a, err := server.Start(bg, cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.Close(bg)
	cfg.DataDir = t.TempDir() // another memory-master.key
	b, err := server.Start(bg, cfg)
	if err == nil {
		b.Close(bg)
		t.Fatal("a server with another master key started")
	}
	if !strings.Contains(err.Error(), "AGENTCORE_MEMORY_MASTER_KEY") {
		t.Fatalf("error does not say what to set: %v", err)
	}
}
