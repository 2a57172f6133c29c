// Package calendar is the Russian production calendar (производственный
// календарь) for a five-day week: public non-working holidays (ТК РФ, ст. 112),
// the days off the Government moves by its annual decrees, the weekend days
// those decrees make working, and the pre-holiday days shortened by one hour
// (ТК РФ, ст. 95).
//
// The official data for 2024–2026 is embedded; a file in the same format can
// extend it to later years or correct a year. Generic holiday libraries get
// Russia wrong (they miss the transfers and the working Saturdays), which is
// why the deadlines of the Порядок (п. 5.5: 10 working days) are counted here.
//
// Dates are calendar days in the location of the time.Time passed in; use
// Moscow() (or the organisation's zone) so that a change made late in the
// evening lands on the right day. Outside the known years the calendar falls
// back to plain Monday–Friday; Covers reports whether a date is known.
package calendar
