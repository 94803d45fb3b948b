// Package store keeps notes in memory.
package store

import (
	"sort"
	"sync"
)

type Store struct {
	mu    sync.Mutex
	notes map[string]string
}

func New() *Store { return &Store{notes: map[string]string{}} }

func (s *Store) Put(key, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notes[key] = text
}

func (s *Store) Get(key string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.notes[key]
	return t, ok
}

func (s *Store) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.notes))
	for k := range s.notes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
