package server

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient/app"
)

// SettingsJSON is the organisation's settings.
type SettingsJSON struct {
	CompanyName               string `json:"company_name"`
	CompanyAddress            string `json:"company_address"`
	CompanyRegistrationNumber string `json:"company_registration_number"`
	QuotesOpenToReps          bool   `json:"quotes_open_to_reps"`
	BaseCurrency              string `json:"base_currency"`
}

// SettingsRequest changes the organisation's settings; absent fields stay.
type SettingsRequest struct {
	CompanyName               *string `json:"company_name" maxLength:"200"`
	CompanyAddress            *string `json:"company_address" maxLength:"1000"`
	CompanyRegistrationNumber *string `json:"company_registration_number" pattern:"^(T[0-9]{13})?$"`
	QuotesOpenToReps          *bool   `json:"quotes_open_to_reps"`
	BaseCurrency              *string `json:"base_currency" pattern:"^[A-Z]{3}$"`
}

func settingsJSON(s app.Settings) SettingsJSON {
	return SettingsJSON{CompanyName: s.CompanyName, CompanyAddress: s.CompanyAddress, CompanyRegistrationNumber: s.RegistrationNumber,
		QuotesOpenToReps: s.QuotesOpenToReps, BaseCurrency: s.BaseCurrency}
}

func (s *Server) getSettings() fiber.Handler {
	return func(c *fiber.Ctx) error {
		st, err := s.app.Settings(c.UserContext())
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, settingsJSON(st))
	}
}

func (s *Server) patchSettings() fiber.Handler {
	return func(c *fiber.Ctx) error {
		var r SettingsRequest
		if err := decode(c, &r); err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (app.Settings, error) {
			return s.app.UpdateSettings(ctx, app.SettingsPatch{CompanyName: r.CompanyName, CompanyAddress: r.CompanyAddress,
				RegistrationNumber: r.CompanyRegistrationNumber, QuotesOpenToReps: r.QuotesOpenToReps, BaseCurrency: r.BaseCurrency})
		}, func(st app.Settings) response { return response{status: fiber.StatusOK, body: settingsJSON(st)} })
	}
}
