package gateway

import "context"

type searchIndex struct{}

// Search returns the catalogue's tools most relevant to query (at most k).
func (s *Service) Search(ctx context.Context, c *Catalogue, query string, k int) ([]*Entry, error) {
	return nil, nil
}
