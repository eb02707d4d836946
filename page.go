package quotient

// Page selects one page of a list: at most Limit rows (0: all) whose ids
// come after After, in id order. Every list in Quotient pages this way.
type Page struct {
	Limit int
	After string
}
