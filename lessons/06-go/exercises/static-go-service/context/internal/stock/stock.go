// Package stock holds the stockroom's inventory. It lives in the service's own module, so it is
// compiled from the sources in the build context, not downloaded.
package stock

import "sort"

// Item is one line of the inventory.
type Item struct {
	SKU      string `json:"sku"`
	Name     string `json:"name"`
	Quantity int    `json:"quantity"`
}

// Shelf is an in-memory inventory. A real service would read a database; a fixed list keeps the
// container self-contained.
type Shelf struct{ items map[string]Item }

// NewShelf returns a shelf stocked with a few sample items.
func NewShelf() *Shelf {
	s := &Shelf{items: map[string]Item{}}
	for _, it := range []Item{
		{SKU: "BOLT-M6", Name: "M6 hex bolt", Quantity: 420},
		{SKU: "NUT-M6", Name: "M6 nut", Quantity: 380},
		{SKU: "WASHER-M6", Name: "M6 washer", Quantity: 0},
	} {
		s.items[it.SKU] = it
	}
	return s
}

// All returns every item, sorted by SKU so responses are stable.
func (s *Shelf) All() []Item {
	out := make([]Item, 0, len(s.items))
	for _, it := range s.items {
		out = append(out, it)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SKU < out[j].SKU })
	return out
}

// Get returns the item with this SKU, if the shelf has it.
func (s *Shelf) Get(sku string) (Item, bool) {
	it, ok := s.items[sku]
	return it, ok
}
