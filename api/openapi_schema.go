package api

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
	"unicode"
)

// schemaRole tells which rule decides a schema's required fields. A response's
// required fields are the ones encoding/json always writes (not a pointer, not
// omitempty); a request's are the ones tagged `openapi:"required"`, which its
// validate method refuses to go without.
type schemaRole int

const (
	asResponse schemaRole = iota
	asRequest
)

type typeRole struct {
	t    reflect.Type
	role schemaRole
}

// components collects the document's named schemas: one per Go type and role,
// named after the type, plus the enums of openapi_enums.go.
type components struct {
	schemas   map[string]any
	responses map[string]any // the problem answers operations share
	names     map[typeRole]string
	owner     map[string]typeRole
}

func newComponents() *components {
	c := &components{schemas: map[string]any{}, responses: map[string]any{}, names: map[typeRole]string{}, owner: map[string]typeRole{}}
	for _, e := range documentedEnums {
		c.schemas[e.name] = map[string]any{"type": "string", "enum": e.values(), "description": e.description}
		c.owner[e.name] = typeRole{} // no type may take an enum's name
	}
	return c
}

var (
	timeType       = reflect.TypeOf(time.Time{})
	rawMessageType = reflect.TypeOf(json.RawMessage{})
)

// ref answers a $ref to the named schema of a struct type (registering it on first
// use), or the inline schema of any other type.
func (c *components) ref(t reflect.Type, role schemaRole) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == timeType || t.Name() == "" {
		return c.schemaOf(t, role)
	}
	key := typeRole{t, role}
	name, ok := c.names[key]
	if !ok {
		name = c.nameFor(key)
		c.names[key] = name
		c.owner[name] = key
		c.schemas[name] = map[string]any{} // placeholder: a type may refer to itself
		c.schemas[name] = c.structSchema(t, role)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// nameFor is the type's name, capitalized and without type arguments. A request
// schema whose name an answer's schema took is suffixed Input; a name another
// package's type took first, or a bare Request, is prefixed with the package's name.
func (c *components) nameFor(key typeRole) string {
	name, _, _ := strings.Cut(key.t.Name(), "[")
	name = exported(name)
	if _, taken := c.owner[name]; taken && key.role == asRequest {
		name += "Input"
	}
	if _, taken := c.owner[name]; taken || name == "Request" {
		pkg := key.t.PkgPath()
		name = exported(pkg[strings.LastIndex(pkg, "/")+1:]) + name
	}
	return name
}

func exported(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}

// schemaOf describes a Go type as a JSON schema, following its json tags.
func (c *components) schemaOf(t reflect.Type, role schemaRole) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawMessageType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32:
		return map[string]any{"type": "integer", "format": "int32"}
	case reflect.Int64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64", "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		return map[string]any{"type": "array", "items": c.ref(t.Elem(), role)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": c.ref(t.Elem(), role)}
	case reflect.Struct:
		if t.Name() != "" {
			return c.ref(t, role)
		}
		return c.structSchema(t, role)
	}
	return map[string]any{} // an interface: any JSON value
}

func (c *components) structSchema(t reflect.Type, role schemaRole) map[string]any {
	props, required := map[string]any{}, []string{}
	c.addFields(t, t, role, props, &required)
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	if role == asRequest {
		// decode refuses unknown fields, so the document does too.
		s["additionalProperties"] = false
	}
	return s
}

// addFields describes t's fields (embedded structs' fields inline, as encoding/json
// writes them) as properties of owner's schema.
func (c *components) addFields(owner, t reflect.Type, role schemaRole, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				c.addFields(owner, ft, role, props, required)
			}
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omitted := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
		// A request may send null for any pointer, slice or map; an answer holds one
		// only where encoding/json writes a nil one.
		nullable := mayBeNull(f.Type) && (role == asRequest || !omitted)
		props[name] = c.fieldSchema(owner, f, name, role, nullable)
		switch role {
		case asResponse:
			if !omitted {
				*required = append(*required, name)
			}
		case asRequest:
			if f.Tag.Get("openapi") == "required" {
				*required = append(*required, name)
			}
		}
	}
}

// fieldSchema is the field's type's schema with what its name and owner tell: an enum
// (openapi_enums.go), a format, and nullable.
func (c *components) fieldSchema(owner reflect.Type, f reflect.StructField, name string, role schemaRole, nullable bool) map[string]any {
	s := c.schemaOf(f.Type, role)
	if e := enumOf(owner, name); e != nil {
		s = map[string]any{"$ref": "#/components/schemas/" + e.name}
		if t := f.Type; t.Kind() == reflect.Slice || (t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Slice) {
			s = map[string]any{"type": "array", "items": s}
		}
	}
	if _, isRef := s["$ref"]; isRef {
		if nullable {
			// OpenAPI 3.0 ignores a $ref's siblings: nullable needs the allOf wrapper.
			return map[string]any{"allOf": []any{s}, "nullable": true}
		}
		return s
	}
	if s["type"] == "string" && s["format"] == nil {
		if format := formatOf(name); format != "" {
			s["format"] = format
		}
	}
	if nullable {
		s["nullable"] = true
	}
	return s
}

// mayBeNull: encoding/json writes null for a nil pointer, slice or map.
func mayBeNull(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Interface:
		return true
	case reflect.Slice:
		return t != rawMessageType
	}
	return false
}

// formatOf derives a string field's format from its name: e-mail addresses, absolute URLs,
// and times given as strings (a session's starts_at is parsed in its time zone).
func formatOf(name string) string {
	switch {
	case strings.HasSuffix(name, "_at"):
		return "date-time"
	case name == "email" || strings.HasSuffix(name, "_email"):
		return "email"
	case name == "url" || strings.HasSuffix(name, "_url"):
		return "uri"
	}
	return ""
}
