// Package postgres is the scale-out store: PostgreSQL through pgx's
// database/sql driver. Several agentcore servers may share one database.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/agentcore-dev/agentcore/internal/store/sqlstore"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

var schema = []string{
	`CREATE TABLE IF NOT EXISTS kv (
		tbl   TEXT NOT NULL,
		k     TEXT COLLATE "C" NOT NULL,
		value BYTEA NOT NULL,
		rev   BIGINT NOT NULL,
		PRIMARY KEY (tbl, k)
	)`,
}

func init() {
	schema = append(schema, sqlstore.ObsSchema("BIGINT", "BIGSERIAL PRIMARY KEY", `TEXT COLLATE "C"`)...)
}

// Open connects to the database named by dsn (a postgres:// URL or a
// key=value connection string) and applies the schema.
func Open(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	s, err := sqlstore.New(ctx, db, sqlstore.Dialect{
		Name:              "postgres",
		Schema:            schema,
		Rebind:            sqlstore.RebindDollar,
		IsUniqueViolation: isUnique,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
