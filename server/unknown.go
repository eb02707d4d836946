package server

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/quotient-cpq/quotient"
)

var unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

// unknownFields lists every member of a JSON body that the request type
// does not take, by path (lines[1].colour), so one answer names them all
// rather than only the first the decoder met.
func unknownFields(body []byte, t reflect.Type) []string {
	var out []string
	walkUnknown(body, t, "", &out)
	return out
}

func walkUnknown(raw []byte, t reflect.Type, path string, out *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return // it decodes itself
	}
	switch t.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return
		}
		fields := map[string]reflect.Type{}
		jsonFields(t, fields)
		for k, v := range obj {
			ft, ok := fields[k]
			if !ok {
				for name, x := range fields { // the decoder matches names case-insensitively
					if strings.EqualFold(name, k) {
						ft, ok = x, true
						break
					}
				}
			}
			if !ok {
				*out = append(*out, join(path, k))
				continue
			}
			walkUnknown(v, ft, join(path, k), out)
		}
	case reflect.Slice, reflect.Array:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return
		}
		for i, it := range items {
			walkUnknown(it, t.Elem(), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Map:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return
		}
		for k, v := range obj {
			walkUnknown(v, t.Elem(), join(path, k), out)
		}
	}
}

// jsonFields maps a struct's JSON member names to their types, with the
// members of embedded structs as the decoder sees them.
func jsonFields(t reflect.Type, into map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				jsonFields(ft, into)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		into[name] = f.Type
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// unknownFieldsError names every unknown member of a body.
func unknownFieldsError(names []string) error {
	p := quotient.Problems{Code: quotient.Invalid}
	slices.Sort(names)
	for _, n := range names {
		p.Add(n, "unknown field %q; see /api/v1/openapi.json for the fields this endpoint takes", n)
	}
	return p.Err()
}
