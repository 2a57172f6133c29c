// Package sheetsfake is an in-memory fake of the Google Sheets v4 REST API,
// of Drive's files.get, of Google's OAuth token endpoint and of the Compute
// Engine metadata server, served by httptest on loopback.
//
// It implements what perechen's Sheets source uses — spreadsheets.get with
// ranges (a sheet, or cells and rows of it: one GridData per range,
// 'Перечень'!1:50), includeGridData and field masks, values.get, and
// batchUpdate with updateCells/repeatCell requests that change notes — and
// rejects any batchUpdate that would touch values or formats, so a test
// proves perechen never does. The token endpoint runs the real
// service-account JWT flow (and the refresh-token flow of a person's
// credentials): CredentialsJSON returns a key file whose token_uri points at
// the fake, and API calls need a token it issued, with a scope that allows
// the call. With GCE_METADATA_HOST=MetadataHost() it is also the metadata
// server of a VM whose attached service account is ClientEmail.
//
// It behaves as the real service does where perechen could be fooled:
// values come back as displayed (SetNumber, SetDate: formats applied in the
// spreadsheet's ru_RU locale, «1,00», «04.12.2026»; links and smart chips as
// their display text); responses are gzip-compressed only when the request
// accepts gzip and its User-Agent contains "gzip"; sheets come back in the
// workbook's order, with hidden ones flagged; Drive's version grows with
// every change, perechen's own note writes included; a disabled API answers
// Google's 403 SERVICE_DISABLED naming the project; a spent per-minute quota
// answers 429 with the quota in its details (ExhaustQuota); rows carrying
// only formatting are listed in rowData (SetFormattedRows); notes may be
// handed back the way Google may (SetNoteView: "\r\n" line ends, trimmed).
//
// Tests can edit the sheet as a person would (SetValue, SetNote, InsertRow,
// DeleteRow, Rename, MoveSheet, SetHidden, Delete), count requests by
// method, inject faults (FailNext, StallNext, DropNext, FailTokenNext,
// SetDelay, SetAPIEnabled, ExhaustQuota) and run code between requests
// (SetHook), e.g. to insert a row between a read and a write.
package sheetsfake
