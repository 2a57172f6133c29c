// Package sheetsfake is an in-memory fake of the Google Sheets v4 REST API
// and of Google's OAuth token endpoint, served by httptest on loopback.
//
// It implements what perechen's Sheets source uses — spreadsheets.get with
// ranges (a sheet, or cells and rows of it: one GridData per range),
// includeGridData and field masks, values.get, and batchUpdate with
// updateCells/repeatCell requests that change notes — and rejects any
// batchUpdate that would touch values or formats, so a test proves perechen
// never does. The token endpoint runs the real service-account JWT flow:
// CredentialsJSON returns a key file whose token_uri points at the fake, and
// API calls need a token it issued.
//
// Tests can edit the sheet as a person would (SetValue, SetNote, InsertRow,
// DeleteRow, Rename, Delete), have reads hand notes back the way Google may
// (SetNoteView: "\r\n" line ends, trimmed), count requests by method, inject faults (FailNext,
// StallNext, DropNext, FailTokenNext, SetDelay) and run code between
// requests (SetHook), e.g. to insert a row between a read and a write.
package sheetsfake
