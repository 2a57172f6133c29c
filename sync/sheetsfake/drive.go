package sheetsfake

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// handleDrive serves Drive's files.get for the spreadsheet: its metadata,
// "version" above all (a string, as Drive sends int64), through the
// fields mask. It needs a Drive scope and the Drive API enabled.
func (f *Fake) handleDrive(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/drive/v3/files/")
	if r.Method != http.MethodGet || strings.Contains(id, "/") {
		apiError(w, http.StatusNotFound, "NOT_FOUND", "unsupported call "+r.Method+" "+r.URL.Path, 0)
		return
	}
	if !f.admit(w, r, "drive.get", "drive") {
		return
	}
	f.mu.Lock()
	// Drive answers 404, not 403, for a file the caller cannot see.
	missing := f.deleted || f.forbidden || id != f.ID
	version := f.version
	f.mu.Unlock()
	if missing {
		writeError(w, http.StatusNotFound, map[string]any{"code": 404, "message": "File not found: " + id + ".",
			"errors": []any{map[string]any{"domain": "global", "reason": "notFound", "message": "File not found: " + id + ".",
				"locationType": "parameter", "location": "fileId"}}}, 0)
		return
	}
	writeJSON(w, r, map[string]any{
		"kind": "drive#file", "id": f.ID, "name": "Перечень (fake)",
		"mimeType": "application/vnd.google-apps.spreadsheet", "version": strconv.FormatInt(version, 10),
	})
}

// SetVMScopes sets the access scopes of the fake VM's service account
// (space-separated): its metadata-server tokens carry exactly these, as on
// Compute Engine, whatever scopes are asked for. "" (the default) grants
// the scopes asked for.
func (f *Fake) SetVMScopes(scopes string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.vmScopes = scopes
}

// MetadataHost is the value for GCE_METADATA_HOST that makes the fake act
// as the Compute Engine metadata server of a VM whose attached service
// account is ClientEmail.
func (f *Fake) MetadataHost() string {
	return strings.TrimPrefix(strings.TrimSuffix(f.URL, "/"), "http://")
}

// handleMetadata serves the metadata server paths the Google client
// libraries use for a VM's attached service account.
func (f *Fake) handleMetadata(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Metadata-Flavor") != "Google" {
		http.Error(w, "missing Metadata-Flavor header", http.StatusForbidden)
		return
	}
	w.Header().Set("Metadata-Flavor", "Google")
	path := strings.TrimPrefix(r.URL.Path, "/computeMetadata/v1/")
	switch path {
	case "instance/service-accounts/default/email":
		f.count("metadata.email")
		w.Header().Set("Content-Type", "application/text")
		fmt.Fprint(w, ClientEmail)
	case "instance/service-accounts/default/token":
		f.count("metadata.token")
		f.mu.Lock()
		scope := f.vmScopes
		f.mu.Unlock()
		if scope == "" {
			scope = strings.ReplaceAll(r.URL.Query().Get("scopes"), ",", " ")
		}
		writeAccessToken(w, f.issueToken(scope))
	case "project/project-id":
		fmt.Fprint(w, "proj")
	case "project/numeric-project-id":
		fmt.Fprint(w, ProjectNumber)
	default:
		http.Error(w, "not found", http.StatusNotFound)
	}
}
