package app

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/ledger"
)

// Settings are the organisation's settings: the company as documents
// print it, and who may read what.
type Settings struct {
	CompanyName    string
	CompanyAddress string // lines separated by newlines
	// RegistrationNumber is the company's tax registration number; for
	// Japan the qualified invoice issuer number, "T" and 13 digits,
	// printed on every document.
	RegistrationNumber string
	// QuotesOpenToReps lets every rep read (not change) every quote.
	QuotesOpenToReps bool
	// BaseCurrency is the company's functional currency, the one exchange
	// rates are quoted in (USD unless set). It may change only while the
	// ledger has no entries.
	BaseCurrency string
}

// SettingsPatch holds the settings to change; nil leaves one as it is.
type SettingsPatch struct {
	CompanyName, CompanyAddress, RegistrationNumber *string
	QuotesOpenToReps                                *bool
	BaseCurrency                                    *string
}

// The names settings are stored under.
const (
	settingCompanyName        = "company_name"
	settingCompanyAddress     = "company_address" // lines separated by newlines
	settingRegistrationNumber = "company_registration_number"
	settingQuotesOpenToReps   = "quotes_open_to_reps"
	settingBaseCurrency       = ledger.BaseCurrencySetting
)

var registrationRe = regexp.MustCompile(`^T[0-9]{13}$`)

// settings reads the settings in tx.
func settings(ctx context.Context, tx Tx) (Settings, error) {
	out := Settings{CompanyName: "Quotient", BaseCurrency: ledger.DefaultBaseCurrency}
	for name, dst := range map[string]*string{settingCompanyName: &out.CompanyName, settingCompanyAddress: &out.CompanyAddress,
		settingRegistrationNumber: &out.RegistrationNumber, settingBaseCurrency: &out.BaseCurrency} {
		v, ok, err := tx.Setting(ctx, name)
		if err != nil {
			return out, err
		}
		if ok {
			*dst = v
		}
	}
	v, _, err := tx.Setting(ctx, settingQuotesOpenToReps)
	out.QuotesOpenToReps, _ = strconv.ParseBool(v)
	return out, err
}

// Settings returns the organisation's settings; everyone signed in reads
// them.
func (a *App) Settings(ctx context.Context) (Settings, error) {
	return read(ctx, a, func(tx Tx) (Settings, error) {
		if _, err := quotient.RequireActor(ctx); err != nil {
			return Settings{}, err
		}
		return settings(ctx, tx)
	})
}

// UpdateSettings changes the organisation's settings (admins).
func (a *App) UpdateSettings(ctx context.Context, p SettingsPatch) (Settings, error) {
	return change(ctx, a, func(tx Tx) (Settings, error) {
		act, err := quotient.RequireActor(ctx)
		if err != nil {
			return Settings{}, err
		}
		if act.Role != quotient.RoleAdmin {
			return Settings{}, quotient.Errorf(quotient.Forbidden, "only admins change the organisation's settings")
		}
		s, err := settings(ctx, tx)
		if err != nil {
			return s, err
		}
		if p.CompanyName != nil {
			s.CompanyName = strings.TrimSpace(*p.CompanyName)
		}
		if p.CompanyAddress != nil {
			s.CompanyAddress = strings.TrimSpace(*p.CompanyAddress)
		}
		if p.RegistrationNumber != nil {
			s.RegistrationNumber = strings.TrimSpace(*p.RegistrationNumber)
		}
		if p.QuotesOpenToReps != nil {
			s.QuotesOpenToReps = *p.QuotesOpenToReps
		}
		if p.BaseCurrency != nil && strings.ToUpper(*p.BaseCurrency) != s.BaseCurrency {
			s.BaseCurrency = strings.ToUpper(strings.TrimSpace(*p.BaseCurrency))
			posted, err := tx.ListJournalEntries(ctx, ledger.EntryFilter{Page: quotient.Page{Limit: 1}})
			if err != nil {
				return s, err
			}
			if len(posted) > 0 {
				return s, quotient.FieldErrorf(quotient.Conflict, "base_currency",
					"the ledger has entries in the base currency it has; the base currency cannot change now")
			}
		}
		pr := quotient.Problems{}
		pr.Text("company_name", s.CompanyName, quotient.Required, 200)
		pr.Text("company_address", strings.ReplaceAll(s.CompanyAddress, "\n", " "), quotient.Optional, 1000)
		if s.RegistrationNumber != "" && !registrationRe.MatchString(s.RegistrationNumber) {
			pr.Add("company_registration_number", "must be T and 13 digits, such as T1234567890123 (got %q)", s.RegistrationNumber)
		}
		pr.Currency("base_currency", s.BaseCurrency)
		if err := pr.Err(); err != nil {
			return s, err
		}
		for name, v := range map[string]string{settingCompanyName: s.CompanyName, settingCompanyAddress: s.CompanyAddress,
			settingRegistrationNumber: s.RegistrationNumber, settingQuotesOpenToReps: strconv.FormatBool(s.QuotesOpenToReps),
			settingBaseCurrency: s.BaseCurrency} {
			if err := tx.PutSetting(ctx, name, v); err != nil {
				return s, err
			}
		}
		return s, nil
	})
}
