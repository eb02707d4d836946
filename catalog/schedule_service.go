package catalog

import (
	"context"
	"fmt"
	"strings"

	"github.com/quotient-cpq/quotient"
)

// SchedulePatch holds the fields to change; nil leaves a field as it is.
type SchedulePatch struct {
	Name       *string
	Type       *ScheduleType
	Tiers      *[]Tier
	ProductIDs *[]string
	Family     *string
	Active     *bool
}

func (s *Service) checkScheduleProducts(ctx context.Context, st Store, ids []string) error {
	for i, id := range ids {
		if _, err := st.GetProduct(ctx, id); err != nil {
			if quotient.ErrorCode(err) == quotient.NotFound {
				return quotient.FieldErrorf(quotient.Unprocessable, fmt.Sprintf("product_ids[%d]", i), "no such product %q", id)
			}
			return err
		}
	}
	return nil
}

// CreateSchedule adds a volume discount schedule; admins only.
func (s *Service) CreateSchedule(ctx context.Context, st Store, in Schedule) (Schedule, error) {
	if err := requireCatalogAdmin(ctx); err != nil {
		return Schedule{}, err
	}
	now := s.now().UTC()
	in.ID, in.Name, in.Version, in.CreatedAt, in.UpdatedAt = quotient.NewID("dsc"), strings.TrimSpace(in.Name), 1, now, now
	if err := ValidateSchedule(in); err != nil {
		return Schedule{}, err
	}
	if err := s.checkScheduleProducts(ctx, st, in.ProductIDs); err != nil {
		return Schedule{}, err
	}
	if err := st.InsertSchedule(ctx, in); err != nil {
		return Schedule{}, err
	}
	_, err := st.BumpRulebook(ctx)
	return in, err
}

// GetSchedule returns a schedule.
func (s *Service) GetSchedule(ctx context.Context, st Store, id string) (Schedule, error) {
	if err := requireActor(ctx); err != nil {
		return Schedule{}, err
	}
	return st.GetSchedule(ctx, id)
}

// ListSchedules returns a page of schedules.
func (s *Service) ListSchedules(ctx context.Context, st Store, p quotient.Page) ([]Schedule, error) {
	if err := requireActor(ctx); err != nil {
		return nil, err
	}
	return st.ListSchedules(ctx, p)
}

// UpdateSchedule changes a schedule; admins only.
func (s *Service) UpdateSchedule(ctx context.Context, st Store, id string, version int, p SchedulePatch) (Schedule, error) {
	if err := requireCatalogAdmin(ctx); err != nil {
		return Schedule{}, err
	}
	sc, err := st.GetSchedule(ctx, id)
	if err != nil {
		return Schedule{}, err
	}
	if err := quotient.CheckVersion("schedule", version, sc.Version); err != nil {
		return Schedule{}, err
	}
	old := sc.Version
	set(&sc.Name, p.Name)
	set(&sc.Type, p.Type)
	set(&sc.Tiers, p.Tiers)
	set(&sc.ProductIDs, p.ProductIDs)
	set(&sc.Family, p.Family)
	set(&sc.Active, p.Active)
	if err := ValidateSchedule(sc); err != nil {
		return Schedule{}, err
	}
	if err := s.checkScheduleProducts(ctx, st, sc.ProductIDs); err != nil {
		return Schedule{}, err
	}
	sc.Version++
	sc.UpdatedAt = s.now().UTC()
	if err := st.UpdateSchedule(ctx, sc, old); err != nil {
		return Schedule{}, err
	}
	_, err = st.BumpRulebook(ctx)
	return sc, err
}

// DeleteSchedule removes a schedule; admins only.
func (s *Service) DeleteSchedule(ctx context.Context, st Store, id string) error {
	if err := requireCatalogAdmin(ctx); err != nil {
		return err
	}
	if err := st.DeleteSchedule(ctx, id); err != nil {
		return err
	}
	_, err := st.BumpRulebook(ctx)
	return err
}
