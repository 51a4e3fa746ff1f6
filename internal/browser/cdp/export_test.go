package cdp

import (
	"context"

	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// ReadOrigin reads origin's localStorage in the Chromium behind ac from a
// hidden page at the origin (tests check restored origins no test server
// serves).
func ReadOrigin(ctx context.Context, ac runtime.AgentConn, origin string) (map[string]string, error) {
	c, err := Dial(ctx, ac)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var items storageItems
	err = onOrigin(ctx, c, origin, func(p *Page) error {
		items, err = readLocalStorage(ctx, p)
		return err
	})
	return items.kv, err
}
