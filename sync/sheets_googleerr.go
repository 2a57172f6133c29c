package sync

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"google.golang.org/api/googleapi"
)

// googleReason is what Google's error body says beyond the status code:
// the ErrorInfo of its details (reason, service, quota) and the legacy
// errors[].reason. One 403 means "share the sheet", another "enable the
// API", a third "the token lacks a scope"; one 429 means "back off a
// little", another "this minute's quota is spent".
type googleReason struct {
	Status   int
	Reason   string // SERVICE_DISABLED, ACCESS_TOKEN_SCOPE_INSUFFICIENT, RATE_LIMIT_EXCEEDED, accessNotConfigured …
	Service  string // sheets.googleapis.com, drive.googleapis.com
	Project  string // the Cloud project's number
	Quota    string // ReadRequestsPerMinutePerUser …
	QuotaMax string // the quota's value, "60"
	Message  string
}

// reasonOf parses a googleapi.Error's body; the zero value when the body
// is not Google's JSON error.
func reasonOf(gerr *googleapi.Error) googleReason {
	r := googleReason{Status: gerr.Code, Message: gerr.Message}
	var body struct {
		Error struct {
			Message string `json:"message"`
			Errors  []struct {
				Reason string `json:"reason"`
			} `json:"errors"`
			Details []struct {
				Type     string            `json:"@type"`
				Reason   string            `json:"reason"`
				Metadata map[string]string `json:"metadata"`
			} `json:"details"`
		} `json:"error"`
	}
	if json.Unmarshal([]byte(gerr.Body), &body) == nil {
		if r.Message == "" {
			r.Message = body.Error.Message
		}
		for _, e := range body.Error.Errors {
			if r.Reason == "" {
				r.Reason = e.Reason
			}
		}
		for _, d := range body.Error.Details {
			if !strings.HasSuffix(d.Type, "google.rpc.ErrorInfo") {
				continue
			}
			r.Reason = d.Reason // ErrorInfo is the current form: it wins over errors[]
			r.Service = d.Metadata["service"]
			r.Project = strings.TrimPrefix(d.Metadata["consumer"], "projects/")
			r.Quota, r.QuotaMax = d.Metadata["quota_limit"], d.Metadata["quota_limit_value"]
		}
	}
	if r.Project == "" {
		if m := projectRe.FindStringSubmatch(r.Message); m != nil {
			r.Project = m[1]
		}
	}
	return r
}

var (
	projectRe  = regexp.MustCompile(`(?:in project|project_number:|projects/)\s*(\d+)`)
	disabledRe = regexp.MustCompile(`has not been used in project|is disabled|it is disabled`)
)

// apiDisabled reports a 403 for an API the Cloud project has not enabled.
func (r googleReason) apiDisabled() bool {
	return r.Status == 403 && (r.Reason == "SERVICE_DISABLED" || r.Reason == "accessNotConfigured" || disabledRe.MatchString(r.Message))
}

// scopeMissing reports a 403 for a token without the scope the call needs.
func (r googleReason) scopeMissing() bool {
	return r.Status == 403 && (r.Reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT" || strings.Contains(r.Message, "insufficient authentication scopes"))
}

// quotaWindow is the window of the quota a 429 names: a minute for
// Google's per-minute quotas (the Sheets API has no others), 0 when the
// 429 names none (a short burst limit: ordinary backoff then).
func (r googleReason) quotaWindow() time.Duration {
	if r.Status != 429 {
		return 0
	}
	name := strings.ToLower(r.Quota + " " + r.Message)
	if strings.Contains(name, "perminute") || strings.Contains(name, "per minute") {
		return time.Minute
	}
	return 0
}

// quotaWrite says whether the spent quota counts writes.
func (r googleReason) quotaWrite() bool {
	return strings.HasPrefix(strings.ToLower(r.Quota), "write") || strings.Contains(r.Message, "'Write requests")
}

// apiTitle names a Google service the way the Cloud console lists it.
func apiTitle(service string) string {
	switch service {
	case "drive.googleapis.com":
		return "Google Drive API"
	case "", "sheets.googleapis.com":
		return "Google Sheets API"
	}
	return service
}

// enableAPIAdvice is the Russian advice for a 403 SERVICE_DISABLED.
func (r googleReason) enableAPIAdvice() string {
	service := r.Service
	if service == "" {
		service = "sheets.googleapis.com"
		if strings.Contains(r.Message, "Drive API") {
			service = "drive.googleapis.com"
		}
	}
	project, link := "", "https://console.cloud.google.com/apis/library/"+service
	if r.Project != "" {
		project = " № " + r.Project
		link += "?project=" + r.Project
	}
	return fmt.Sprintf("%s не включён в проекте Google Cloud%s, которому принадлежат учётные данные perechen: "+
		"откройте %s и нажмите «Включить» (консоль Google Cloud → «API и сервисы» → «Библиотека» → %s); "+
		"после включения подождите несколько минут — perechen повторит проверку сам",
		apiTitle(service), project, link, apiTitle(service))
}

// quotaAdvice describes a spent per-minute quota in Russian.
func (r googleReason) quotaAdvice() string {
	name := r.Quota
	if name == "" {
		name = "запросов в минуту"
	}
	if r.QuotaMax != "" {
		name += " = " + r.QuotaMax
	}
	project := ""
	if r.Project != "" {
		project = " проекта Google Cloud № " + r.Project
	}
	return fmt.Sprintf("исчерпана минутная квота Google Sheets API%s (%s). Уменьшите число источников на одном сервисном аккаунте, "+
		"увеличьте interval или задайте sheets_quota_per_minute по квоте проекта", project, name)
}

// forbidden explains a 403: an API the project has not enabled, a token
// without the scope, or — the usual case — a sheet not shared with the
// service account.
func (s *SheetsSource) forbidden(gerr *googleapi.Error) string {
	r := reasonOf(gerr)
	switch {
	case r.apiDisabled():
		return r.enableAPIAdvice()
	case r.scopeMissing():
		return fmt.Sprintf("Google отказал: у токена perechen нет области доступа %s. На виртуальной машине Google Cloud "+
			"области доступа сервисного аккаунта задаются в настройках ВМ (остановите ВМ → «Изменить» → «Области доступа» → "+
			"добавьте %s); учётные данные gcloud получите заново: gcloud auth application-default login --scopes=%s,%s. "+
			"Или укажите credentials — файл ключа сервисного аккаунта; см. docs/google-sheets.md",
			strings.Join(s.cfg.scopes(), " и "), strings.Join(s.cfg.scopes(), ", "),
			strings.Join(s.cfg.scopes(), ","), "https://www.googleapis.com/auth/cloud-platform")
	}
	return fmt.Sprintf("нет доступа к таблице: поделитесь таблицей с %s (права редактора)", s.account())
}
