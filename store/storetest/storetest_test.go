package storetest_test

import (
	"io/fs"
	"strconv"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tandemhq/tandem/queries"
	"github.com/tandemhq/tandem/store/storetest"
)

func TestPoolGivesEachTestItsOwnMigratedDatabase(t *testing.T) {
	var mu sync.Mutex
	databases := map[string]bool{}
	t.Run("group", func(t *testing.T) {
		for i := range 2 {
			t.Run(strconv.Itoa(i), func(t *testing.T) {
				t.Parallel()
				pool := storetest.Pool(t)
				checkMigrated(t, pool)
				// The second test fails here if both share a database.
				if _, err := pool.Exec(t.Context(), "CREATE TABLE isolation_probe (id int)"); err != nil {
					t.Fatal(err)
				}
				var name string
				if err := pool.QueryRow(t.Context(), "SELECT current_database()").Scan(&name); err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				databases[name] = true
				mu.Unlock()
			})
		}
	})
	if len(databases) != 2 {
		t.Errorf("databases %v, want two different ones", databases)
	}
}

func TestNewDatabaseIsSharedByItsPools(t *testing.T) {
	url := storetest.New(t)
	a, err := pgxpool.New(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := pgxpool.New(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	checkMigrated(t, a)
	if _, err := a.Exec(t.Context(), "CREATE TABLE shared (id int); INSERT INTO shared VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.QueryRow(t.Context(), "SELECT count(*) FROM shared").Scan(&n); err != nil || n != 1 {
		t.Errorf("rows seen through the second pool: %d, %v; want 1", n, err)
	}
}

// checkMigrated checks that every migration has been applied.
func checkMigrated(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	files, err := fs.Glob(queries.Migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var applied int
	if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM goose_db_version WHERE version_id > 0").Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if applied != len(files) || applied == 0 {
		t.Errorf("%d migrations applied, want %d", applied, len(files))
	}
}
