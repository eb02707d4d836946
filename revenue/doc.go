// Package revenue recognises deferred revenue: the schedule of every
// invoice line billed for a period of service (its net spread over the
// months of the period by days), the monthly postings that move it from
// deferred revenue to revenue exactly once, and the waterfall of what is
// scheduled month by month.
package revenue
