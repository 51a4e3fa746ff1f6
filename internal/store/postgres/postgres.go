// Package postgres is the scale-out store: PostgreSQL through pgx's
// database/sql driver. Several agentcore servers may share one database.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/store/sqlstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
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
	ch, err := channel(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	s, err := sqlstore.New(ctx, db, sqlstore.Dialect{
		Name:              "postgres",
		Schema:            schema,
		Rebind:            sqlstore.RebindDollar,
		IsUniqueViolation: isUnique,
		IsTxnConflict:     isTxnConflict,
		Listener:          &sqlstore.Listener{NotifySQL: `SELECT pg_notify('` + ch + `', ?)`, Listen: listener(ch)},
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

// isTxnConflict: serialization_failure or deadlock_detected.
func isTxnConflict(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// channel names the NOTIFY channel that carries change notifications
// between servers sharing the store. NOTIFY is per database, so the channel
// is scoped by the schema the kv table lives in (current_schema()).
func channel(ctx context.Context, db *sql.DB) (string, error) {
	var schema sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", fmt.Errorf("postgres schema: %w", err)
	}
	ch := "agentcore_kv." + schema.String
	if len(ch) > 63 { // identifier limit
		ch = ch[:63]
	}
	return strings.ReplaceAll(ch, "'", ""), nil
}

// listener holds one connection in LISTEN ch until ctx ends or the link fails.
func listener(ch string) func(ctx context.Context, db *sql.DB, fn func(payload string)) error {
	return func(ctx context.Context, db *sql.DB, fn func(payload string)) error {
		conn, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		return conn.Raw(func(dc any) error {
			pc := dc.(*stdlib.Conn).Conn()
			if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
				return err
			}
			for {
				n, err := pc.WaitForNotification(ctx)
				if err != nil {
					return err
				}
				fn(n.Payload)
			}
		})
	}
}
