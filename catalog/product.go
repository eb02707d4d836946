package catalog

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/rules"
)

// Service applies the catalog's rules on top of a Store.
type Service struct {
	now   func() time.Time
	cache *rules.Cache
}

// NewService returns a Service that reads the time from now.
func NewService(now func() time.Time) *Service { return &Service{now: now, cache: &rules.Cache{}} }

// ProductInput holds the fields of a new product.
type ProductInput struct {
	SKU            string
	Name           string
	Description    string
	Family         string
	Kind           Kind
	UOM            string
	UnitCost       decimal.Decimal
	TaxCategory    string
	Active         *bool
	TrackInventory *bool
	Attributes     []Attribute
	Components     []Component
	// BillingType defaults to one_time; a recurring product needs a
	// BillingPeriod.
	BillingType       BillingType
	BillingPeriod     BillingPeriod
	DefaultTermMonths int
}

// ProductPatch holds the fields to change; nil leaves a field as it is.
type ProductPatch struct {
	SKU               *string
	Name              *string
	Description       *string
	Family            *string
	Kind              *Kind
	UOM               *string
	UnitCost          *decimal.Decimal
	TaxCategory       *string
	Active            *bool
	TrackInventory    *bool
	Attributes        *[]Attribute
	Components        *[]Component
	BillingType       *BillingType
	BillingPeriod     *BillingPeriod
	DefaultTermMonths *int
}

var skuRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$`)

func requireActor(ctx context.Context) error {
	if _, ok := quotient.ActorFrom(ctx); !ok {
		return quotient.Errorf(quotient.Unauthorized, "sign in with an API token")
	}
	return nil
}

// requireCatalogAdmin allows catalog changes to admins only.
func requireCatalogAdmin(ctx context.Context) error {
	a, ok := quotient.ActorFrom(ctx)
	if !ok {
		return quotient.Errorf(quotient.Unauthorized, "sign in with an API token")
	}
	if a.Role != quotient.RoleAdmin {
		return quotient.Errorf(quotient.Forbidden, "only an admin may change the catalog")
	}
	return nil
}

func validateAttributes(p *quotient.Problems, attrs []Attribute) {
	if len(attrs) > 50 {
		p.Add("attributes", "at most 50 attributes per product")
		return
	}
	seen := map[string]bool{}
	for i, a := range attrs {
		f := fmt.Sprintf("attributes[%d]", i)
		p.MachineCode(f+".code", a.Code)
		if seen[a.Code] {
			p.Add(f+".code", "duplicate attribute code %q", a.Code)
		}
		seen[a.Code] = true
		p.Text(f+".name", a.Name, quotient.Required, 100)
		p.Text(f+".unit", a.Unit, quotient.Optional, 20)
		switch a.Type {
		case Enum:
			if len(a.Options) == 0 {
				p.Add(f+".options", "an enum attribute needs at least one option")
			}
			if len(a.Options) > 200 {
				p.Add(f+".options", "at most 200 options")
			}
			codes := map[string]bool{}
			for j, o := range a.Options {
				of := fmt.Sprintf("%s.options[%d]", f, j)
				p.MachineCode(of+".code", o.Code)
				if codes[o.Code] {
					p.Add(of+".code", "duplicate option code %q", o.Code)
				}
				codes[o.Code] = true
				p.Text(of+".label", o.Label, quotient.Required, 100)
				p.Scale(of+".price_delta", o.PriceDelta, 6)
			}
			if a.Min != nil || a.Max != nil || a.Step != nil {
				p.Add(f+".min", "min, max and step apply to number attributes only")
			}
			if a.Default != "" && !codes[a.Default] {
				p.Add(f+".default", "must be one of the option codes (got %q)", a.Default)
			}
		case Number:
			if len(a.Options) > 0 {
				p.Add(f+".options", "options apply to enum attributes only")
			}
			if a.Min != nil && a.Max != nil && a.Min.GreaterThan(*a.Max) {
				p.Add(f+".max", "must not be less than min")
			}
			if a.Step != nil && !a.Step.IsPositive() {
				p.Add(f+".step", "must be greater than zero")
			}
			if a.Default != "" {
				d, ok := quotient.ParseDecimal(a.Default)
				switch {
				case !ok:
					p.Add(f+".default", "must be a decimal number (got %q)", a.Default)
				case a.Min != nil && d.LessThan(*a.Min), a.Max != nil && d.GreaterThan(*a.Max):
					p.Add(f+".default", "must lie between min and max")
				}
			}
		case Boolean:
			if len(a.Options) > 0 || a.Min != nil || a.Max != nil || a.Step != nil {
				p.Add(f+".type", "a boolean attribute has no options, min, max or step")
			}
			if a.Default != "" && a.Default != "true" && a.Default != "false" {
				p.Add(f+".default", "must be true or false (got %q)", a.Default)
			}
		default:
			p.Add(f+".type", "must be one of enum, number, boolean (got %q)", a.Type)
		}
	}
}

func validateProduct(pr Product) error {
	p := quotient.Problems{}
	if !skuRe.MatchString(pr.SKU) {
		p.Add("sku", "must be 1-64 letters, digits, dots, dashes, slashes or underscores (got %q)", pr.SKU)
	}
	p.Text("name", pr.Name, quotient.Required, 200)
	p.Text("description", pr.Description, quotient.Optional, 4000)
	p.MachineCode("family", pr.Family)
	p.OneOf("kind", string(pr.Kind), "good", "service")
	p.Text("uom", pr.UOM, quotient.Required, 20)
	p.NonNegative("unit_cost", pr.UnitCost, 6)
	p.MachineCode("tax_category", pr.TaxCategory)
	if pr.Kind == KindService && pr.TrackInventory {
		p.Add("track_inventory", "a service cannot track inventory")
	}
	validateAttributes(&p, pr.Attributes)
	if pr.BillingType != "" {
		p.OneOf("billing_type", string(pr.BillingType), string(OneTime), string(Recurring))
	}
	switch {
	case pr.BillingType == Recurring:
		p.OneOf("billing_period", string(pr.BillingPeriod), string(Month), string(Quarter), string(Year))
		if pr.TrackInventory {
			p.Add("track_inventory", "a recurring product is a subscription and cannot track inventory")
		}
		if pr.IsBundle() {
			p.Add("components", "a recurring product cannot be a bundle")
		}
		if pr.DefaultTermMonths < 0 || pr.DefaultTermMonths > 120 {
			p.Add("default_term_months", "must be between 1 and 120 months, or 0 for none")
		} else if m := pr.BillingPeriod.Months(); m > 0 && pr.DefaultTermMonths%m != 0 {
			p.Add("default_term_months", "must be a whole number of %s periods (%d months)", pr.BillingPeriod, m)
		}
	case pr.BillingPeriod != "" || pr.DefaultTermMonths != 0:
		p.Add("billing_period", "billing_period and default_term_months apply to recurring products only")
	}
	if len(pr.Components) > 100 {
		p.Add("components", "at most 100 components per bundle")
	}
	seen := map[string]bool{}
	for i, c := range pr.Components {
		f := fmt.Sprintf("components[%d]", i)
		if c.ProductID == "" {
			p.Add(f+".product_id", "is required")
		}
		if c.ProductID == pr.ID {
			p.Add(f+".product_id", "a bundle cannot contain itself")
		}
		if seen[c.ProductID] {
			p.Add(f+".product_id", "the same product appears twice; raise its quantity instead")
		}
		seen[c.ProductID] = true
		if !c.Quantity.IsPositive() {
			p.Add(f+".quantity", "must be greater than zero")
		}
		p.Scale(f+".quantity", c.Quantity, 6)
	}
	return p.Err()
}

// checkComponents verifies that every component exists, is active and is
// not itself a bundle (bundles are one level deep, as in Salesforce CPQ).
func checkComponents(ctx context.Context, st Store, comps []Component) error {
	for i, c := range comps {
		f := fmt.Sprintf("components[%d].product_id", i)
		cp, err := st.GetProduct(ctx, c.ProductID)
		if err != nil {
			if quotient.ErrorCode(err) == quotient.NotFound {
				return quotient.FieldErrorf(quotient.Unprocessable, f, "no such product %q", c.ProductID)
			}
			return err
		}
		if cp.IsBundle() {
			return quotient.FieldErrorf(quotient.Unprocessable, f, "product %s is itself a bundle; bundles cannot be nested", cp.SKU)
		}
		if !cp.Active {
			return quotient.FieldErrorf(quotient.Unprocessable, f, "product %s is inactive", cp.SKU)
		}
	}
	return nil
}

// CreateProduct adds a product; admins only.
func (s *Service) CreateProduct(ctx context.Context, st Store, in ProductInput) (Product, error) {
	if err := requireCatalogAdmin(ctx); err != nil {
		return Product{}, err
	}
	return s.createProduct(ctx, st, in)
}

func (s *Service) createProduct(ctx context.Context, st Store, in ProductInput) (Product, error) {
	now := s.now().UTC()
	pr := Product{ID: quotient.NewID("prd"), SKU: strings.TrimSpace(in.SKU), Name: strings.TrimSpace(in.Name),
		Description: in.Description, Family: in.Family, Kind: in.Kind, UOM: in.UOM, UnitCost: in.UnitCost,
		TaxCategory: in.TaxCategory, Active: true, Attributes: in.Attributes, Components: in.Components,
		BillingType: in.BillingType, BillingPeriod: in.BillingPeriod, DefaultTermMonths: in.DefaultTermMonths,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	if pr.BillingType == "" {
		pr.BillingType = OneTime
	}
	if pr.Kind == "" {
		pr.Kind = KindGood
		if pr.BillingType == Recurring {
			pr.Kind = KindService
		}
	}
	if pr.UOM == "" {
		pr.UOM = "each"
	}
	if pr.TaxCategory == "" {
		pr.TaxCategory = "standard"
	}
	if in.Active != nil {
		pr.Active = *in.Active
	}
	pr.TrackInventory = pr.Kind == KindGood && !pr.IsBundle() && pr.BillingType != Recurring
	if in.TrackInventory != nil {
		pr.TrackInventory = *in.TrackInventory
	}
	if err := validateProduct(pr); err != nil {
		return Product{}, err
	}
	if err := checkComponents(ctx, st, pr.Components); err != nil {
		return Product{}, err
	}
	return pr, st.InsertProduct(ctx, pr)
}

// GetProduct returns one product; every role reads the catalog.
func (s *Service) GetProduct(ctx context.Context, st Store, id string) (Product, error) {
	if err := requireActor(ctx); err != nil {
		return Product{}, err
	}
	return st.GetProduct(ctx, id)
}

// ListProducts returns a page of products.
func (s *Service) ListProducts(ctx context.Context, st Store, f ProductFilter) ([]Product, error) {
	if err := requireActor(ctx); err != nil {
		return nil, err
	}
	return st.ListProducts(ctx, f)
}

// UpdateProduct changes a product; admins only.
func (s *Service) UpdateProduct(ctx context.Context, st Store, id string, version int, p ProductPatch) (Product, error) {
	if err := requireCatalogAdmin(ctx); err != nil {
		return Product{}, err
	}
	pr, err := st.GetProduct(ctx, id)
	if err != nil {
		return Product{}, err
	}
	if err := quotient.CheckVersion("product", version, pr.Version); err != nil {
		return Product{}, err
	}
	old := pr
	set(&pr.SKU, p.SKU)
	set(&pr.Name, p.Name)
	set(&pr.Description, p.Description)
	set(&pr.Family, p.Family)
	set(&pr.Kind, p.Kind)
	set(&pr.UOM, p.UOM)
	set(&pr.UnitCost, p.UnitCost)
	set(&pr.TaxCategory, p.TaxCategory)
	set(&pr.Active, p.Active)
	set(&pr.TrackInventory, p.TrackInventory)
	set(&pr.Attributes, p.Attributes)
	set(&pr.Components, p.Components)
	set(&pr.BillingType, p.BillingType)
	set(&pr.BillingPeriod, p.BillingPeriod)
	set(&pr.DefaultTermMonths, p.DefaultTermMonths)
	if pr.BillingType != old.BillingType {
		used, err := st.ProductReferenced(ctx, pr.ID)
		if err != nil {
			return Product{}, err
		}
		if used {
			return Product{}, quotient.FieldErrorf(quotient.Conflict, "billing_type", "product %s is on a document; its billing type can no longer change (make a new product)", pr.SKU)
		}
	}
	if err := validateProduct(pr); err != nil {
		return Product{}, err
	}
	if p.Components != nil {
		if err := checkComponents(ctx, st, pr.Components); err != nil {
			return Product{}, err
		}
		if len(pr.Components) > 0 {
			used, err := st.ProductReferenced(ctx, pr.ID)
			if err != nil {
				return Product{}, err
			}
			if used && !old.IsBundle() {
				return Product{}, quotient.FieldErrorf(quotient.Conflict, "components", "product %s is a component of a bundle or on a document and cannot become a bundle", pr.SKU)
			}
		}
	}
	pr.Version++
	pr.UpdatedAt = s.now().UTC()
	return pr, st.UpdateProduct(ctx, pr, old.Version)
}

// DeleteProduct removes a product no bundle or document refers to; one that
// is referred to is deactivated instead, so history keeps its meaning. It
// reports whether the product was deleted (false: deactivated).
func (s *Service) DeleteProduct(ctx context.Context, st Store, id string) (Product, bool, error) {
	if err := requireCatalogAdmin(ctx); err != nil {
		return Product{}, false, err
	}
	pr, err := st.GetProduct(ctx, id)
	if err != nil {
		return Product{}, false, err
	}
	used, err := st.ProductReferenced(ctx, id)
	if err != nil {
		return Product{}, false, err
	}
	if !used {
		return pr, true, st.DeleteProduct(ctx, id)
	}
	if pr.Active {
		old := pr.Version
		pr.Active = false
		pr.Version++
		pr.UpdatedAt = s.now().UTC()
		if err := st.UpdateProduct(ctx, pr, old); err != nil {
			return Product{}, false, err
		}
	}
	return pr, false, nil
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
