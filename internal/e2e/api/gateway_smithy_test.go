package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

const weatherModel = `{
  "smithy": "2.0",
  "shapes": {
    "example.weather#Weather": {"type": "service", "version": "2024-01-01",
      "operations": [{"target": "example.weather#GetForecast"}, {"target": "example.weather#ListCities"}],
      "traits": {"aws.protocols#restJson1": {}, "aws.api#service": {"sdkId": "Weather", "endpointPrefix": "weather"}}},
    "example.weather#GetForecast": {"type": "operation",
      "input": {"target": "example.weather#GetForecastInput"}, "output": {"target": "example.weather#GetForecastOutput"},
      "traits": {"smithy.api#http": {"method": "GET", "uri": "/cities/{cityId}/forecast"}, "smithy.api#readonly": {},
                 "smithy.api#documentation": "Weather forecast for a city"}},
    "example.weather#GetForecastInput": {"type": "structure", "members": {
      "cityId": {"target": "smithy.api#String", "traits": {"smithy.api#required": {}, "smithy.api#httpLabel": {}}},
      "days": {"target": "smithy.api#Integer", "traits": {"smithy.api#httpQuery": "days"}},
      "units": {"target": "example.weather#Units", "traits": {"smithy.api#httpHeader": "X-Units"}}}},
    "example.weather#Units": {"type": "enum", "members": {"C": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "celsius"}},
                                                        "F": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "fahrenheit"}}}},
    "example.weather#GetForecastOutput": {"type": "structure", "members": {"chanceOfRain": {"target": "smithy.api#Float"}}},
    "example.weather#ListCities": {"type": "operation", "input": {"target": "example.weather#ListCitiesInput"},
      "traits": {"smithy.api#http": {"method": "POST", "uri": "/cities/search"}, "smithy.api#documentation": "Find cities by name"}},
    "example.weather#ListCitiesInput": {"type": "structure", "members": {
      "prefix": {"target": "smithy.api#String", "traits": {"smithy.api#required": {}}},
      "limit": {"target": "smithy.api#Integer"}}}
  }
}`

// TestGatewaySmithyTarget: a Smithy JSON model becomes tools whose calls
// follow the restJson1 HTTP bindings; bad models are ValidationExceptions.
func TestGatewaySmithyTarget(t *testing.T) {
	var got []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, r.Method+" "+r.URL.RequestURI()+" units="+r.Header.Get("X-Units")+" body="+string(b))
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"chanceOfRain": 0.3})
	}))
	defer api.Close()
	cfg := testenv.Fast()
	cfg.SmithyEndpoint = api.URL
	e := testenv.Start(t, cfg)
	gw := createGateway(t, e, "smithy", nil)
	smithyTarget := func(name, model string) error {
		_, err := e.Control.CreateGatewayTarget(bg, &ctl.CreateGatewayTargetInput{GatewayIdentifier: gw.GatewayId, Name: aws.String(name),
			TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberSmithyModel{
				Value: &ctltypes.ApiSchemaConfigurationMemberInlinePayload{Value: model}}}})
		return err
	}
	if err := smithyTarget("weather", weatherModel); err != nil {
		t.Fatal(err)
	}
	cs := mcpConnect(t, *gw.GatewayUrl, "")
	tools := listAllTools(t, cs)
	if tools["weather___GetForecast"] == nil || tools["weather___GetForecast"].Description != "Weather forecast for a city" || tools["weather___ListCities"] == nil {
		t.Fatalf("tools: %v", keys(tools))
	}
	res := callTool(t, cs, "weather___GetForecast", map[string]any{"cityId": "paris fr", "days": 3, "units": "celsius"})
	if res.IsError || !strings.Contains(resultText(res), "0.3") {
		t.Fatalf("forecast: %s", resultText(res))
	}
	callTool(t, cs, "weather___ListCities", map[string]any{"prefix": "Par", "limit": 2})
	if len(got) != 2 || got[0] != "GET /cities/paris%20fr/forecast?days=3 units=celsius body=" || !strings.HasPrefix(got[1], "POST /cities/search units= body={") || !strings.Contains(got[1], `"prefix":"Par"`) {
		t.Fatalf("requests: %q", got)
	}
	if res := callTool(t, cs, "weather___GetForecast", map[string]any{"cityId": "x", "units": "kelvin"}); !res.IsError {
		t.Fatal("enum not enforced")
	}
	for name, tc := range map[string]struct{ model, want string }{
		"notjson":   {`{"smithy": `, "not valid JSON"},
		"noservice": {`{"smithy":"2.0","shapes":{}}`, "no service"},
		"missingop": {`{"smithy":"2.0","shapes":{"a#S":{"type":"service","operations":[{"target":"a#Nope"}],"traits":{"aws.protocols#restJson1":{}}}}}`, "a#Nope"},
		"nohttp":    {`{"smithy":"2.0","shapes":{"a#S":{"type":"service","operations":[{"target":"a#Op"}],"traits":{"aws.protocols#restJson1":{}}},"a#Op":{"type":"operation"}}}`, "smithy.api#http"},
		"noproto":   {`{"smithy":"2.0","shapes":{"a#S":{"type":"service","operations":[]}}}`, "protocol"},
	} {
		if err := smithyTarget(name, tc.model); !errorIs[*ctltypes.ValidationException](err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: want ValidationException mentioning %q, got %v", name, tc.want, err)
		}
	}
}
