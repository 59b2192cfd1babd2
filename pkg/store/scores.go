package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Score is one entry of an instance's score history.
type Score struct {
	InstanceID string
	Time       time.Time
	Score      int
	Verdict    string
}

// AddScores stores a batch of scores in one transaction.
func (s *Store) AddScores(ctx context.Context, scores []Score) error {
	if len(scores) == 0 {
		return nil
	}
	err := inTx(ctx, s.db, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO scores (instance_id, time, score, verdict) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, sc := range scores {
			if _, err := stmt.ExecContext(ctx, sc.InstanceID, sc.Time.UnixNano(), sc.Score, sc.Verdict); err != nil {
				return err
			}
		}
		return nil
	})
	return s.wrap(fmt.Sprintf("store %d scores", len(scores)), err)
}

// Scores returns the score history of one instance, oldest first.
func (s *Store) Scores(ctx context.Context, instanceID string) ([]Score, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT instance_id, time, score, verdict FROM scores WHERE instance_id = ? ORDER BY time`, instanceID)
	if err != nil {
		return nil, s.wrap("read the scores of instance "+instanceID, err)
	}
	defer rows.Close()
	var scores []Score
	for rows.Next() {
		var sc Score
		var at int64
		if err := rows.Scan(&sc.InstanceID, &at, &sc.Score, &sc.Verdict); err != nil {
			return nil, s.wrap("read a score of instance "+instanceID, err)
		}
		sc.Time = time.Unix(0, at)
		scores = append(scores, sc)
	}
	return scores, s.wrap("read the scores of instance "+instanceID, rows.Err())
}
