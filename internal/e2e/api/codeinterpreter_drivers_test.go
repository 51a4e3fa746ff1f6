package api_test

import (
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestCodeInterpreterIsolatedDrivers: under each isolating driver a
// session runs Python and JavaScript with state, reads back the files it
// wrote, and has the network its interpreter's mode gives it: SANDBOX no
// interface but loopback, PUBLIC an outside interface as well.
func TestCodeInterpreterIsolatedDrivers(t *testing.T) {
	for _, driver := range []string{"linuxns", "gvisor"} {
		t.Run(driver, func(t *testing.T) {
			testenv.RequireImageDriver(t, driver)
			cfg := testenv.Fast()
			cfg.Sandbox = driver
			e := testenv.Start(t, cfg)
			d := e.Data
			py := types.ProgrammingLanguagePython
			sid := ciStartSession(t, d, builtinCI, 0)
			ciRun(t, d, builtinCI, sid, py, "import socket\nn = 6", false)
			if _, out := ciRun(t, d, builtinCI, sid, py, "n * 7", false); out != "42\n" {
				t.Fatalf("python state: %q", out)
			}
			if _, out := ciRun(t, d, builtinCI, sid, types.ProgrammingLanguageJavascript, "[1, 2, 3].map(x => x * 2).join(',')", false); out != "'2,4,6'\n" {
				t.Fatalf("javascript: %q", out)
			}
			ciMust(t, d, builtinCI, sid, types.ToolNameWriteFiles, &types.ToolArguments{Content: []types.InputContentBlock{
				{Path: aws.String("out/r.txt"), Text: aws.String("ok")}}})
			res := ciMust(t, d, builtinCI, sid, types.ToolNameReadFiles, &types.ToolArguments{Paths: []string{"out/r.txt"}})
			if len(res.Content) != 1 || res.Content[0].Resource == nil || aws.ToString(res.Content[0].Resource.Text) != "ok" {
				t.Fatalf("readFiles: %+v", res.Content)
			}
			ifaces := "sorted(name for _, name in socket.if_nameindex())"
			if _, out := ciRun(t, d, builtinCI, sid, py, ifaces, false); out != "['lo']\n" {
				t.Fatalf("SANDBOX interfaces: %q", out)
			}
			pub := ciCreate(t, e.Control, "public_"+driver, ctltypes.CodeInterpreterNetworkModePublic)
			ps := ciStartSession(t, d, pub, 0)
			if _, out := ciRun(t, d, pub, ps, py, "import socket\n"+ifaces, false); !strings.Contains(out, "'lo'") || out == "['lo']\n" {
				t.Fatalf("PUBLIC interfaces: %q", out)
			}
		})
	}
}
