package app

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// checkWholeNumbers returns an error for a number with a fraction, such as
// 20.5, given for a whole-number field of out. The YAML decoder would cut
// such a number to 20 without a word.
func checkWholeNumbers(data []byte, out any) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	return walkWholeNumbers(doc.Content[0], reflect.TypeOf(out), "")
}

func walkWholeNumbers(node *yaml.Node, typ reflect.Type, path string) error {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if node.Kind != yaml.MappingNode || typ.Kind() != reflect.Struct {
		return nil
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		key, value := node.Content[i].Value, node.Content[i+1]
		field, ok := fieldByYAMLName(typ, key)
		if !ok {
			continue
		}
		name := strings.TrimPrefix(path+"."+key, ".")
		if err := checkWholeValue(value, field.Type, name); err != nil {
			return err
		}
		if err := walkWholeNumbers(value, field.Type, name); err != nil {
			return err
		}
	}
	return nil
}

// checkWholeValue rejects a fractional number for an integer field.
func checkWholeValue(value *yaml.Node, typ reflect.Type, name string) error {
	switch typ.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
	default:
		return nil
	}
	if value.Kind != yaml.ScalarNode || value.ShortTag() != "!!float" {
		return nil
	}
	f, err := strconv.ParseFloat(value.Value, 64)
	if err != nil || f == float64(int64(f)) {
		return nil
	}
	return fmt.Errorf("%s: %s is not a whole number: use one such as %d", name, value.Value, int64(f))
}

// fieldByYAMLName finds the field of a struct type whose yaml tag is name.
func fieldByYAMLName(typ reflect.Type, name string) (reflect.StructField, bool) {
	for i := range typ.NumField() {
		field := typ.Field(i)
		tag, _, _ := strings.Cut(field.Tag.Get("yaml"), ",")
		if tag == name {
			return field, true
		}
	}
	return reflect.StructField{}, false
}
