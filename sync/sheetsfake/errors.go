package sheetsfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ProjectNumber is the Google Cloud project the fake's API errors name.
const ProjectNumber = "123456789012"

// apiService names an API the fake can switch off ("sheets", "drive"):
// its service name and its title in Google's messages.
func apiService(api string) (service, title string, ok bool) {
	switch api {
	case "sheets":
		return "sheets.googleapis.com", "Google Sheets API", true
	case "drive":
		return "drive.googleapis.com", "Google Drive API", true
	}
	return "", "", false
}

// SetAPIEnabled turns an API ("sheets" or "drive") on or off in the fake's
// Cloud project. A disabled API answers every call with Google's 403
// SERVICE_DISABLED error, which names the project — not the 403 of a sheet
// that is not shared.
func (f *Fake) SetAPIEnabled(api string, on bool) {
	if _, _, ok := apiService(api); !ok {
		panic("sheetsfake: unknown API " + api)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.disabled[api] = !on
}

// serviceDisabled writes the 403 Google sends when the project has not
// enabled the API (body as captured from the real service).
func serviceDisabled(w http.ResponseWriter, api string) {
	service, title, _ := apiService(api)
	activation := "https://console.developers.google.com/apis/api/" + service + "/overview?project=" + ProjectNumber
	msg := fmt.Sprintf("%s has not been used in project %s before or it is disabled. Enable it by visiting %s then retry. "+
		"If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.",
		title, ProjectNumber, activation)
	writeError(w, http.StatusForbidden, map[string]any{
		"code": 403, "message": msg, "status": "PERMISSION_DENIED",
		"errors": []any{map[string]any{"message": msg, "domain": "usageLimits", "reason": "accessNotConfigured", "extendedHelp": activation}},
		"details": []any{
			map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED", "domain": "googleapis.com",
				"metadata": map[string]any{"consumer": "projects/" + ProjectNumber, "service": service, "activationUrl": activation}},
			map[string]any{"@type": "type.googleapis.com/google.rpc.Help", "links": []any{
				map[string]any{"description": "Google developers console API activation", "url": activation}}},
		},
	}, 0)
}

// insufficientScopes is the 403 of a token issued without the scope the
// call needs (a VM whose access scopes lack it, a key asked for too little).
func insufficientScopes(w http.ResponseWriter, service string) {
	writeError(w, http.StatusForbidden, map[string]any{
		"code": 403, "message": "Request had insufficient authentication scopes.", "status": "PERMISSION_DENIED",
		"details": []any{map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
			"domain": "googleapis.com", "metadata": map[string]any{"service": service}}},
	}, 0)
}

// quotaState is a per-minute quota the fake reports as spent until a time.
type quotaState struct {
	limit string // "ReadRequestsPerMinutePerUser", "WriteRequestsPerMinutePerUser", …
	until time.Time
}

// ExhaustQuota makes the per-minute quota limit ("ReadRequestsPerMinutePerUser",
// "WriteRequestsPerMinutePerProject" …) spent for d — the rest of Google's
// minute, shortened for tests: until then every request that counts
// against it gets Google's 429 RESOURCE_EXHAUSTED with the quota in its
// details. Reads are refused for a Read limit, batchUpdates for a Write one.
func (f *Fake) ExhaustQuota(limit string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.quota = quotaState{limit: limit, until: time.Now().Add(d)}
}

// quotaRefuses reports whether method is refused by a spent quota.
func (f *Fake) quotaRefuses(method string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.quota
	if q.limit == "" || !time.Now().Before(q.until) {
		return "", false
	}
	write := strings.HasPrefix(q.limit, "Write")
	if write != (method == "batchUpdate") {
		return "", false
	}
	f.counts["429"]++
	return q.limit, true
}

// quotaExceeded writes Google's 429 for a spent per-minute quota.
func quotaExceeded(w http.ResponseWriter, limit string) {
	metric, kind := "sheets.googleapis.com/read_requests", "Read requests"
	if strings.HasPrefix(limit, "Write") {
		metric, kind = "sheets.googleapis.com/write_requests", "Write requests"
	}
	per := "per minute per user"
	if strings.HasSuffix(limit, "PerProject") {
		per = "per minute"
	}
	msg := fmt.Sprintf("Quota exceeded for quota metric '%s' and limit '%s %s' of service 'sheets.googleapis.com' for consumer 'project_number:%s'.",
		kind, kind, per, ProjectNumber)
	writeError(w, http.StatusTooManyRequests, map[string]any{
		"code": 429, "message": msg, "status": "RESOURCE_EXHAUSTED",
		"details": []any{
			map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED", "domain": "googleapis.com",
				"metadata": map[string]any{"service": "sheets.googleapis.com", "consumer": "projects/" + ProjectNumber,
					"quota_metric": metric, "quota_limit": limit, "quota_limit_value": "60", "quota_location": "global"}},
			map[string]any{"@type": "type.googleapis.com/google.rpc.Help", "links": []any{
				map[string]any{"description": "Request a higher quota limit.", "url": "https://cloud.google.com/docs/quotas/help/request_increase"}}},
		},
	}, 0)
}

// writeError writes Google's JSON error envelope {"error": body}.
func writeError(w http.ResponseWriter, code int, body map[string]any, retryAfter time.Duration) {
	if retryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(int((retryAfter+time.Second-1)/time.Second)))
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": body})
}
