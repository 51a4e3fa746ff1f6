package httpapi

import (
	"context"
	"net/http"
)

// The web console (internal/console, Config.Console): its static assets
// and the shell page of every /console/* path. The console reads its data
// through the other routes of this table.
func (s *Server) consoleRoutes() []route {
	h := func(_ context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
		s.cfg.Console.ServeHTTP(w, r)
		return nil
	}
	return []route{
		{Method: "GET", Path: "/console", Op: "ConsolePage", H: h, Auth: authUnsigned},
		{Method: "GET", Path: "/console/", Op: "ConsolePage", H: h, Auth: authUnsigned},
		{Method: "GET", Path: "/console/{page+}", Op: "ConsolePage", H: h, Auth: authUnsigned},
	}
}
