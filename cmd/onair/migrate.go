package main

import (
	"context"
)

// runMigrate applies the store's migrations to DATABASE_URL.
func runMigrate(ctx context.Context, cfg config) error {
	log, err := cfg.logger()
	if err != nil {
		return err
	}
	dsn, err := cfg.storeDSN(false)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, dsn, true, log)
	if err != nil {
		return err
	}
	log.Info("store is up to date")
	return db.Close()
}
