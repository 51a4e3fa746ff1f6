package agentcore

import (
	"context"
	"encoding/json"
	"net/http"
)

// debugActionKey is the payload key of the debug actions (contract §6.3).
const debugActionKey = "_agent_core_app_action"

// handleDebugAction answers a debug action and reports whether it did. Only called when the
// App was created WithDebug(true).
func (a *App) handleDebugAction(ctx context.Context, w http.ResponseWriter, payload json.RawMessage) bool {
	var obj map[string]json.RawMessage
	if json.Unmarshal(payload, &obj) != nil {
		return false
	}
	raw, ok := obj[debugActionKey]
	if !ok {
		return false
	}
	var action string
	_ = json.Unmarshal(raw, &action)
	switch action {
	case "ping_status":
		status, since := a.CurrentPingStatus(ctx)
		writeJSON(w, http.StatusOK, pingBody{Status: status, TimeOfLastUpdate: since.Unix()})
	case "job_status":
		writeJSON(w, http.StatusOK, a.AsyncTaskInfo())
	case "force_healthy":
		a.ForcePingStatus(PingHealthy)
		writeJSON(w, http.StatusOK, map[string]string{"forced_status": string(PingHealthy)})
	case "force_busy":
		a.ForcePingStatus(PingHealthyBusy)
		writeJSON(w, http.StatusOK, map[string]string{"forced_status": string(PingHealthyBusy)})
	case "clear_forced_status":
		a.ClearForcedPingStatus()
		writeJSON(w, http.StatusOK, map[string]string{"forced_status": "Cleared"})
	default:
		if action == "" {
			action = string(raw)
		}
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Unknown action: " + action})
	}
	return true
}
